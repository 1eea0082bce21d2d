"""``corridor serve``: the HTTP service (FastAPI + uvicorn), imported only when it runs."""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path
from typing import Annotated

import typer

from corridor.cli.common import DataOption, app, err, one_line_errors
from corridor.errors import InvalidRequestError

DEFAULT_PORT = 8000
LOG_LEVELS = ("debug", "info", "warning", "error")


@app.command("serve")
@one_line_errors
def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; 127.0.0.1 (this machine only) by default."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
    data: DataOption = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--cors-origin",
            help="Let pages of this origin call the API from a browser (repeat; default: none, "
            "or $CORRIDOR_CORS_ORIGINS).",
        ),
    ] = None,
    max_time_limit: Annotated[
        float | None,
        typer.Option(
            "--max-time-limit",
            help="Solver time limit of one request, s (default 10, or $CORRIDOR_MAX_TIME_LIMIT_S).",
        ),
    ] = None,
    max_rows: Annotated[
        int | None,
        typer.Option(help="Most rows of a quote-many or plan request (default 10000)."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Serve quotes, fronts and plans over HTTP, with a page at / (see docs/http.md).

    The API key, if any, is read from $CORRIDOR_API_KEY (header X-API-Key); the body limit
    from $CORRIDOR_MAX_BODY_BYTES (default 1000000).
    """
    if log_level.lower() not in LOG_LEVELS:
        msg = f"--log-level must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}"
        raise InvalidRequestError(msg)
    import uvicorn

    from corridor.web import Settings, create_app

    settings = Settings.from_env(
        data_dir=Path(data) if data is not None else None,
        cors_origins=tuple(cors_origin) if cors_origin else None,
        max_time_limit_s=max_time_limit,
        max_rows=max_rows,
    )
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    logging.captureWarnings(True)
    application = create_app(settings)
    application.state.networks.get(2026)  # load (and check) the data before the first request
    key = "an API key (X-API-Key)" if settings.api_key else "no API key"
    err.print(f"corridor serving on http://{host}:{port}/ with {key}", markup=False)
    if settings.api_key is None and not _loopback(host):
        err.print(
            f"warning: {host} is reachable from other machines and no API key is set: anyone "
            "who reaches the port can use the service (set CORRIDOR_API_KEY)",
            markup=False,
        )
    uvicorn.run(application, host=host, port=port, log_level=log_level.lower())


def _loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False
