"""What every response and request passes through: security headers (a CSP without inline
scripts, no sniffing, no framing), a limit on the request body (413 beyond it, counted as the
bytes arrive, not trusted from Content-Length alone), and CSRF protection for the forms (a
random token in a cookie that the form must echo; the API refuses the content types a
cross-site form can send, so a foreign page cannot post to it either)."""

from __future__ import annotations

import hmac
import json
import secrets
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# the offline reports carry their stylesheet inline (they are single files to mail); they
# still run no script
REPORT_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
CSRF_COOKIE = "passend_csrf"
CSRF_FIELD = "csrf_token"


class SecurityHeaders:
    """Adds ``HEADERS`` and a Content-Security-Policy (the route may set its own) to every
    response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.decode("latin-1").lower() for k, _ in headers}
                for k, v in HEADERS.items():
                    if k not in names:
                        headers.append((k.encode(), v.encode()))
                if "content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Answers 413 (JSON ``{error, detail, field}``) to a request whose body exceeds ``limit``
    bytes: at once when Content-Length says so, otherwise as soon as the bytes read pass it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, scope: Scope, send: Send) -> None:
        mib = 1024 * 1024
        size = f"{self.limit // mib} MiB" if self.limit >= mib else f"{self.limit // 1024} KiB"
        if scope.get("path", "").startswith("/api/"):
            media = b"application/json"
            payload = json.dumps(
                {
                    "error": "too_large",
                    "detail": f"the request body is larger than the limit of {self.limit} bytes",
                    "field": None,
                }
            ).encode()
        else:  # a form in the browser: a page, in both languages (the query is not read)
            media = b"text/html; charset=utf-8"
            payload = TOO_LARGE_PAGE.format(size=size).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", media),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    too_large = int(v) > self.limit
                except ValueError:
                    too_large = True
                if too_large:
                    await self._refuse(scope, send)
                    return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(scope, send)


TOO_LARGE_PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>passend: bestand te groot</title>
<link rel="stylesheet" href="/static/report.css"><link rel="stylesheet" href="/static/passend.css">
</head><body><main>
<h1>Het bestand is te groot</h1><p>Deze server neemt bestanden tot {size} aan.
<a href="/">Naar de startpagina</a></p>
<h2 lang="en">The file is too large</h2><p lang="en">This server accepts files up to {size}.</p>
</main></body></html>
"""


class _TooLarge(Exception):
    pass


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(cookie: str | None, submitted: Any) -> bool:
    """The form's token equals the cookie's (compared in constant time)."""
    if not cookie or not isinstance(submitted, str) or not submitted:
        return False
    return hmac.compare_digest(cookie, submitted)
