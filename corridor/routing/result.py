"""The result of a quote: an itemised route (:class:`Quote`) made of steps (:class:`Step`).

Figures are for the whole shipment: USD, hours (P50, P90), kg CO2e, km. A quote's
:attr:`Quote.notes` say what the figures do not show (a step the shipment is larger than in
a day, a via gate passed without crossing there, an avoided crossing whose gate is crossed
all the same). Renderers (maps, files) read quotes; a quote imports them only when asked.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.model import ExchangeRate, Place, PlaceKind, Shipment

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd
    from matplotlib.figure import Figure

    from corridor.network import Network
    from corridor.uncertainty import TransitTime


SHIPPED = "shipped estimate"
"""What :attr:`Step.priced_by` says of a step no rate card prices: the shipped data's figures
(``tariffs.csv``, ``transfers.csv``, ``border_crossings.csv``)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One item of a quote: a leg, a transshipment, a border crossing, loading or unloading.

    Figures are for the whole shipment: USD, hours (P50, P90), kg CO2e. Emissions follow
    ISO 14083 / the GLEC Framework: ``co2e_kg`` is well to wheel (WTW: fuel or power
    production and use), ``co2e_ttw_kg`` its tank-to-wheel part (burnt in the vehicle or
    genset; 0 for electric traction); ``hub_co2e_kg`` the WTW part emitted handling the
    cargo at a terminal (a transshipment, loading or unloading through one, a transload at a
    gate). ``tonne_km`` is the transport activity: tonnes × km.
    """

    kind: str
    """``leg``, ``transfer``, ``border``, ``access`` (loading), ``egress`` (unloading) or
    ``drayage``: an estimated first or last mile by road between a gazetteer town or a point
    and a network place (straight line × a circuity factor, see :mod:`corridor.endpoints`)."""
    ref: str
    """Leg id, crossing id, ``place:from>to`` for transfers, place id for access/egress,
    ``drayage:from>to`` for a drayage."""
    from_place: str
    to_place: str
    from_mode: str | None
    to_mode: str | None
    km: float
    cost_usd: float
    hours_p50: float
    hours_p90: float
    co2e_kg: float
    """Well-to-wheel emissions, kg CO2e (what the ``co2`` objective minimises)."""
    co2e_ttw_kg: float = 0.0
    """Tank-to-wheel emissions, kg CO2e."""
    hub_co2e_kg: float = 0.0
    """The part of ``co2e_kg`` emitted at a hub (terminal handling), kg CO2e."""
    tonne_km: float = 0.0
    """Transport activity: the shipment's tonnes × the step's km (0 for handling)."""
    priced_by: str = SHIPPED
    """What priced the step: ``rates.csv row 3 (carrier; ...)`` for a rate card's row (see
    :mod:`corridor.routing.rates`), else ``shipped estimate``."""

    @property
    def co2e_wtw_kg(self) -> float:
        """Well-to-wheel emissions, kg CO2e (the same as ``co2e_kg``)."""
        return self.co2e_kg

    @property
    def co2e_wtt_kg(self) -> float:
        """Well-to-tank emissions (producing the fuel or power), kg CO2e: WTW − TTW."""
        return self.co2e_kg - self.co2e_ttw_kg


@dataclass(frozen=True)
class Quote:
    """An itemised route for one shipment, with totals.

    Use :attr:`legs`, :attr:`transshipments` and :attr:`border_crossings` for the parts,
    :meth:`to_frame` for a table, :meth:`to_dict` for JSON and :meth:`explain` for text.
    """

    shipment: Shipment
    year: int
    month: int | None
    objective: str
    steps: tuple[Step, ...]
    names: dict[str, str] = field(repr=False, compare=False)
    ready: datetime | None = None
    simulator: Callable[[Sequence[Step]], TransitTime] | None = field(
        default=None, repr=False, compare=False
    )
    """Runs the Monte Carlo of this route (see :mod:`corridor.uncertainty`) when first needed."""
    network: Network | None = field(default=None, repr=False, compare=False)
    """The network the route was found on (for maps)."""
    options: dict[str, Any] = field(default_factory=dict, compare=False)
    """The request's route options, as resolved: ``via`` and ``avoid`` (place and crossing
    ids), ``modes`` (None: all), ``max_transshipments``, ``confidence``,
    ``carbon_price_usd_per_t``, ``samples`` and ``seed``."""
    notes: tuple[str, ...] = ()
    """What the figures do not show: a step the shipment is larger than in a day (a quote
    ignores capacities; :func:`corridor.plan` respects them), a via border gate the route
    passes without crossing there."""
    rate: ExchangeRate | None = field(default=None, compare=False)
    """The dated rate of :attr:`currency` per USD the costs are also shown in (None: USD)."""
    sites: dict[str, Place] = field(default_factory=dict, repr=False, compare=False)
    """The origin or destination when it is no network place: a gazetteer town or a point
    (see :mod:`corridor.endpoints`), by id."""
    valid_to: date | None = None
    """The last day the rate-card rows that price this quote apply (the earliest ``valid_to``
    of those rows); None when no card row prices it (shipped estimates do not expire)."""

    def place(self, place_id: str) -> Place:
        """A place of the route: a site (:attr:`sites`) or a place of :attr:`network`."""
        if place_id in self.sites:
            return self.sites[place_id]
        if self.network is None:
            raise KeyError(place_id)
        return self.network.places[place_id]

    @property
    def drayage(self) -> list[Step]:
        """The estimated first and last miles by road (see :attr:`Step.kind`)."""
        return [s for s in self.steps if s.kind == "drayage"]

    @property
    def currency(self) -> str:
        """The currency of :attr:`cost` (``USD``, ``VND``, ``CNY``): the request's."""
        return "USD" if self.rate is None else self.rate.currency

    def in_currency(self, usd: float) -> float:
        """``usd`` in :attr:`currency`, at :attr:`rate` (unchanged for USD)."""
        return usd if self.rate is None else usd * self.rate.per_usd

    @property
    def cost(self) -> float:
        """Total cost in :attr:`currency`: :attr:`cost_usd` × the dated rate."""
        return self.in_currency(self.cost_usd)

    @property
    def rate_text(self) -> str:
        """The rate as a quote states it: ``26,390 VND per USD of 2025-12-19``; "" for USD."""
        if self.rate is None:
            return ""
        return f"{self.rate.per_usd:,.6g} {self.rate.currency} per USD of {self.rate.date}"

    @property
    def boxes(self) -> str:
        """What is shipped: ``2 × 40HC (4 TEU)``, or ``2 TEU`` when given in TEU."""
        s = self.shipment
        if s.containers is None:
            return f"{s.teu:g} TEU"
        listed = ", ".join(f"{count} × {kind}" for kind, count in s.containers)
        return f"{listed} ({s.teu:g} TEU)"

    @functools.cached_property
    def transit(self) -> TransitTime | None:
        """Simulated door-to-door hours, computed on first use (None without a simulator)."""
        return None if self.simulator is None else self.simulator(self.steps)

    @property
    def arrival_p50(self) -> datetime | None:
        """P50 arrival time, if the ready time was given."""
        return None if self.ready is None else self.ready + timedelta(hours=self.hours_p50)

    @property
    def legs(self) -> list[Step]:
        """The legs in order."""
        return [s for s in self.steps if s.kind == "leg"]

    @property
    def transshipments(self) -> list[Step]:
        """Mode changes on the way (a gauge break is one)."""
        return [s for s in self.steps if s.kind == "transfer"]

    @property
    def border_crossings(self) -> list[Step]:
        """Border crossings in order."""
        return [s for s in self.steps if s.kind == "border"]

    @property
    def places(self) -> list[str]:
        """Place ids the cargo passes through, in order, from origin to destination."""
        route = [self.steps[0].from_place] if self.steps else []
        for s in self.steps:
            if s.to_place != route[-1]:
                route.append(s.to_place)
        return route

    @property
    def modes(self) -> list[str]:
        """Modes of the legs and crossings in order, repeats collapsed."""
        moving = {"leg", "border", "drayage"}
        sequence = [s.to_mode for s in self.steps if s.kind in moving and s.to_mode]
        return [m for i, m in enumerate(sequence) if i == 0 or sequence[i - 1] != m]

    @property
    def cost_usd(self) -> float:
        """Total cost, USD (summed exactly: 1,222.36, not 1,222.3600000000001)."""
        return math.fsum(s.cost_usd for s in self.steps)

    @property
    def planned_hours(self) -> float:
        """Sum of the steps' median hours: what ``deadline`` (without ``confidence``) bounds."""
        return math.fsum(s.hours_p50 for s in self.steps)

    @property
    def hours_p50(self) -> float:
        """Median door-to-door hours (Monte Carlo; the planned hours if not simulated)."""
        return self.transit.p50 if self.transit is not None else self.planned_hours

    @property
    def hours_p90(self) -> float:
        """90th percentile door-to-door hours (Monte Carlo; else the sum of step P90s)."""
        if self.transit is not None:
            return self.transit.p90
        return sum(s.hours_p90 for s in self.steps)

    @property
    def on_time_probability(self) -> float | None:
        """Probability of arriving within the deadline (None without one)."""
        deadline = self.shipment.deadline_hours
        if deadline is None or self.transit is None:
            return None
        return self.transit.probability_within(deadline)

    @property
    def co2e_kg(self) -> float:
        """Total emissions, kg CO2e well to wheel (ISO 14083), hubs included."""
        return math.fsum(s.co2e_kg for s in self.steps)

    @property
    def co2e_wtw_kg(self) -> float:
        """Total well-to-wheel emissions, kg CO2e (the same as :attr:`co2e_kg`)."""
        return self.co2e_kg

    @property
    def co2e_ttw_kg(self) -> float:
        """Total tank-to-wheel emissions, kg CO2e."""
        return math.fsum(s.co2e_ttw_kg for s in self.steps)

    @property
    def co2e_wtt_kg(self) -> float:
        """Total well-to-tank emissions, kg CO2e: :attr:`co2e_wtw_kg` − :attr:`co2e_ttw_kg`."""
        return self.co2e_wtw_kg - self.co2e_ttw_kg

    @property
    def hub_co2e_kg(self) -> float:
        """The part of :attr:`co2e_kg` emitted at hubs (terminal handling), kg CO2e."""
        return math.fsum(s.hub_co2e_kg for s in self.steps)

    @property
    def tonne_km(self) -> float:
        """Transport activity, t-km: the shipment's tonnes × each leg's (and crossing's) km.

        A leg's km is the distance its road, line or waterway runs between its places (for
        the flight, the great-circle distance), the shortest feasible distance ISO 14083 asks
        for between the two ends of each leg.
        """
        return math.fsum(s.tonne_km for s in self.steps)

    @property
    def intensity_g_per_tkm(self) -> float | None:
        """Emission intensity of the chain, g CO2e (WTW) per t-km (ISO 14083).

        Total WTW emissions, hubs included, ÷ :attr:`tonne_km`; None without any distance.
        """
        tonne_km = self.tonne_km
        return None if tonne_km <= 0 else self.co2e_wtw_kg * 1000.0 / tonne_km

    @property
    def km(self) -> float:
        """Total distance, km."""
        return math.fsum(s.km for s in self.steps)

    def map(self) -> folium.Map:
        """A folium map of the route (see :func:`corridor.render.maps.quote_map`)."""
        from corridor.render.maps import quote_map

        return quote_map(self)

    def chart(self) -> Figure:
        """A matplotlib map of the route (see :func:`corridor.render.charts.route_chart`)."""
        from corridor.render.charts import route_chart

        return route_chart(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per step, in order, each with the shipment its figures are for.

        Emissions as in :class:`Step` (``co2e_kg`` well to wheel, ``co2e_ttw_kg``,
        ``co2e_wtt_kg``, ``hub_co2e_kg``) and its ``tonne_km``.
        A step's USD and kg CO2e are for the whole shipment, so every row also carries its
        ``teu``, ``tonnes`` (gross weight, t, as given; NaN when not given: CO2e is then
        at the cargo class payload per TEU) and ``cargo`` class.
        """
        import pandas as pd

        tonnes = self.shipment.tonnes
        frame = pd.DataFrame([asdict(s) for s in self.steps])
        return frame.assign(
            co2e_wtt_kg=frame["co2e_kg"] - frame["co2e_ttw_kg"],
            teu=self.shipment.teu,
            tonnes=np.nan if tonnes is None else tonnes,
            cargo=self.shipment.cargo.value,
        )

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """The steps with geometry (see :func:`corridor.render.geo.quote_geodataframe`).

        :func:`corridor.render.geo.write_quote` writes them to files, lines and points apart.
        """
        from corridor.render.geo import quote_geodataframe

        return quote_geodataframe(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: shipment, options, totals and steps."""
        shipment = asdict(self.shipment)
        shipment["cargo"] = self.shipment.cargo.value
        boxes = self.shipment.containers
        shipment["containers"] = None if boxes is None else dict(boxes)
        return {
            "shipment": shipment,
            "year": self.year,
            "month": self.month,
            "objective": self.objective,
            "ready": self.ready.isoformat() if self.ready else None,
            "arrival_p50": self.arrival_p50.isoformat(timespec="seconds")
            if self.arrival_p50
            else None,
            "currency": {
                "code": self.currency,
                "per_usd": 1.0 if self.rate is None else self.rate.per_usd,
                "date": None if self.rate is None else self.rate.date,
                "source": None if self.rate is None else self.rate.source,
            },
            "totals": {
                "cost": round(self.cost, 2),
                "cost_usd": round(self.cost_usd, 2),
                "planned_hours": round(self.planned_hours, 2),
                "hours_p50": round(self.hours_p50, 2),
                "hours_p90": round(self.hours_p90, 2),
                "on_time_probability": self.on_time_probability,
                "co2e_kg": round(self.co2e_kg, 2),
                "co2e_wtw_kg": round(self.co2e_wtw_kg, 2),
                "co2e_ttw_kg": round(self.co2e_ttw_kg, 2),
                "co2e_wtt_kg": round(self.co2e_wtt_kg, 2),
                "hub_co2e_kg": round(self.hub_co2e_kg, 2),
                "tonne_km": round(self.tonne_km, 1),
                "intensity_g_per_tkm": None
                if self.intensity_g_per_tkm is None
                else round(self.intensity_g_per_tkm, 2),
                "km": round(self.km, 1),
                "transshipments": len(self.transshipments),
                "border_crossings": len(self.border_crossings),
            },
            "options": dict(self.options),
            "modes": self.modes,
            "steps": [
                asdict(s) | {"cost": round(self.in_currency(s.cost_usd), 2)} for s in self.steps
            ],
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
            "notes": list(self.notes),
        }

    def emissions_text(self) -> str:
        """One line of the ISO 14083 figures: WTW, TTW, WTT, hubs and the chain's intensity."""
        intensity = self.intensity_g_per_tkm
        per_tkm = "" if intensity is None else f", {intensity:,.1f} g CO2e per t-km"
        return (
            f"emissions (ISO 14083): {self.co2e_wtw_kg:,.0f} kg CO2e well to wheel = "
            f"{self.co2e_ttw_kg:,.0f} tank to wheel + {self.co2e_wtt_kg:,.0f} well to tank; "
            f"hubs {self.hub_co2e_kg:,.0f}; {self.tonne_km:,.0f} t-km{per_tkm}"
        )

    def _repr_html_(self) -> str:
        """The quote in a notebook: totals, steps, notes, map (:mod:`corridor.render.html`)."""
        from corridor.render.html import quote_html

        return quote_html(self)

    def describe(self, step: Step) -> str:
        """One line naming what a step is, with place names."""
        a, b = self.names.get(step.from_place, step.from_place), self.names.get(step.to_place)
        if step.kind == "leg":
            return f"{step.to_mode} {a} → {b} ({step.km:.0f} km)"
        if step.kind == "drayage":
            return f"estimated drayage by road {a} → {b} ({step.km:.0f} km)"
        if step.kind == "border":
            return f"border {self.names.get(step.ref, step.ref)} ({step.to_mode})"
        if step.kind == "transfer":
            return f"transship at {a}: {step.from_mode} → {step.to_mode}"
        if step.kind == "access":
            return f"load at {a} onto {step.to_mode}"
        return f"unload at {a} from {step.from_mode}"

    def __repr__(self) -> str:
        """One line, the request and its totals (the steps: :meth:`explain`, :meth:`to_frame`)."""
        s = self.shipment
        return (
            f"<Quote {self.names[s.origin]} → {self.names[s.destination]}, {s.teu:g} TEU "
            f"{s.cargo.value}, {self.year}: {' → '.join(self.modes)}; {self.cost_usd:,.2f} USD, "
            f"{self.planned_hours:.1f} h planned, {self.co2e_kg:,.0f} kg CO2e>"
        )

    def explain(self) -> str:
        """A short human-readable account of the route and its totals."""
        s = self.shipment
        lines = [
            f"{self.names[s.origin]} → {self.names[s.destination]}: {self.boxes} "
            f"{s.cargo.value}, {self.year}, optimised for {self.objective}",
            f"via {' → '.join(self.modes)}; {len(self.transshipments)} transshipment(s), "
            f"{len(self.border_crossings)} border crossing(s)",
        ]
        if self.options.get("rates"):  # a rate card: what priced each step
            lines += [f"  {self.describe(step)}: {step.priced_by}" for step in self.steps]
        else:
            lines += [f"  {self.describe(step)}" for step in self.steps]
        if self.rate is not None:
            lines.append(
                f"total {self.cost:,.0f} {self.currency} ({self.cost_usd:,.2f} USD at "
                f"{self.rate_text})"
            )
        lines.append(
            f"total {self.cost_usd:,.0f} USD, {self.planned_hours:.1f} h planned (sum of the "
            f"steps' P50), {self.co2e_kg:,.0f} kg CO2e, {self.km:,.0f} km; door to door "
            f"{self.hours_p50:.1f} h P50 / {self.hours_p90:.1f} h P90 (simulated)"
        )
        lines.append(self.emissions_text())
        if self.valid_to is not None:
            lines.append(f"card rates valid to {self.valid_to.isoformat()}")
        if self.on_time_probability is not None:
            lines.append(
                f"on time within {self.shipment.deadline_hours:g} h: {self.on_time_probability:.0%}"
            )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def noted(q: Quote, capacities: Sequence[float | None], via: Sequence[str]) -> Quote:
    """``q`` with its :attr:`Quote.notes`, given each step's capacity (TEU/day) and the vias."""
    notes = [*_capacity_notes(q, capacities), *_via_notes(q, via), *_avoid_notes(q)]
    return dataclasses.replace(q, notes=tuple(notes)) if notes else q


def _capacity_notes(q: Quote, capacities: Sequence[float | None]) -> list[str]:
    """A note if the shipment is larger than a step's daily capacity (the quote ignores it)."""
    teu = q.shipment.teu
    over = [
        (capacity, step)
        for step, capacity in zip(q.steps, capacities, strict=True)
        if capacity is not None and teu > capacity
    ]
    if not over:
        return []
    capacity, step = min(over, key=lambda item: item[0])  # the first of the tightest
    a = q.names.get(step.from_place, step.from_place)
    b = q.names.get(step.to_place, step.to_place)
    element = {
        "leg": f"the {step.to_mode} leg {a} → {b}",
        "border": q.names.get(step.ref, step.ref),
        "transfer": f"the transshipment at {a} ({step.from_mode} → {step.to_mode})",
        "access": f"loading at {a} onto {step.to_mode}",
        "egress": f"unloading at {a} from {step.from_mode}",
        "drayage": f"the estimated drayage {a} → {b}",
    }[step.kind]
    what = (
        f"{element} takes {capacity:g} TEU/day"
        if len(over) == 1
        else f"{len(over)} of its steps take fewer, the tightest {element} ({capacity:g} TEU/day)"
    )
    return [
        f"{teu:g} TEU is more than the route carries in a day: {what}. A quote ignores "
        "capacities; corridor plan (corridor.plan) routes a demand under them"
    ]


def _via_notes(q: Quote, via: Sequence[str]) -> list[str]:
    """A note for each via border gate the route passes without crossing the border there."""
    if q.network is None:
        return []
    crossings = q.border_crossings
    crossed = and_list([q.names.get(s.ref, s.ref) for s in crossings]) if crossings else ""
    notes = []
    for place_id in via:
        place = q.network.places[place_id]
        if place.kind is not PlaceKind.BORDER_GATE:
            continue
        if any(place_id in {s.from_place, s.to_place} for s in crossings):
            continue
        where = f"it crosses at {crossed}" if crossed else "it does not cross the border"
        notes.append(
            f"via {place.name}: the route passes this border gate without crossing there ({where})"
        )
    return notes


def _avoid_notes(q: Quote) -> list[str]:
    """A note for each avoided border crossing whose gate the route crosses at all the same.

    Two crossings may join the same two places, as the transloading road gate at Kim Thanh
    and the direct-trucking (CBTA) crossing beside it: avoiding one leaves the other.
    """
    if q.network is None:
        return []
    crossings = q.network.crossings
    notes = []
    for ref in q.options.get("avoid", ()):
        if ref not in crossings:
            continue
        avoided = crossings[ref]
        for step in q.border_crossings:
            used = crossings[step.ref]
            if {used.cn_place, used.vn_place} == {avoided.cn_place, avoided.vn_place}:
                notes.append(
                    f"avoid {ref}: the route crosses at {used.id}, another crossing between "
                    f"{avoided.cn_place} and {avoided.vn_place}; avoid {avoided.vn_place} to "
                    "avoid both"
                )
    return notes


def route_key(q: Quote) -> tuple[tuple[str, ...], ...]:
    """What tells two routes apart: mode sequence, gates and the places where modes change.

    Only changes between two moves count: a transfer before the first leg or after the last
    (onto a truck at the destination, say, only to unload it) moves nothing, so a route that
    adds one to another is the same route.
    """
    moving = [i for i, s in enumerate(q.steps) if s.kind in {"leg", "border", "drayage"}]
    inside = range(moving[0], moving[-1]) if moving else range(0)
    changes = tuple(
        dict.fromkeys(
            s.from_place for i, s in enumerate(q.steps) if s.kind == "transfer" and i in inside
        )
    )
    return tuple(q.modes), tuple(s.ref for s in q.border_crossings), changes


def and_list(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def gates_text(q: Quote) -> str:
    """``, via <gate>; <gate>`` for the gates a route crosses (empty without one)."""
    gates = [q.names.get(s.ref, s.ref) for s in q.border_crossings]
    return f", via {'; '.join(gates)}" if gates else ""
