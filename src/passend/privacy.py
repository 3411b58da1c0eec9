"""Pseudonymisation of direct identifiers on import (DESIGN section 5).

BSN and other person numbers become a keyed hash (HMAC-SHA256, key from
``PASSEND_PSEUDONYM_KEY`` or the file named by ``PASSEND_PSEUDONYM_KEY_FILE``; never from the
data); names, initials and addresses are dropped; a full birth date becomes a birth year; a
postcode keeps its four digits. Without a key, a file that holds identifiers is refused. No
identifier value is ever put in an error message.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from passend.messages import Message

KEY_ENV = "PASSEND_PSEUDONYM_KEY"
KEY_FILE_ENV = "PASSEND_PSEUDONYM_KEY_FILE"

# column name (lower case) -> what it is
PERSON_NUMBERS = {
    "bsn",
    "burgerservicenummer",
    "verzekerdennummer",
    "insurance_number",
    "insured_number",
}
DROPPED = {
    "name",
    "naam",
    "achternaam",
    "voornaam",
    "voornamen",
    "initials",
    "initialen",
    "voorletters",
    "address",
    "adres",
    "straat",
    "street",
    "huisnummer",
    "house_number",
    "woonplaats",
    "city",
}
BIRTH_DATES = {"birth_date", "geboortedatum", "date_of_birth"}
POSTCODES = {"postcode", "postal_code", "zip"}
IDENTIFIERS = PERSON_NUMBERS | DROPPED | BIRTH_DATES | POSTCODES


class PrivacyError(ValueError):
    """Identifiers present and no key to pseudonymise them with."""


def identifier_columns(names: list[str]) -> list[str]:
    return [n for n in names if n.lower() in IDENTIFIERS]


def load_key() -> bytes | None:
    key = os.environ.get(KEY_ENV)
    if key:
        return key.encode()
    path = os.environ.get(KEY_FILE_ENV)
    if path:
        data = Path(path).read_bytes().strip()
        if data:
            return data
    return None


def pseudonym(key: bytes, value: str) -> str:
    """The keyed hash of one identifier (hex, 32 characters)."""
    return hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()[:32]


def pseudonymise(
    table: pa.Table, source: str, id_column: str = "patient_id"
) -> tuple[pa.Table, list[str]]:
    """Replace or drop the identifier columns of ``table``. Returns the new table and a list of
    what was done (column names only). Raises PrivacyError when identifiers are present and no
    key is configured."""
    found = identifier_columns(table.column_names)
    if not found:
        return table, []
    key = load_key()
    if key is None:
        raise PrivacyError(
            f"{source}: holds direct identifiers (columns {', '.join(found)}); set "
            f"{KEY_ENV} or {KEY_FILE_ENV} to pseudonymise them on import, or remove them"
        )
    done = []
    for name in found:
        low = name.lower()
        col = table[name]
        idx = table.column_names.index(name)
        if low in PERSON_NUMBERS:
            # one HMAC per distinct value (Python over distinct identifiers, not over rows)
            enc = pc.dictionary_encode(pc.cast(col, pa.string())).combine_chunks()
            hashed = pa.array(
                [None if v is None else pseudonym(key, v) for v in enc.dictionary.to_pylist()]
            )
            values = hashed.take(enc.indices)
            if id_column in table.column_names:
                table = table.remove_column(idx)
                done.append(Message("privacy.dropped_for_id", column=name, id_column=id_column))
            else:
                table = table.set_column(idx, id_column, values)
                done.append(Message("privacy.hashed", column=name, id_column=id_column))
        elif low in BIRTH_DATES:
            text = pc.cast(col, pa.string())
            year = pc.cast(pc.utf8_slice_codeunits(text, 0, 4), pa.int16(), safe=False)
            table = table.set_column(idx, "birth_year", year)
            done.append(Message("privacy.birth_year", column=name))
        elif low in POSTCODES:
            text = pc.utf8_upper(pc.cast(col, pa.string()))
            digits = pc.utf8_slice_codeunits(pc.replace_substring(text, " ", ""), 0, 4)
            table = table.set_column(idx, "postcode4", digits)
            done.append(Message("privacy.postcode4", column=name))
        else:
            table = table.remove_column(idx)
            done.append(Message("privacy.dropped", column=name))
    return table, done
