"""The JSON schema of a quote (``Quote.to_dict()``, ``corridor quote --json``).

The schema is written from pydantic models that mirror :meth:`corridor.Quote.to_dict`; the
shipped copy is ``docs/quote.schema.json`` (the tests check that it matches and that real
quotes validate against it). Regenerate it with ``corridor schema > docs/quote.schema.json``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from corridor.model import CargoClass, Mode
from corridor.routing.request import Objective


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


class TotalsDocument(_Strict):
    """Door-to-door totals of the whole shipment."""

    cost_usd: float = Field(description="Total cost, USD.")
    planned_hours: float = Field(description="Sum of the steps' median hours.")
    hours_p50: float = Field(description="Median door-to-door hours (Monte Carlo).")
    hours_p90: float = Field(description="90th percentile door-to-door hours (Monte Carlo).")
    on_time_probability: float | None = Field(
        ge=0, le=1, description="Probability of arriving within the deadline (null: none)."
    )
    co2e_kg: float = Field(ge=0, description="Emissions, kg CO2e.")
    km: float = Field(ge=0, description="Distance, km.")
    transshipments: int = Field(ge=0, description="Number of mode changes on the way.")
    border_crossings: int = Field(ge=0, description="Number of border crossings.")


class StepDocument(_Strict):
    """One item of the route, in order; figures for the whole shipment."""

    kind: Literal["access", "leg", "transfer", "border", "egress"] = Field(
        description="Loading, a leg, a transshipment, a border crossing or unloading."
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
    hours_p50: float = Field(ge=0, description="Median hours.")
    hours_p90: float = Field(ge=0, description="90th percentile hours.")
    co2e_kg: float = Field(ge=0, description="Emissions, kg CO2e.")


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
    samples: int = Field(gt=0, description="Monte Carlo draws behind the P50/P90 hours.")
    seed: int = Field(description="Seed of the Monte Carlo (same seed, same figures).")


class QuoteDocument(_Strict):
    """An itemised route for one shipment, as ``corridor quote --json`` prints it."""

    model_config = ConfigDict(extra="forbid", title="corridor quote")
    shipment: ShipmentDocument
    year: int = Field(description="Network year.")
    month: int | None = Field(ge=1, le=12, description="Month of travel (season), if given.")
    objective: Objective = Field(description="What the route minimises.")
    ready: str | None = Field(description="Ready time, ISO 8601, if given.")
    arrival_p50: str | None = Field(description="Median arrival, ISO 8601, if ready was given.")
    totals: TotalsDocument
    options: OptionsDocument
    modes: list[Mode] = Field(description="Modes in order, repeats collapsed.")
    steps: list[StepDocument] = Field(min_length=1)
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
    schema = QuoteDocument.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
