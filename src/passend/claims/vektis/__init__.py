"""Vektis claims files (AW319, ZH308) to and from passend's claims table.

One fixed-width engine (:mod:`.fixedwidth`) driven by the standards' own field lists
(``layouts/``); per standard its record rules (:mod:`.aw319`, :mod:`.zh308`) and its mapping to
claims (:mod:`.aw319_claims`, :mod:`.zh308_claims`); what the mappings share is in
:mod:`.mapping`. ``READERS``/``EXPORTERS``: format name -> function, for the importer and the
CLI; ``ERRORS``: the exceptions of a structurally unreadable file.
"""

from __future__ import annotations

from passend.claims.vektis.aw319 import Aw319Error
from passend.claims.vektis.aw319_claims import export_aw319, read_aw319_claims
from passend.claims.vektis.fixedwidth import FixedWidthError
from passend.claims.vektis.mapping import synthetic_bsn, vektis_titles
from passend.claims.vektis.zh308 import Zh308Error
from passend.claims.vektis.zh308_claims import export_zh308, read_zh308_claims

READERS = {"aw319": read_aw319_claims, "zh308": read_zh308_claims}
EXPORTERS = {"aw319": export_aw319, "zh308": export_zh308}
FORMATS = tuple(READERS)


def read_vektis_claims(cat, path, fmt: str):
    """The claim columns of a Vektis file of format ``fmt`` (see the standard's mapping)."""
    return READERS[fmt](cat, path)


__all__ = [
    "EXPORTERS",
    "FORMATS",
    "READERS",
    "Aw319Error",
    "FixedWidthError",
    "Zh308Error",
    "export_aw319",
    "export_zh308",
    "read_aw319_claims",
    "read_vektis_claims",
    "read_zh308_claims",
    "synthetic_bsn",
    "vektis_titles",
]
