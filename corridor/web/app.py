"""The FastAPI app: the API routes, the page at ``/``, the limits and the error handlers."""

from __future__ import annotations

import hmac
import json
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Security
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles

from corridor import __version__
from corridor.planning.request import PlanRequest
from corridor.render.style import MODE_COLOURS
from corridor.routing.request import QuoteRequest
from corridor.web.api import api_router
from corridor.web.errors import BodyLimit, install_handlers
from corridor.web.models import ErrorDocument, HealthDocument
from corridor.web.networks import Networks
from corridor.web.settings import API_KEY_HEADER, Settings

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorDocument, "description": text}
    for code, text in (
        (400, "Malformed JSON."),
        (401, "API key missing or wrong."),
        (404, "Unknown place (with suggestions)."),
        (413, "Body or table too large."),
        (422, "Invalid request, or no route / plan meets it."),
    )
}
"""The error responses every API route documents (see :mod:`corridor.web.errors`)."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The corridor HTTP service (default settings: :meth:`Settings.from_env`).

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> client = TestClient(create_app(Settings()))
    >>> client.post("/quote", json={"origin": "Kunming", "destination": "Hanoi"}).status_code
    200
    >>> client.get("/places", params={"q": "Lao Kai"}).json()["places"][0]["id"]
    'lao_cai'
    """
    settings = settings if settings is not None else Settings.from_env()
    networks = Networks(settings.data_dir)
    app = FastAPI(
        title="corridor",
        version=__version__,
        summary="Multimodal freight quotes and plans on the Kunming – Lao Cai – Hanoi – Hai "
        "Phong corridor, optimised exactly with OR-Tools.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; /openapi.json is the contract
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.networks = networks
    install_handlers(app, {"/quote": QuoteRequest, "/pareto": QuoteRequest, "/plan": PlanRequest})
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", API_KEY_HEADER],
        )
    key_header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False)

    def authorised(given: str | None = Security(key_header)) -> None:
        """Pass a request whose key matches the server's (any request when there is none)."""
        wanted = settings.api_key
        if wanted is None:
            return
        if given is None or not hmac.compare_digest(given.encode(), wanted.encode()):
            raise HTTPException(
                401,
                f"missing or wrong API key (header {API_KEY_HEADER})",
                {"WWW-Authenticate": API_KEY_HEADER},
            )

    api = api_router(settings, networks)
    app.include_router(api, dependencies=[Depends(authorised)], responses=ERRORS)
    app.include_router(_open_routes(settings, networks))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    leaflet = resources.files("corridor").joinpath("assets", "leaflet")
    app.mount("/leaflet", StaticFiles(directory=str(leaflet)), name="leaflet")
    return app


def _open_routes(settings: Settings, networks: Networks) -> APIRouter:
    """The routes that need no key: the health check and the page."""
    router = APIRouter()
    limits = {
        "max_body_bytes": settings.max_body_bytes,
        "max_rows": settings.max_rows,
        "max_time_limit_s": settings.max_time_limit_s,
        "max_samples": settings.max_samples,
    }

    @router.get("/health", response_model=HealthDocument, summary="Is the server up")
    def health() -> dict[str, Any]:
        """``ok``, the version, the network years loaded, whether a key is needed, the limits."""
        return {
            "status": "ok",
            "version": __version__,
            "years_loaded": networks.years,
            "api_key_required": settings.api_key is not None,
            "limits": limits,
        }

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> str:
        """The page: pick places and options, see the route, its table and the front."""
        return _page()

    return router


@cache
def _page() -> str:
    """The page's HTML with the mode colours of the maps (:mod:`corridor.render.style`)."""
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    return html.replace("/*MODE_COLOURS*/{}", json.dumps(MODE_COLOURS))
