"""The HTTP service's request and response models, made from the library's own declarations.

Request bodies are the fields of :class:`~corridor.routing.request.QuoteRequest` and
:class:`~corridor.planning.request.PlanRequest` (:func:`corridor.schema.request_model`: their
types, defaults and help); responses are the documents of :mod:`corridor.schema`, which
``to_dict()`` writes. ``/openapi.json`` is therefore the library's contract: a new request
option or result field appears there without a line here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from corridor.options import options_of
from corridor.planning.demand import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, VOLUME_COLUMNS
from corridor.planning.request import PlanRequest
from corridor.routing.batch import ROW_OPTIONS
from corridor.routing.frontier import OBJECTIVE_NAMES, PARETO_SKIPS
from corridor.routing.request import QuoteRequest
from corridor.schema import PlanDocument, QuoteDocument, request_model

__all__ = [
    "ErrorDocument",
    "HealthDocument",
    "ParetoBody",
    "PlaceSearchDocument",
    "PlanBody",
    "PlanDocument",
    "QuoteBody",
    "QuoteDocument",
    "QuoteManyRow",
]

LOCAL_FILES = ("rates",)
"""Request fields that name a file on the machine (a rate card): not taken over HTTP."""

QuoteBody = request_model(QuoteRequest, name="QuoteBody", title="quote request", skip=LOCAL_FILES)
"""``POST /quote``: every field of :class:`~corridor.routing.request.QuoteRequest` but the
files (:data:`LOCAL_FILES`)."""

ParetoBody = request_model(
    QuoteRequest,
    name="ParetoBody",
    title="Pareto request",
    skip=(*PARETO_SKIPS, *LOCAL_FILES),
    extra={
        "objectives": (
            list[Literal[OBJECTIVE_NAMES]],  # type: ignore[valid-type]
            Field(
                ["cost", "time"],
                min_length=2,
                max_length=3,
                description="Two or three of cost (USD), time (P50 hours), co2 (kg CO2e).",
            ),
        )
    },
)
"""``POST /pareto``: the quote fields a front uses, and the objectives it trades off."""

QuoteManyRow = request_model(
    QuoteRequest,
    name="QuoteManyRow",
    title="quote-many row",
    skip=[
        name for name in options_of(QuoteRequest) if name not in ROW_OPTIONS or name in LOCAL_FILES
    ],
)
"""One row of ``POST /quote-many`` (a JSON object, or a CSV line with these columns)."""

DEMAND_COLUMNS = (*REQUIRED_COLUMNS, *VOLUME_COLUMNS, *OPTIONAL_COLUMNS)

PlanBody = request_model(
    PlanRequest,
    name="PlanBody",
    title="plan request",
    extra={
        "demand": (
            list[dict[str, str | float | None]],
            Field(
                min_length=1,
                description=(
                    "The demand table, one object per row, as corridor.plan reads it: columns "
                    f"{', '.join(DEMAND_COLUMNS)} (each row needs origin, destination and "
                    "teu_per_day or tonnes_per_day; teu_per_day in TEU a day, value_usd_per_teu "
                    "in USD per TEU, deadline in hours or text such as 3d)."
                ),
            ),
        )
    },
)
"""``POST /plan``: a demand table and the fields of :class:`PlanRequest`."""


class ErrorDocument(BaseModel):
    """An error: the library's class name and its one-line message (as the CLI prints it)."""

    model_config = ConfigDict(extra="forbid", title="error")
    error: str = Field(description="Error class: UnknownPlaceError, NoRouteError, ...")
    message: str = Field(description="What is wrong, in one line.")
    suggestions: list[str] | None = Field(
        None, description="Place ids meant (an unknown place: did you mean ...?)."
    )
    fastest: QuoteDocument | None = Field(
        None, description="A deadline that cannot be met: the fastest route meeting the rest."
    )


class HealthDocument(BaseModel):
    """The server is up, which corridor it runs and which network years it holds."""

    status: Literal["ok"]
    version: str = Field(description="corridor's version.")
    years_loaded: list[int] = Field(description="Network years loaded so far.")
    api_key_required: bool = Field(description="Whether requests need the X-API-Key header.")
    limits: dict[str, int | float] = Field(description="Body bytes, rows, solver seconds, draws.")


class PlaceSearchDocument(BaseModel):
    """Places found for a query: the one a quote would take, and those that come close."""

    query: str | None = Field(description="The query (null: every place).")
    year: int = Field(description="Network year.")
    match: str | None = Field(description="Id of the place the query names (null: none).")
    places: list[dict[str, Any]] = Field(
        description="id, name, name_vi, name_zh, country, kind, lat, lon (WGS84), modes."
    )
