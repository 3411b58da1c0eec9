"""``passend serve``: the web app and API on Uvicorn; ``passend token create|revoke|list``:
the tokens that open runs on imported data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from passend.cli.common import err, fail, out
from passend.i18n import CLI_LABELS, env_lang

DataOpt = Annotated[
    Path,
    typer.Option("--data-dir", envvar="PASSEND_DATA_DIR", help="Data folder (runs, tokens)."),
]
token_app = typer.Typer(
    help="Toegangstokens voor runs op eigen (geïmporteerde) data.", no_args_is_help=True
)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            help="Processes beside the server that execute runs (scenarios, business cases); "
            "each national run needs up to ~4 GiB.",
            min=1,
        ),
    ] = 1,
    data_dir: DataOpt = Path("passend-data"),
    upload_limit_mib: Annotated[
        int, typer.Option(help="Largest upload in MiB (413 beyond).", min=1)
    ] = 16,
    runs_per_client: Annotated[
        int, typer.Option(help="Runs one client may have queued or running at once.", min=1)
    ] = 2,
    proxy_headers: Annotated[
        bool,
        typer.Option(help="Trust X-Forwarded-* from --forwarded-allow-ips (behind a proxy)."),
    ] = False,
    forwarded_allow_ips: Annotated[
        str, typer.Option(help="Proxies whose X-Forwarded-* headers are trusted.")
    ] = "127.0.0.1",
) -> None:
    """Start de webapp en de API (FastAPI op Uvicorn); data in --data-dir.

    One server process answers the requests (the pages and the API are light); the runs
    execute in --workers processes beside it. One server per data folder: its job store holds
    a lock on it."""
    import uvicorn

    from passend.tokens import TokenError, TokenStore

    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "PASSEND_DATA_DIR": str(data_dir),
            "PASSEND_UPLOAD_LIMIT": str(upload_limit_mib * 1024 * 1024),
            "PASSEND_RUNS_PER_CLIENT": str(runs_per_client),
            "PASSEND_RUN_WORKERS": str(workers),
        }
    )
    try:
        admin = TokenStore(data_dir).ensure_admin()
    except TokenError as e:
        fail(str(e))
    if admin is not None:
        err.print(CLI_LABELS[env_lang()]["admin_token"], highlight=False)
        out.print(admin, highlight=False)
    uvicorn.run(
        "passend.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level="info",
    )


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="Who or what the token is for.")],
    admin: Annotated[bool, typer.Option(help="An admin token.")] = False,
    data_dir: DataOpt = Path("passend-data"),
) -> None:
    """Maak een token (één keer getoond)."""
    from passend.tokens import TokenError, TokenStore

    try:
        out.print(TokenStore(data_dir).create(name, admin), highlight=False)
    except TokenError as e:
        fail(str(e))


@token_app.command("revoke")
def token_revoke(
    ident: Annotated[str, typer.Argument(help="The token's id (passend token list).")],
    data_dir: DataOpt = Path("passend-data"),
) -> None:
    """Trek een token in."""
    from passend.tokens import TokenError, TokenStore

    try:
        TokenStore(data_dir).revoke(ident)
    except TokenError as e:
        fail(str(e))


@token_app.command("list")
def token_list(data_dir: DataOpt = Path("passend-data")) -> None:
    """De tokens (id, naam, admin, aangemaakt), zonder geheimen."""
    from passend.tokens import TokenError, TokenStore

    try:
        for t in TokenStore(data_dir).list():
            out.print(f"{t['id']}  {t['name']}  {'admin' if t['admin'] else ''}  {t['created']}")
    except TokenError as e:
        fail(str(e))
