"""The endpoints: quotes, fronts, batches of quotes, plans, places, gates, the network.

Each endpoint turns its body into the library's request (:class:`QuoteRequest`,
:class:`PlanRequest`), caps what one request may cost (:class:`~corridor.web.settings.
Settings`), answers on the shared network of the request's year and returns ``to_dict()``.
The solving endpoints are plain functions, which FastAPI runs in its thread pool.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
from collections.abc import Iterator
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from corridor.errors import InvalidRequestError, PlaceNotOpenError, UnknownPlaceError
from corridor.model import blank
from corridor.network import DEFAULT_YEAR, place_summary
from corridor.options import table_cell
from corridor.planning import plan
from corridor.routing import QuoteRequest, pareto, quote, request_year
from corridor.routing.batch import MANY_COLUMNS, quote_many
from corridor.routing.request import DEFAULT_TIME_LIMIT_S
from corridor.tables import csv_table
from corridor.web.errors import BAD_REQUEST, INTERNAL, TOO_LARGE, strict_json
from corridor.web.models import (
    LOCAL_FILES,
    ParetoBody,
    PlaceSearchDocument,
    PlanBody,
    PlanDocument,
    QuoteBody,
    QuoteDocument,
    QuoteManyRow,
)
from corridor.web.networks import Networks
from corridor.web.settings import Settings

logger = logging.getLogger(__name__)

CHUNK_ROWS = 50
"""Rows of a quote-many request quoted at a time (their results are then sent)."""
CSV_TYPES = ("text/csv", "application/csv", "text/plain")
NDJSON = "application/x-ndjson"


def api_router(settings: Settings, networks: Networks) -> APIRouter:
    """The API's routes on ``networks``, within the limits of ``settings``."""
    router = APIRouter()
    _solving_routes(router, settings, networks)
    _lookup_routes(router, networks)
    return router


def _solving_routes(router: APIRouter, settings: Settings, networks: Networks) -> None:
    """``/quote``, ``/pareto``, ``/quote-many`` and ``/plan`` on ``router``."""
    cap = settings.max_time_limit_s

    def limited(given: dict[str, Any]) -> QuoteRequest:
        """A quote request from a body's fields, its time limit capped, its draws checked."""
        given["time_limit_s"] = min(given.get("time_limit_s", DEFAULT_TIME_LIMIT_S), cap)
        request = QuoteRequest(**given)
        if request.samples > settings.max_samples:
            msg = (
                f"samples must be at most {settings.max_samples:,} on this server, "
                f"got {request.samples:,}"
            )
            raise InvalidRequestError(msg)
        return request

    def where(request: QuoteRequest) -> dict[str, Any]:
        """The network keyword of a quote: the shared one of its year.

        A ``ready`` with a UTC offset and no ``year`` is in the year of the origin's clock,
        which the quote finds (from the same data folder).
        """
        if request.year is None and request.ready is not None and request.ready.tzinfo:
            return {"data_dir": settings.data_dir}
        return {"network": networks.get(request_year(request.year, request.ready))}

    @router.post(
        "/quote",
        response_model=QuoteDocument | list[QuoteDocument],
        summary="Quote the optimal route for one shipment",
    )
    def post_quote(body: QuoteBody) -> Any:  # type: ignore[valid-type]  # noqa: ANN401
        """The optimal route (``corridor.quote``), or a list of the ``alternatives`` best.

        ``time_limit_s`` is capped to the server's limit.
        """
        request = limited(body.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
        result = quote(request, **where(request))
        return [q.to_dict() for q in result] if isinstance(result, list) else result.to_dict()

    @router.post(
        "/pareto",
        response_model=list[QuoteDocument],
        summary="Every non-dominated route for two or three objectives",
    )
    def post_pareto(body: ParetoBody) -> Any:  # type: ignore[valid-type]  # noqa: ANN401
        """The exact cost / time (/ CO2) front (``corridor.pareto``), best first in the first."""
        given = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        objectives = tuple(given.pop("objectives", ("cost", "time")))
        request = limited(dict(given))
        given["time_limit_s"] = request.time_limit_s
        front = pareto(objectives=objectives, **where(request), **given)
        return [q.to_dict() for q in front]

    @router.post(
        "/quote-many",
        summary="Quote many shipments, one result row each, streamed",
        response_class=StreamingResponse,
        responses={
            200: {
                "description": "One row per request, in order, as NDJSON lines or CSV: "
                f"{', '.join(MANY_COLUMNS)}.",
                "content": {NDJSON: {}, "text/csv": {}},
            }
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "array",
                            "items": QuoteManyRow.model_json_schema(),
                        }
                    },
                    "text/csv": {
                        "schema": {"type": "string", "description": "A header line, then rows."}
                    },
                },
            }
        },
    )
    async def post_quote_many(
        request: Request,
        year: int | None = Query(None, description="Network year of every row (default 2026)."),
        output: Literal["ndjson", "csv"] = Query(
            "ndjson", alias="format", description="ndjson (one JSON object a line) or csv."
        ),
    ) -> StreamingResponse:
        """Quote each row (``corridor.quote_many``): a failed row has its error in ``status``.

        The body is a JSON array of objects or a CSV table (``Content-Type: text/csv``) with
        the columns of a row; at most the server's row limit. Rows are quoted in chunks and
        each chunk's results are sent as soon as they are ready.
        """
        rows = _rows(await request.body(), request.headers.get("content-type", ""))
        if len(rows) > settings.max_rows:
            raise HTTPException(
                TOO_LARGE,
                f"{len(rows):,} rows; this server quotes at most {settings.max_rows:,} a request",
            )
        network = networks.get(year if year is not None else DEFAULT_YEAR)
        prepared = [_capped(row, cap, settings.max_samples) for row in rows]

        def results() -> Iterator[dict[str, Any]]:
            for start in range(0, len(prepared), CHUNK_ROWS):
                chunk = prepared[start : start + CHUNK_ROWS]
                try:
                    table = quote_many([r for r, f in chunk if f is None], network=network)
                except Exception:  # a bug: the status is sent, so each row says so
                    logger.exception("quote-many failed on rows %d-%d", start, start + len(chunk))
                    failed = {"status": "InternalError", "message": INTERNAL}
                    table = pd.DataFrame([_ends(r) | failed for r, f in chunk if f is None])
                records = iter(_records(table))
                for row, failure in chunk:
                    yield next(records) if failure is None else _ends(row) | failure

        if output == "csv":
            return StreamingResponse(_as_csv(results()), media_type="text/csv")
        return StreamingResponse(_as_ndjson(results()), media_type=NDJSON)

    @router.post("/plan", response_model=PlanDocument, summary="Plan a demand table")
    def post_plan(body: PlanBody) -> Any:  # type: ignore[valid-type]  # noqa: ANN401
        """Assign the demand to the network under capacities (``corridor.plan``).

        ``time_limit_s`` is capped to the server's limit (and set to it when not given).
        """
        given = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        demand = given.pop("demand")
        if len(demand) > settings.max_rows:
            raise HTTPException(
                TOO_LARGE,
                f"{len(demand):,} demand rows; this server plans at most {settings.max_rows:,}",
            )
        given["time_limit_s"] = min(given.get("time_limit_s") or cap, cap)
        year = given.pop("year", None)
        network = networks.get(year if year is not None else DEFAULT_YEAR)
        return plan(demand, network=network, **given).to_dict()


def _lookup_routes(router: APIRouter, networks: Networks) -> None:
    """``/places``, ``/gates`` and ``/network`` on ``router``."""

    @router.get("/places", response_model=PlaceSearchDocument, summary="Find places by name")
    def get_places(
        q: str | None = Query(None, max_length=200, description="Name (any language) or id."),
        year: int = Query(DEFAULT_YEAR, description="Network year."),
    ) -> dict[str, Any]:
        """The place a name means and those close to it; 404 with suggestions for none.

        Without ``q``: every place of the year.
        """
        network = networks.get(year)
        if q is None or not q.strip():
            everything = [place_summary(p) for p in network.places.values()]
            return {"query": None, "year": year, "match": None, "places": everything}
        found = network.index.search(q)
        try:
            match: str | None = network.place(q).id
        except PlaceNotOpenError:
            raise  # it names a place that opens later, whatever else comes close
        except UnknownPlaceError:
            if not found:
                raise  # with suggestions
            match = None
        return {
            "query": q,
            "year": year,
            "match": match,
            "places": [place_summary(p) for p in found],
        }

    @router.get("/gates", summary="Border crossings: hours, capacity, clearance, fees")
    def get_gates(
        year: int = Query(DEFAULT_YEAR, description="Network year."),
        month: int | None = Query(None, description="Month, 1-12 (peak clearance)."),
    ) -> list[dict[str, Any]]:
        """Each crossing's opening hours, TEU/day, clearance hours P50/P90 by direction."""
        return networks.get(year).gate_records(month)

    @router.get(
        "/network",
        summary="The network as GeoJSON",
        responses={200: {"content": {"application/geo+json": {}}}},
    )
    def get_network(year: int = Query(DEFAULT_YEAR, description="Network year.")) -> Any:  # noqa: ANN401
        """Places and links of the year as one GeoJSON FeatureCollection (EPSG:4326)."""
        return networks.geojson(year)


def _rows(raw: bytes, content_type: str) -> list[dict[str, Any]]:
    """The rows of a quote-many body: a JSON array of objects, or a CSV table."""
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind in CSV_TYPES:
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise HTTPException(BAD_REQUEST, "the CSV body is not UTF-8") from None
        table = csv_table(text, "the CSV body")
        return [{k: v for k, v in r.items() if v != ""} for r in _records(table)]
    body = strict_json(raw)
    if not isinstance(body, list) or not all(isinstance(row, dict) for row in body):
        msg = "the body must be a JSON array of objects (or a CSV table, as text/csv)"
        raise InvalidRequestError(msg)
    return body


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a table as dicts keyed by its (text) column names."""
    return [{str(k): v for k, v in row.items()} for row in table.to_dict("records")]


def _capped(
    row: dict[str, Any], cap: float, max_samples: int
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A row with its time limit capped, and its failure if it asks too many draws."""
    row = dict(row)
    files = [name for name in LOCAL_FILES if not blank(row.get(name))]
    if files:  # a path on this server's disk: not read for a client
        message = f"{', '.join(files)} (a file on the server) is not taken over HTTP"
        return row, {"status": "InvalidRequestError", "message": message}
    limit = table_cell(QuoteRequest, "time_limit_s", row.get("time_limit_s"))
    if blank(limit) or (
        isinstance(limit, int | float) and not isinstance(limit, bool) and limit > cap
    ):
        row["time_limit_s"] = cap  # a blank cell too: the library's default is over the cap
    samples = table_cell(QuoteRequest, "samples", row.get("samples"))
    if isinstance(samples, int | float) and not isinstance(samples, bool) and samples > max_samples:
        message = f"samples must be at most {max_samples:,} on this server, got {samples:,}"
        return row, {"status": "InvalidRequestError", "message": message}
    return row, None


def _ends(row: dict[str, Any]) -> dict[str, Any]:
    """A failed row's origin and destination as given, and its other columns blank."""
    blank = dict.fromkeys(MANY_COLUMNS)
    return blank | {"origin": row.get("origin"), "destination": row.get("destination")}


def _json_safe(record: dict[str, Any]) -> dict[str, Any]:
    """NaN (a blank cell of the table) as null."""
    return {
        k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in record.items()
    }


def _as_ndjson(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(_json_safe(record), ensure_ascii=False, allow_nan=False) + "\n"


def _as_csv(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MANY_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow(_json_safe(record))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
