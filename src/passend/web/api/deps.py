"""What the routes share: the loaded catalogue, the settings and the job store (on
``app.state``), and the client's identity (a valid token, or its address)."""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request

from passend.catalogue.loader import Catalogue

Lang = Annotated[Literal["nl", "en"], Query(description="Language of the text: nl or en.")]


def catalogue(request: Request) -> Catalogue:
    return request.app.state.catalogue


Cat = Annotated[Catalogue, Depends(catalogue)]


def token_id(request: Request) -> str | None:
    """The id of the request's valid token (``Authorization: Bearer psd_…`` or the page's
    session cookie), or None."""
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    secret = value.strip() if scheme.lower() == "bearer" else request.cookies.get("passend_token")
    return request.app.state.tokens.verify(secret) if secret else None


def client_key(request: Request) -> str:
    """Whom a per-client limit counts: the token when there is one, else the address."""
    ident = token_id(request)
    if ident is not None:
        return f"token:{ident}"
    return f"addr:{request.client.host if request.client else 'unknown'}"


_store_lock = threading.Lock()


def job_store(request: Request) -> Any:
    """The app's job store (``passend.jobs.JobStore``), made at first use when the app was not
    started through its lifespan (which makes it at start, so interrupted runs are marked at
    once)."""
    st = request.app.state
    with _store_lock:
        if getattr(st, "jobs", None) is None:
            st.jobs = make_store(st)
    return st.jobs


def make_store(st: Any) -> Any:
    from passend.jobs import JobStore

    s = st.settings
    return JobStore(
        s.data_dir,
        st.catalogue,
        max_workers=s.run_workers,
        per_client=s.runs_per_client,
        max_bytes=s.upload_limit,
    )
