"""The HTTP service: ``corridor serve`` (FastAPI + uvicorn), a page at ``/`` and the API.

- :mod:`~corridor.web.app`: :func:`create_app`, the routes that need no key, the page;
- :mod:`~corridor.web.api`: ``/quote``, ``/pareto``, ``/quote-many``, ``/plan``, ``/places``,
  ``/gates``, ``/network``;
- :mod:`~corridor.web.models`: request and response models made from the library's
  declarations (so ``/openapi.json`` is the library's contract);
- :mod:`~corridor.web.errors`: errors as JSON with a 4xx status, the body-size limit;
- :mod:`~corridor.web.settings`: limits and who may call; :mod:`~corridor.web.networks`:
  each year's network loaded once and shared.

``import corridor`` never imports this package (nor FastAPI); ``corridor serve`` does.
See ``docs/http.md``.
"""

from corridor.web.app import create_app
from corridor.web.settings import Settings

__all__ = ["Settings", "create_app"]
