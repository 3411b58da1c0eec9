"""Access tokens for the parts of the server that hold imported data (runs on a user's own
claims): ``passend serve`` creates an admin token at first start and prints it once;
``passend token create|revoke|list`` manage the others. Only a SHA-256 digest of each token is
stored (``<data dir>/tokens.json``, readable by its owner only): a token is 32 random bytes, so
a fast hash suffices and the file alone does not let anyone in.

A token reads ``psd_<id>_<secret>``; the id names it in lists and revocations."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

TOKEN_RE = re.compile(r"^psd_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$")
NAME_RE = re.compile(r"^[A-Za-z0-9 ._@-]{1,64}$")


class TokenError(ValueError):
    pass


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenStore:
    """The tokens of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "tokens.json"

    def _read(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise TokenError(f"{self.path}: cannot read the token file: {e}") from None

    def _write(self, tokens: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(tokens, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def create(self, name: str, admin: bool = False) -> str:
        """A new token (returned once, never stored in the clear)."""
        if not NAME_RE.match(name):
            raise TokenError(
                f"token name {name!r}: use 1 to 64 letters, digits, spaces or ._@- only"
            )
        tokens = self._read()
        ident = secrets.token_hex(4)
        while ident in tokens:
            ident = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        tokens[ident] = {
            "name": name,
            "admin": admin,
            "sha256": _digest(secret),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        self._write(tokens)
        return f"psd_{ident}_{secret}"

    def ensure_admin(self) -> str | None:
        """At first start: an admin token (returned to print once); None when one exists."""
        if any(t.get("admin") for t in self._read().values()):
            return None
        return self.create("admin", admin=True)

    def revoke(self, ident: str) -> None:
        tokens = self._read()
        if ident not in tokens:
            known = ", ".join(sorted(tokens)) or "none"
            raise TokenError(f"no token with id {ident!r}; the ids are: {known}")
        del tokens[ident]
        self._write(tokens)

    def list(self) -> list[dict[str, Any]]:
        return [
            {"id": k, "name": v["name"], "admin": v["admin"], "created": v["created"]}
            for k, v in sorted(self._read().items())
        ]

    def verify(self, token: str | None) -> str | None:
        """The id of a valid token, or None."""
        m = TOKEN_RE.match(token or "")
        if m is None:
            return None
        entry = self._read().get(m.group(1))
        if entry is None or not hmac.compare_digest(entry["sha256"], _digest(m.group(2))):
            return None
        return m.group(1)
