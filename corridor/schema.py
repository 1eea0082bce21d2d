"""JSON schemas of the results (``to_dict()``, ``--json``) and of a quote request.

Each schema is written from pydantic models that mirror a ``to_dict()``: :class:`QuoteDocument`
(:meth:`corridor.Quote.to_dict`, ``corridor quote --json``), :class:`PlanDocument`
(:meth:`corridor.Plan.to_dict`, ``corridor plan --json``) and :class:`ComparisonDocument`
(:meth:`corridor.Comparison.to_dict`, ``corridor scenario compare --json``); the request's
schema is made from the declarations of :class:`corridor.QuoteRequest`. The shipped copies
are ``docs/<name>.schema.json`` (the tests check that they match and that real results
validate); regenerate one with ``corridor schema NAME > docs/NAME.schema.json``.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from corridor.errors import InvalidRequestError
from corridor.model import CargoClass, Mode
from corridor.options import options_of
from corridor.routing.request import Objective, QuoteRequest


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShipmentDocument(_Strict):
    """The shipment as asked."""

    origin: str = Field(description="Origin place id.")
    destination: str = Field(description="Destination place id.")
    teu: float = Field(gt=0, description="Volume, TEU.")
    cargo: CargoClass = Field(description="Cargo class.")
    tonnes: float | None = Field(description="Gross weight, t (null: cargo-class default).")
    value_usd: float | None = Field(description="Goods value, USD.")
    deadline_hours: float | None = Field(description="Latest arrival, hours after ready.")
    containers: dict[str, int] | None = Field(
        description="Boxes by type (containers.csv), if given so; teu is then theirs."
    )


class CurrencyDocument(_Strict):
    """The currency of the ``cost`` figures and the dated rate they were converted at."""

    code: str = Field(pattern=r"^[A-Z]{3}$", description="Currency code: USD, VND or CNY.")
    per_usd: float = Field(gt=0, description="Units of the currency per USD (1 for USD).")
    date: str | None = Field(description="Date of the rate, ISO 8601 (null for USD).")
    source: str | None = Field(description="Source of the rate (exchange_rates.csv).")


class TotalsDocument(_Strict):
    """Door-to-door totals of the whole shipment."""

    cost: float = Field(description="Total cost in the quote's currency.")
    cost_usd: float = Field(description="Total cost, USD.")
    planned_hours: float = Field(description="Sum of the steps' median hours.")
    hours_p50: float = Field(description="Median door-to-door hours (Monte Carlo).")
    hours_p90: float = Field(description="90th percentile door-to-door hours (Monte Carlo).")
    on_time_probability: float | None = Field(
        ge=0, le=1, description="Probability of arriving within the deadline (null: none)."
    )
    co2e_kg: float = Field(
        ge=0, description="Emissions, kg CO2e well to wheel (ISO 14083), hubs included."
    )
    co2e_wtw_kg: float = Field(ge=0, description="Well-to-wheel emissions, kg CO2e (= co2e_kg).")
    co2e_ttw_kg: float = Field(ge=0, description="Tank-to-wheel emissions, kg CO2e.")
    co2e_wtt_kg: float = Field(ge=0, description="Well-to-tank emissions, kg CO2e: WTW − TTW.")
    hub_co2e_kg: float = Field(
        ge=0, description="The part of co2e_kg emitted at hubs (terminal handling), kg CO2e."
    )
    tonne_km: float = Field(ge=0, description="Transport activity: tonnes × km of each leg, t-km.")
    intensity_g_per_tkm: float | None = Field(
        ge=0,
        description="Emission intensity of the chain: well-to-wheel g CO2e per t-km "
        "(null without any distance).",
    )
    km: float = Field(ge=0, description="Distance, km.")
    transshipments: int = Field(ge=0, description="Number of mode changes on the way.")
    border_crossings: int = Field(ge=0, description="Number of border crossings.")


class StepDocument(_Strict):
    """One item of the route, in order; figures for the whole shipment."""

    kind: Literal["access", "leg", "transfer", "border", "egress", "drayage"] = Field(
        description="Loading, a leg, a transshipment, a border crossing, unloading, or an "
        "estimated drayage: the first or last mile by road between a gazetteer town or "
        "coordinates and a network place (straight line × a circuity factor)."
    )
    ref: str = Field(
        description="Leg id, crossing id, 'place:from>to' for transfers, place id otherwise."
    )
    from_place: str = Field(description="Place id where the step starts.")
    to_place: str = Field(description="Place id where the step ends.")
    from_mode: Mode | None = Field(description="Mode before the step (null at loading).")
    to_mode: Mode | None = Field(description="Mode after the step (null at unloading).")
    km: float = Field(ge=0, description="Distance, km.")
    cost_usd: float = Field(description="Cost, USD.")
    cost: float = Field(description="Cost in the quote's currency.")
    hours_p50: float = Field(ge=0, description="Median hours.")
    hours_p90: float = Field(ge=0, description="90th percentile hours.")
    co2e_kg: float = Field(ge=0, description="Emissions, kg CO2e well to wheel.")
    co2e_ttw_kg: float = Field(ge=0, description="Tank-to-wheel emissions, kg CO2e.")
    hub_co2e_kg: float = Field(
        ge=0, description="The part of co2e_kg emitted handling at a hub, kg CO2e."
    )
    tonne_km: float = Field(ge=0, description="Transport activity: tonnes × km, t-km.")
    priced_by: str = Field(
        "shipped estimate",
        description=(
            "What priced the step: a rate card's row ('rates.csv row 3 (carrier; ...)', with "
            "its share of the lane's km and the dated exchange rate) or 'shipped estimate'."
        ),
    )


class OptionsDocument(_Strict):
    """The route options of the request, as resolved."""

    via: list[str] = Field(description="Place ids the route passes through, in order.")
    avoid: list[str] = Field(description="Place and border-crossing ids the route avoids.")
    modes: list[Mode] | None = Field(description="Modes allowed (null: all).")
    max_transshipments: int | None = Field(description="Most mode changes allowed (null: any).")
    confidence: float | None = Field(
        description="Probability of arriving within the deadline asked for (null: none)."
    )
    carbon_price_usd_per_t: float = Field(ge=0, description="Carbon price, USD per t CO2e.")
    value_of_time_usd_per_teu_hour: float | None = Field(
        ge=0,
        description=(
            "Value of an hour in transit, USD per TEU-hour, of the generalised objective: the "
            "goods value (given, else the cargo class default) × its value of time "
            "(null: another objective)."
        ),
    )
    cbta: bool = Field(description="Whether trucks may drive across under GMS CBTA permits.")
    samples: int = Field(gt=0, description="Monte Carlo draws behind the P50/P90 hours.")
    seed: int = Field(description="Seed of the Monte Carlo (same seed, same figures).")
    rates: str | None = Field(
        None, description="The rate card the quote was priced with (null: the shipped tariffs)."
    )


class QuoteDocument(_Strict):
    """An itemised route for one shipment, as ``corridor quote --json`` prints it."""

    model_config = ConfigDict(extra="forbid", title="corridor quote")
    shipment: ShipmentDocument
    year: int = Field(description="Network year.")
    month: int | None = Field(ge=1, le=12, description="Month of travel (season), if given.")
    objective: Objective = Field(description="What the route minimises.")
    ready: str | None = Field(description="Ready time, ISO 8601, if given.")
    arrival_p50: str | None = Field(description="Median arrival, ISO 8601, if ready was given.")
    currency: CurrencyDocument
    totals: TotalsDocument
    options: OptionsDocument
    modes: list[Mode] = Field(description="Modes in order, repeats collapsed.")
    steps: list[StepDocument] = Field(min_length=1)
    valid_to: str | None = Field(
        description="The last day (ISO 8601 date) the rate-card rows pricing the quote apply: "
        "the earliest valid_to of those rows; null when no card row prices it."
    )
    notes: list[str] = Field(
        description=(
            "What the figures do not show, one note each: a step the shipment is larger "
            "than in a day (a quote ignores capacities; corridor plan respects them), a via "
            "border gate the route passes without crossing there."
        )
    )


def quote_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of one quote document.

    Examples
    --------
    >>> quote_schema()["title"]
    'corridor quote'
    """
    return _draft(QuoteDocument)


class PlanTotalsDocument(_Strict):
    """Daily totals of a plan."""

    teu_per_day: float = Field(ge=0, description="TEU carried a day.")
    unserved_teu_per_day: float = Field(ge=0, description="TEU a day left unserved.")
    cost_usd_per_day: float = Field(description="Cost of the TEU carried, USD a day.")
    teu_km_per_day: float = Field(ge=0, description="TEU-km a day on legs and crossings.")
    co2e_kg_per_day: float = Field(ge=0, description="Emissions, kg CO2e a day.")


class BottleneckDocument(_Strict):
    """A saturated capacity and what one TEU/day of it is worth (USD/day)."""

    element: Literal["leg", "border", "transfer"] = Field(description="Kind of element.")
    ref: str = Field(description="Leg id, crossing id or place id of a transfer.")
    direction: str = Field(description="'from <place>', 'both directions' or 'a↔b' modes.")
    capacity_teu_day: float = Field(ge=0, description="Capacity, TEU/day.")
    flow_teu_day: float = Field(ge=0, description="Flow, TEU/day.")
    utilisation: float | None = Field(description="Flow ÷ capacity.")
    shadow_price_usd: float | None = Field(description="LP dual, USD/day per TEU/day.")
    marginal_saving_usd: float | None = Field(description="USD/day saved by one TEU/day more.")
    marginal_cost_usd: float | None = Field(description="USD/day added by one TEU/day less.")


class PlanRouteDocument(_Strict):
    """One route of an OD pair's flow, with its figures per TEU."""

    origin: str
    destination: str
    cargo: CargoClass
    value_usd_per_teu: float = Field(ge=0, description="Goods value, USD per TEU.")
    teu_per_day: float = Field(ge=0, description="Flow on this route, TEU/day.")
    modes: str = Field(description="Modes in order, ' → ' between.")
    gates: str = Field(description="Border crossings in order, '; ' between.")
    cost_usd_per_teu: float
    planned_hours: float = Field(ge=0)
    co2e_kg_per_teu: float = Field(ge=0)


class UnservedDocument(_Strict):
    """Demand a plan left unserved."""

    origin: str
    destination: str
    cargo: CargoClass
    teu_per_day: float = Field(ge=0)


class PlanDocument(_Strict):
    """A plan, as ``corridor plan --json`` prints it."""

    model_config = ConfigDict(extra="forbid", title="corridor plan")
    year: int = Field(description="Network year.")
    month: int | None = Field(ge=1, le=12, description="Month planned (null: all year).")
    objective: Literal["cost", "generalised"]
    integer: bool = Field(description="Whole TEU per arc (a MIP).")
    method: Literal["arcs", "paths"] = Field(description="Arc model or column generation.")
    optimal: bool = Field(description="Whether the solver proved the plan optimal.")
    objective_usd_per_day: float = Field(description="What the plan minimises, USD/day.")
    bound_usd_per_day: float | None = Field(description="Proven lower bound (null: none).")
    gap: float | None = Field(description="(objective − bound) ÷ objective (null: no bound).")
    totals: PlanTotalsDocument
    mode_split_teu_km: dict[str, float] = Field(description="TEU-km a day by mode.")
    bottlenecks: list[BottleneckDocument]
    routes: list[PlanRouteDocument]
    unserved: list[UnservedDocument]
    notes: list[str] = Field(description="What the figures do not show, one note each.")


class ChangeDocument(_Strict):
    """A shipment whose best route differs from the baseline's of the same year."""

    case: str
    origin: str | None
    destination: str | None
    before: str
    after: str


class ComparisonDocument(_Strict):
    """A scenario comparison, as ``corridor scenario compare --json`` prints it."""

    model_config = ConfigDict(extra="forbid", title="corridor scenario compare")
    kpis: list[dict[str, Any]] = Field(
        description="One row per case: case, year, compared_with, then the KPIs of the "
        "shipments quoted (quoted, failed, shipments_compared, mean_*) and of the plan "
        "(plan_*, share_<mode>, top_bottleneck); null where a case has none."
    )
    changes: list[ChangeDocument]
    scenarios: list[str] = Field(description="The scenarios compared, in order.")
    notes: list[str] = Field(description="What a reader must know to read the figures.")


def _draft(model: type[BaseModel]) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}


def plan_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of one plan document."""
    return _draft(PlanDocument)


def comparison_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of one comparison document."""
    return _draft(ComparisonDocument)


def request_model(
    request: type,
    *,
    name: str,
    title: str,
    skip: Iterable[str] = (),
    extra: dict[str, Any] | None = None,
) -> type[BaseModel]:
    """A pydantic model of a request class, made from its declarations (:mod:`corridor.options`).

    One field per field of ``request`` (a frozen dataclass of :func:`~corridor.options.option`
    fields) but those in ``skip``, with the type the declaration gives for JSON, its default
    (a tuple as a list) and its help as the description; ``extra`` adds fields (name:
    ``(type, Field(...))``). Unknown fields and NaN or infinite numbers are refused. The
    request's own checks still run when the request is made from the model's values.

    Examples
    --------
    >>> from corridor.routing.request import QuoteRequest
    >>> model = request_model(QuoteRequest, name="Body", title="a quote", skip=["seed"])
    >>> "seed" in model.model_fields, model.model_fields["teu"].default
    (False, 1.0)
    """
    hints = typing.get_type_hints(request)
    skipped = set(skip)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(request):
        if f.name in skipped:
            continue
        declared = options_of(request)[f.name]
        kind = declared.json_type if declared.json_type is not None else hints[f.name]
        default = ... if f.default is dataclasses.MISSING else f.default
        default = list(default) if isinstance(default, tuple) else default
        within = declared.range  # its bounds as minimum / maximum
        bounds: dict[str, Any] = (
            {} if within is None else {"json_schema_extra": within.json_schema()}
        )
        fields[f.name] = (kind, Field(default, description=declared.help, **bounds))
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid", title=title, allow_inf_nan=False),
        **fields,
        **(extra or {}),
    )


def request_schema() -> dict[str, Any]:
    """The JSON schema of a quote request, made from the declarations of QuoteRequest.

    Examples
    --------
    >>> schema = request_schema()
    >>> schema["required"], schema["properties"]["teu"]["default"]
    (['origin', 'destination'], 1.0)
    """
    return _draft(request_model(QuoteRequest, name="QuoteRequest", title="corridor quote request"))


SCHEMAS = {
    "quote": quote_schema,
    "plan": plan_schema,
    "comparison": comparison_schema,
    "request": request_schema,
}
"""The schemas by name, as ``corridor schema NAME`` prints them."""


def schema_of(name: str) -> dict[str, Any]:
    """The schema called ``name`` (:data:`SCHEMAS`).

    Raises
    ------
    InvalidRequestError
        For an unknown name, listing the names.
    """
    if name not in SCHEMAS:
        msg = f"no schema {name!r}; choose one of {', '.join(SCHEMAS)}"
        raise InvalidRequestError(msg)
    return SCHEMAS[name]()
