"""Quotes for one shipment: the optimal multimodal route, itemised, found by OR-Tools.

The route is a minimum-weight path on the service graph (see :mod:`corridor.network`) solved
as a unit min-cost flow with OR-Tools. Every objective is a linear weight on the arcs:

- ``cost``: USD; ``time``: P50 hours; ``co2``: kg CO2e;
- ``generalised``: USD + value of time × P50 hours + carbon price × t CO2e, with the value
  of time = goods value × the cargo class daily rate (``cargo_classes.csv``) / 24 h.

Among routes equally good on the objective, the cheapest in USD is returned, and among
equally cheap ones the fastest (P50 hours) for ``cost`` (an exact lexicographic tie-break; it
matters for ``co2``, where handling emits nothing but a reefer unit's share, and for a train
running on through a place rather than stopping there for the next departure).

Totals scale with the shipment: costs × TEU, CO2e × tonnes (or × TEU at the class payload),
except a reefer unit's CO2e, which scales with TEU and hours.
Hours are the sum of the arcs' P50 and P90; the P90 sum is a conservative bound.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import numbers
import operator
import re
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args, overload

import networkx as nx
import numpy as np
import pandas as pd

from corridor._solver import (
    Exclusion,
    NoFlowError,
    Once,
    Resource,
    cheapest_path,
    constrained_path,
    reachable,
)
from corridor.data import blank, read_csv_table
from corridor.errors import (
    CorridorError,
    DeadlineError,
    InvalidRequestError,
    NoRouteError,
    PlaceNotOpenError,
    UnknownPlaceError,
)
from corridor.model import (
    LOCAL_TIME,
    BorderCrossing,
    CargoClass,
    Mode,
    Place,
    PlaceKind,
    Shipment,
    check_month,
    check_objective,
)
from corridor.names import MAX_SUGGESTIONS
from corridor.network import (
    DEFAULT_YEAR,
    SINK,
    SOURCE,
    YEARS,
    Network,
    Vertex,
    load_network,
    place_of,
)
from corridor.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED, TransitTime, simulate

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

Objective = Literal["cost", "time", "co2", "generalised"]
OBJECTIVES: tuple[str, ...] = get_args(Objective)
HOURS_PER_DAY = 24.0
KG_PER_TONNE = 1000.0


@dataclass(frozen=True, slots=True)
class Step:
    """One item of a quote: a leg, a transshipment, a border crossing, loading or unloading.

    Figures are for the whole shipment: USD, hours (P50, P90), kg CO2e.
    """

    kind: str
    """``leg``, ``transfer``, ``border``, ``access`` (loading) or ``egress`` (unloading)."""
    ref: str
    """Leg id, crossing id, ``place:from>to`` for transfers, place id for access/egress."""
    from_place: str
    to_place: str
    from_mode: str | None
    to_mode: str | None
    km: float
    cost_usd: float
    hours_p50: float
    hours_p90: float
    co2e_kg: float


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
        sequence = [s.to_mode for s in self.steps if s.kind in {"leg", "border"} and s.to_mode]
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
        """Total emissions, kg CO2e."""
        return math.fsum(s.co2e_kg for s in self.steps)

    @property
    def km(self) -> float:
        """Total distance, km."""
        return math.fsum(s.km for s in self.steps)

    def map(self) -> folium.Map:
        """A folium map of the route (see :func:`corridor.export.quote_map`)."""
        from corridor.export import quote_map

        return quote_map(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per step, in order, each with the shipment its figures are for.

        A step's USD and kg CO2e are for the whole shipment, so every row also carries its
        ``teu``, ``tonnes`` (gross weight, t, as given; NaN when not given: CO2e is then
        at the cargo class payload per TEU) and ``cargo`` class.
        """
        tonnes = self.shipment.tonnes
        return pd.DataFrame([asdict(s) for s in self.steps]).assign(
            teu=self.shipment.teu,
            tonnes=np.nan if tonnes is None else tonnes,
            cargo=self.shipment.cargo.value,
        )

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """The steps with geometry (see :func:`corridor.export.quote_geodataframe`).

        :func:`corridor.export.write_quote` writes them to files, lines and points apart.
        """
        from corridor.export import quote_geodataframe

        return quote_geodataframe(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: shipment, options, totals and steps."""
        shipment = asdict(self.shipment)
        shipment["cargo"] = self.shipment.cargo.value
        return {
            "shipment": shipment,
            "year": self.year,
            "month": self.month,
            "objective": self.objective,
            "ready": self.ready.isoformat() if self.ready else None,
            "arrival_p50": self.arrival_p50.isoformat(timespec="seconds")
            if self.arrival_p50
            else None,
            "totals": {
                "cost_usd": round(self.cost_usd, 2),
                "planned_hours": round(self.planned_hours, 2),
                "hours_p50": round(self.hours_p50, 2),
                "hours_p90": round(self.hours_p90, 2),
                "on_time_probability": self.on_time_probability,
                "co2e_kg": round(self.co2e_kg, 2),
                "km": round(self.km, 1),
                "transshipments": len(self.transshipments),
                "border_crossings": len(self.border_crossings),
            },
            "options": dict(self.options),
            "modes": self.modes,
            "steps": [asdict(s) for s in self.steps],
            "notes": list(self.notes),
        }

    def describe(self, step: Step) -> str:
        """One line naming what a step is, with place names."""
        a, b = self.names.get(step.from_place, step.from_place), self.names.get(step.to_place)
        if step.kind == "leg":
            return f"{step.to_mode} {a} → {b} ({step.km:.0f} km)"
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
            f"{self.names[s.origin]} → {self.names[s.destination]}: {s.teu:g} TEU "
            f"{s.cargo.value}, {self.year}, optimised for {self.objective}",
            f"via {' → '.join(self.modes)}; {len(self.transshipments)} transshipment(s), "
            f"{len(self.border_crossings)} border crossing(s)",
        ]
        lines += [f"  {self.describe(step)}" for step in self.steps]
        lines.append(
            f"total {self.cost_usd:,.0f} USD, {self.planned_hours:.1f} h planned (sum of the "
            f"steps' P50), {self.co2e_kg:,.0f} kg CO2e, {self.km:,.0f} km; door to door "
            f"{self.hours_p50:.1f} h P50 / {self.hours_p90:.1f} h P90 (simulated)"
        )
        if self.on_time_probability is not None:
            lines.append(
                f"on time within {self.shipment.deadline_hours:g} h: {self.on_time_probability:.0%}"
            )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def _noted(q: Quote, capacities: Sequence[float | None], via: Sequence[str]) -> Quote:
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
    crossed = _and([q.names.get(s.ref, s.ref) for s in crossings]) if crossings else ""
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


@dataclass(frozen=True)
class Signature:
    """A route's distinguishing arcs (see :meth:`_Problem.signature`).

    ``groups`` are each used via any of their arcs; using any of ``others`` makes another route.
    """

    groups: list[list[int]]
    others: list[int]


@dataclass(frozen=True)
class _Arrays:
    """A service graph as parallel arrays for OR-Tools, built once per graph."""

    vertices: list[Vertex]
    index: dict[Vertex, int]
    tails: np.ndarray
    heads: np.ndarray
    arcs: list[tuple[Vertex, Vertex, dict[str, Any]]]
    columns: dict[str, np.ndarray]
    _reach: dict[tuple[int, bool], np.ndarray] = field(default_factory=dict, repr=False)

    def between(self, start: int, end: int) -> np.ndarray:
        """Arcs that lie on some ``start`` → ``end`` walk (bool per arc).

        The others (loading at other places, unloading elsewhere, dead ends) cannot be on a
        route, so leaving them out changes no optimum; the solvers then see a graph about
        half the size. Reachability is cached per vertex and direction.
        """
        after = self._reachable(start, forward=True)
        before = self._reachable(end, forward=False)
        return after[self.tails] & before[self.heads]

    @functools.cached_property
    def places(self) -> tuple[np.ndarray, np.ndarray]:
        """Two numberings of the vertices: by place, and by place and mode.

        A vertex aboard a train at a place, or landed there and not yet cleared, is at that
        place and mode.
        """
        by_place: dict[str, int] = {}
        by_mode: dict[tuple[str, str], int] = {}
        return (
            np.array([by_place.setdefault(place_of(v), len(by_place)) for v in self.vertices]),
            np.array(
                [by_mode.setdefault((place_of(v), v[1]), len(by_mode)) for v in self.vertices]
            ),
        )

    def reaches(self, start: Vertex, end: Vertex) -> bool:
        """Whether some walk leads from vertex ``start`` to ``end`` (False if one is absent)."""
        if start not in self.index or end not in self.index:
            return False
        return bool(self._reachable(self.index[start], forward=True)[self.index[end]])

    def _reachable(self, vertex: int, *, forward: bool) -> np.ndarray:
        key = (vertex, forward)
        if key not in self._reach:
            ends = (self.tails, self.heads) if forward else (self.heads, self.tails)
            self._reach[key] = reachable(len(self.vertices), *ends, vertex)
        return self._reach[key]


_ARRAYS: weakref.WeakKeyDictionary[nx.MultiDiGraph, _Arrays] = weakref.WeakKeyDictionary()
_WEIGHT_COLUMNS = ("cost_usd", "hours_p50", "co2e_kg", "refrigeration_co2e_kg")


def _arrays(graph: nx.MultiDiGraph) -> _Arrays:
    if graph not in _ARRAYS:
        vertices = list(graph.nodes)
        index = {v: i for i, v in enumerate(vertices)}
        arcs = [(u, v, d) for u, v, d in graph.edges(data=True)]
        _ARRAYS[graph] = _Arrays(
            vertices=vertices,
            index=index,
            tails=np.array([index[u] for u, _, _ in arcs], dtype=np.int32),
            heads=np.array([index[v] for _, v, _ in arcs], dtype=np.int32),
            arcs=arcs,
            columns={c: np.array([d[c] for _, _, d in arcs], dtype=float) for c in _WEIGHT_COLUMNS}
            | {"transshipments": np.array([d["kind"] == "transfer" for _, _, d in arcs], float)},
        )
    return _ARRAYS[graph]


@overload
def quote(
    origin: str,
    destination: str,
    teu: float = ...,
    *,
    alternatives: Literal[1] = ...,
    **options: Any,  # noqa: ANN401 - the keyword options below
) -> Quote: ...


@overload
def quote(
    origin: str,
    destination: str,
    teu: float = ...,
    *,
    alternatives: int,
    **options: Any,  # noqa: ANN401
) -> list[Quote]: ...


def quote(
    origin: str,
    destination: str,
    teu: float = 1.0,
    *,
    alternatives: int = 1,
    tonnes: float | None = None,
    cargo: CargoClass | str = CargoClass.GENERAL,
    value_usd: float | None = None,
    objective: Objective = "cost",
    deadline: float | str | None = None,
    confidence: float | None = None,
    max_transshipments: int | None = None,
    via: Iterable[str] = (),
    year: int | None = None,
    month: int | None = None,
    ready: datetime | str | None = None,
    avoid: Iterable[str] = (),
    modes: Iterable[Mode | str] | None = None,
    carbon_price_usd_per_t: float = 0.0,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    network: Network | None = None,
) -> Quote | list[Quote]:
    """The optimal route for one shipment, itemised.

    Parameters
    ----------
    origin, destination
        Place ids or names (English, Vietnamese with or without diacritics, Chinese).
    teu
        Volume, TEU (> 0).
    alternatives
        With ``k`` > 1, return the ``k`` best routes that differ in their transshipment
        points, gates or mode sequence (not only in the legs between them), best first;
        fewer if fewer exist. No alternative passes a place twice (between ``via`` places)
        or changes mode at a place and back.
    tonnes
        Gross weight, t, for CO2e (at most 36 t per TEU); default: the cargo class payload
        per TEU × ``teu``.
    cargo
        ``general``, ``reefer``, ``dangerous``, ``bulk`` or ``oversize``.
    value_usd
        Goods value, USD; needed by the ``generalised`` objective.
    objective
        ``cost`` (USD), ``time`` (P50 hours), ``co2`` (kg CO2e) or ``generalised``.
    deadline
        Latest arrival after the cargo is ready: hours, or text such as ``"72h"``, ``"3d"``
        (:func:`parse_hours`). Alone, it bounds the planned hours (the sum of the steps'
        medians).
    confidence
        With ``deadline``: the cheapest route whose simulated probability of arriving
        within the deadline is at least this (0–1), among the cheapest distinct routes
        whose planned hours meet it (see ``docs/uncertainty.md``).
    max_transshipments
        Most mode changes allowed on the way (a gauge break counts as one).
    via
        Places the route must pass through, in this order.
    year
        Network year (default: the network's, else the year of ``ready``, else 2026).
    month
        Month of travel 1–12; without it (and without ``ready``) only legs that run all
        year are used.
    ready
        When the cargo is ready (``datetime`` or ISO text such as ``"2026-12-01T08:00"``),
        on the origin's clock; one with a UTC offset (``"2026-12-01T08:00+00:00"``) is
        converted to it (UTC+8 in China, UTC+7 in Viet Nam). Sets the month of travel, the
        network year (a ``year`` or ``network`` of another year is an error) and the quote's
        P50 arrival time.
    avoid
        Place names/ids or border-crossing ids the route must not use.
    modes
        If given, the only modes the route may use (e.g. ``["rail_1000", "rail_1435"]``);
        road is still used for loading and unloading at terminals.
    carbon_price_usd_per_t
        Carbon price for the ``generalised`` objective, USD per t CO2e.
    samples, seed
        Monte Carlo draws for the hours P50/P90 and the on-time probability (1 or more), and
        their seed (0 or more; the same seed gives the same figures).
    network
        A loaded network; default ``load_network(year)``.

    Raises
    ------
    UnknownPlaceError
        If a place name is not known (with suggestions).
    InvalidRequestError
        For impossible options: TEU ≤ 0, an avoided origin, a via place also avoided, a
        ``year`` or ``month`` that contradicts ``ready``, a negative or fractional ``seed``;
        and for a value of the wrong kind, naming the option: text, a bool, NaN or infinity
        where a number is needed (``teu="x"``), a fraction where a whole number is
        (``month``, ``max_transshipments``, ``year``, ``alternatives``).
    DeadlineError
        If the deadline cannot be met; carries the fastest route that meets the rest.
    NoRouteError
        If no route exists; the message says which end or option cuts it off.

    Examples
    --------
    >>> q = quote("Kunming", "Hai Phong", teu=2)
    >>> [s.ref for s in q.transshipments][:1]
    ['hekou_north:rail_1435>rail_1000']
    >>> round(q.cost_usd) == round(2 * quote("Kunming", "Hai Phong").cost_usd)
    True
    >>> quote("Kunming", "Hai Phong", deadline=48).planned_hours <= 48
    True
    >>> len(quote("Kunming", "Hai Phong", alternatives=3))
    3
    """
    alternatives = _whole(alternatives, "alternatives", 1)
    confidence = _optional_number(confidence, "confidence")
    if confidence is not None and deadline is None:
        msg = f"confidence {confidence:g} needs a deadline: it is the chance of arriving within it"
        raise InvalidRequestError(msg)
    if confidence is not None and not 0 < confidence < 1:
        msg = f"confidence must be between 0 and 1 (exclusive), got {confidence:g}"
        raise InvalidRequestError(msg)
    problem = _Problem.build(
        origin,
        destination,
        teu,
        tonnes=tonnes,
        cargo=cargo,
        value_usd=value_usd,
        objective=objective,
        deadline=deadline,
        max_transshipments=max_transshipments,
        via=via,
        year=year,
        month=month,
        ready=ready,
        avoid=avoid,
        modes=modes,
        carbon_price_usd_per_t=carbon_price_usd_per_t,
        samples=samples,
        seed=seed,
        network=network,
    )
    if confidence is not None:
        problem.options["confidence"] = confidence
        return _confident(problem, confidence, alternatives)
    first = problem.solve()
    if alternatives == 1:
        return problem.quote(first)
    return _alternatives(problem, first, alternatives)


def _confident(problem: _Problem, confidence: float, k: int) -> Quote | list[Quote]:
    """The cheapest routes (``k`` of them) whose on-time probability reaches ``confidence``.

    The candidates are the cost / planned-hours Pareto routes within the deadline, walked
    from the cheapest towards the fastest; each is simulated and the first ``k`` that
    qualify are returned. A higher confidence can therefore never give a cheaper route.
    """
    found: list[Quote] = []
    tried: list[Quote] = []
    for path in _frontier(problem, "cost_usd", "hours_p50"):
        candidate = problem.quote(path)
        tried.append(candidate)
        if (candidate.on_time_probability or 0.0) >= confidence:
            found.append(candidate)
            if len(found) == k:
                break
    if not found:
        best = max(tried, key=lambda q: q.on_time_probability or 0.0)
        reached = (best.on_time_probability or 0.0) * 100
        msg = (
            f"no route reaches {problem.shipment.deadline_hours:g} h with probability "
            f"{confidence * 100:.4g}%: the most reliable of the {len(tried)} cost/time "
            f"trade-offs arrives in time {reached:.3g}% of the time "
            f"({' → '.join(best.modes)}{_gates(best)})"
        )
        raise DeadlineError(msg, best)
    return found[0] if k == 1 else found


MAX_ALTERNATIVE_SOLVES = 60
"""Most solves spent looking for ``k`` distinct routes (variants are skipped, not counted)."""


def _alternatives(problem: _Problem, first: list[int], k: int) -> list[Quote]:
    """The ``k`` best routes with distinct :func:`route_key`, in order.

    Routes are enumerated best first, each solve excluding the signatures found so far;
    one whose key repeats an earlier route's (the same modes, gates and transshipment
    places, reached another way) is skipped.
    """
    quotes = [problem.quote(first)]
    keys = {route_key(quotes[0])}
    signatures = [problem.signature(first)]
    for _ in range(MAX_ALTERNATIVE_SOLVES):
        if len(quotes) == k:
            break
        try:
            path = problem.solve(forbidden=signatures)
        except NoRouteError:
            break
        signatures.append(problem.signature(path))
        candidate = problem.quote(path)
        if route_key(candidate) not in keys:
            keys.add(route_key(candidate))
            quotes.append(candidate)
    return quotes


def route_key(q: Quote) -> tuple[tuple[str, ...], ...]:
    """What tells two routes apart: mode sequence, gates and the places where modes change.

    Only changes between two moves count: a transfer before the first leg or after the last
    (onto a truck at the destination, say, only to unload it) moves nothing, so a route that
    adds one to another is the same route.
    """
    moving = [i for i, s in enumerate(q.steps) if s.kind in {"leg", "border"}]
    inside = range(moving[0], moving[-1]) if moving else range(0)
    changes = tuple(
        dict.fromkeys(
            s.from_place for i, s in enumerate(q.steps) if s.kind == "transfer" and i in inside
        )
    )
    return tuple(q.modes), tuple(s.ref for s in q.border_crossings), changes


_E = TypeVar("_E", CargoClass, Mode)

_COLUMNS = {"cost": "cost_usd", "time": "hours_p50", "co2": "co2e_kg"}
PARETO_RESOLUTION = 0.01
"""Frontier points closer than this in an objective (USD, h or kg) are one point."""

_Bound = tuple[float, ...]


def pareto(
    origin: str,
    destination: str,
    teu: float = 1.0,
    *,
    objectives: tuple[str, ...] = ("cost", "time"),
    **options: Any,  # noqa: ANN401 - as quote()
) -> list[Quote]:
    """Every non-dominated route for two or three objectives, best first in the first one.

    Objectives are two or three of ``cost`` (USD), ``time`` (P50 hours) and ``co2``
    (kg CO2e); options are those of :func:`quote` (deadline, via, avoid, modes, cargo,
    year, ...). Both methods are exact (see ``docs/quote.md``):

    - two objectives, ε-constraint: minimise the first objective, and lexicographically the
      second; then ask for a second objective below the last one (by
      :data:`PARETO_RESOLUTION`) and repeat until no route is left;
    - three objectives, ε-constraint over the search region's local upper bounds (Klamroth,
      Lacour and Vanderpooten, 2015): each bound ``u`` asks for the least first objective
      with the second and third below ``u`` (then the least sum of the two); a route inside
      the bound's box is new and splits the box, an empty box is closed. Every
      non-dominated route lies in some open box until it is found.

    Examples
    --------
    >>> front = pareto("Kunming", "Hai Phong")
    >>> costs = [q.cost_usd for q in front]
    >>> hours = [q.planned_hours for q in front]
    >>> costs == sorted(costs) and hours == sorted(hours, reverse=True)
    True
    >>> len(pareto("Kunming", "Hai Phong", objectives=("cost", "time", "co2"))) > len(front)
    True
    """
    if "objective" in options:
        msg = f"pareto trades objectives=(...) off, not one objective={options['objective']!r}"
        raise InvalidRequestError(msg)
    names = tuple(o.strip().lower() if isinstance(o, str) else o for o in objectives)
    if (
        len(names) not in {2, 3}
        or not set(names) <= _COLUMNS.keys()
        or len(set(names)) < len(names)
    ):
        msg = f"objectives must be two or three of {', '.join(_COLUMNS)}, got {objectives!r}"
        raise InvalidRequestError(msg)
    columns = tuple(_COLUMNS[o] for o in names)
    problem = _Problem.build(origin, destination, teu, **_request_defaults(options))
    if len(columns) == 2:
        return [problem.quote(path) for path in _frontier(problem, *columns)]
    return [problem.quote(path) for path in _frontier_3(problem, columns)]


def _request_limit(problem: _Problem, column: str, limit: float | None) -> float | None:
    """The least of ``limit`` and the request's own limit on ``column`` (None: unbounded)."""
    own = problem.deadline if column == "hours_p50" else None
    given = [v for v in (limit, own) if v is not None and np.isfinite(v)]
    return min(given) if given else None


def _frontier(problem: _Problem, first: str, second: str) -> Iterator[list[int]]:
    """Pareto routes for two arc columns, best first in ``first`` (ε-constraint, exact).

    Each point is one lexicographic solve: least ``first``, then least ``second``. Without
    USD among the two, a second solve picks the cheapest route with the point's values.
    """
    columns = problem.columns
    limit: dict[str, float] = {}
    while True:
        try:
            path = problem.solve(
                weights=columns[first],
                limits=limit,
                tie_break=columns[second],
                tie_limit=_request_limit(problem, second, limit.get(second)),
                explain=not limit,
            )
        except NoRouteError:
            if not limit:
                raise
            return
        if "cost_usd" not in {first, second}:
            point = {c: float(columns[c][path].sum()) for c in (first, second)}
            path = problem.solve(
                weights=columns["cost_usd"],
                limits=limit | {c: v + 1e-9 * max(1.0, v) for c, v in point.items()},
                explain=False,
            )
        yield path
        limit = {second: float(columns[second][path].sum()) - PARETO_RESOLUTION}


def _frontier_3(problem: _Problem, names: tuple[str, ...]) -> list[list[int]]:
    """Pareto routes for three arc columns, sorted by the first (exact; see :func:`pareto`).

    Local upper bounds ``u`` cover the part of objective space no route found so far
    dominates (the search region). For a bound, the least ``names[0]`` with ``names[1]``
    and ``names[2]`` below ``u`` (by :data:`PARETO_RESOLUTION`) is found, with the least sum
    of the other two among ties; solves are shared by bounds with the same last two
    coordinates. Any route found is non-dominated up to the solver's rounding of that
    tie-break, so the points are filtered for dominance at the end.
    """
    columns = [problem.columns[c] for c in names]
    tie = columns[1] + columns[2]
    points: list[tuple[np.ndarray, list[int]]] = []
    bounds: list[_Bound] = [(np.inf, np.inf, np.inf)]
    solved: dict[_Bound, tuple[np.ndarray, list[int]] | None] = {}
    while bounds:
        u = bounds.pop()
        key = u[1:]
        if key not in solved:
            limits = {names[i]: u[i] - PARETO_RESOLUTION for i in (1, 2) if np.isfinite(u[i])}
            caps = [_request_limit(problem, names[i], limits.get(names[i])) for i in (1, 2)]
            try:
                path = problem.solve(
                    weights=columns[0],
                    limits=limits,
                    tie_break=tie,
                    tie_limit=None if None in caps else sum(c for c in caps if c is not None),
                    explain=not limits,
                )
            except NoRouteError:
                if not limits:
                    raise
                solved[key] = None
            else:
                solved[key] = (np.array([float(c[path].sum()) for c in columns]), path)
        result = solved[key]
        if result is None or result[0][0] >= u[0] - PARETO_RESOLUTION:
            continue  # nothing in this box: close it
        z, path = result
        points.append((z, path))
        bounds = _split_bounds([*bounds, u], tuple(z.tolist()))
    efficient = [
        (z, path)
        for z, path in points
        if not any(np.all(w <= z + 1e-9) and np.any(w < z - 1e-9) for w, _ in points)
    ]
    efficient.sort(key=lambda point: tuple(point[0]))
    return [path for _, path in efficient]


def _split_bounds(bounds: list[_Bound], z: _Bound) -> list[_Bound]:
    """Local upper bounds once point ``z`` is found (update by filtering).

    Every bound ``u`` above ``z`` in all objectives is replaced by its projections
    ``(z_j, u_-j)``; bounds below another bound (their box inside its box) are dropped.
    """
    above = [u for u in bounds if all(a < b for a, b in zip(z, u, strict=True))]
    kept = [u for u in bounds if u not in above]
    projected = {(*u[:j], z[j], *u[j + 1 :]) for u in above for j in range(len(z))}
    candidates = kept + sorted(projected, key=str)
    return [
        u
        for u in candidates
        if not any(v != u and all(a <= b for a, b in zip(u, v, strict=True)) for v in candidates)
    ]


def _request_defaults(options: dict[str, Any]) -> dict[str, Any]:
    """The keyword options of :func:`quote` with their defaults; unknown ones are an error."""
    defaults: dict[str, Any] = {
        "tonnes": None,
        "cargo": CargoClass.GENERAL,
        "value_usd": None,
        "objective": "cost",
        "deadline": None,
        "max_transshipments": None,
        "via": (),
        "year": None,
        "month": None,
        "ready": None,
        "avoid": (),
        "modes": None,
        "carbon_price_usd_per_t": 0.0,
        "samples": DEFAULT_SAMPLES,
        "seed": DEFAULT_SEED,
        "network": None,
    }
    unknown = options.keys() - defaults.keys()
    if unknown:
        msg = f"unknown option(s): {', '.join(sorted(unknown))}"
        raise InvalidRequestError(msg)
    return defaults | options


def quote_many(
    requests: pd.DataFrame | Iterable[dict[str, Any]] | str | Path,
    **options: Any,  # noqa: ANN401 - as quote()
) -> pd.DataFrame:
    """Quote many shipments; one row per request with a ``status``, never an exception.

    Each request (a DataFrame row, a dict, or a row of a CSV file given by its path) has
    ``origin`` and ``destination`` and any :func:`quote` option (``teu``, ``cargo``,
    ``deadline``, ...); ``options`` apply to all.
    ``status`` is ``ok`` or the error class name, with its ``message``: a cell of the wrong
    kind (``teu="x"``) fails its own row with ``InvalidRequestError`` naming the column, and
    a number written as text (``teu="2"``, as pandas reads a CSV column with one such bad
    cell) counts as the number; an empty cell (None, NaN, "") leaves the option at its
    default.
    A quoted row gives the shipment's ``teu``, ``tonnes`` (as given, else blank) and
    ``cargo`` beside its totals (USD, hours, kg CO2e, km), which are for the whole
    shipment; a failed row gives the ``teu``, ``tonnes`` and ``cargo`` it asked for (blank
    where not given). The network (the one given, else that of ``year``, else that of each row's
    ``ready`` year or 2026) is loaded once per year and its service graphs are reused;
    identical requests (same origin, destination and options as written) are quoted once,
    which gives the same figures as quoting each (the Monte Carlo is seeded).

    Examples
    --------
    >>> table = quote_many([{"origin": "Kunming", "destination": "Hanoi"},
    ...                     {"origin": "Kunming", "destination": "Atlantis"}])
    >>> list(table["status"])
    ['ok', 'UnknownPlaceError']

    Raises
    ------
    DataError
        Only for a CSV path that cannot be read (missing, not UTF-8, a line with too many
        fields), naming the file and line.
    """
    if isinstance(requests, str | Path):
        requests = read_csv_table(requests)
    rows = requests.to_dict("records") if isinstance(requests, pd.DataFrame) else requests
    given: Network | None = options.pop("network", None)
    year: int | None = options.pop("year", None)
    if unknown := options.keys() - _QUOTE_OPTIONS:  # a misspelt keyword: no row can use it
        raise InvalidRequestError(_unknown_columns(unknown, "option(s)"))
    networks: dict[int, Network] = {}

    def network_for(ready: datetime | str | None) -> Network | None:
        """The network given, or the one of the request's year (loaded once per year).

        None for a ``ready`` with a UTC offset and no ``year``: its year is on the origin's
        clock, which the quote finds.
        """
        if given is not None:
            return given
        wanted = request_year(year, ready)
        when = _ready(ready)
        if year is None and when is not None and when.tzinfo is not None:
            return None
        if wanted not in networks:
            networks[wanted] = load_network(wanted)
        return networks[wanted]

    out = []
    done: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}
    for row in rows:
        request = {k: _table_cell(k, v) for k, v in row.items() if not blank(v)}
        request.pop("source", None)  # a citation column, as in the shipped tables
        record: dict[str, Any] = {
            "origin": request.get("origin"),
            "destination": request.get("destination"),
        }
        key = _request_key(options | request)
        if key is not None and key in done:
            out.append(record | done[key])
            continue
        try:
            merged = options | request
            if "year" in merged:
                msg = "year cannot vary by row: pass it to quote_many for all rows"
                raise InvalidRequestError(msg)
            unsupported = {"alternatives", "network"} & merged.keys()
            if unsupported:
                msg = f"{', '.join(sorted(unsupported))} is not supported by quote_many"
                raise InvalidRequestError(msg)
            unknown = merged.keys() - _QUOTE_OPTIONS
            if unknown:
                raise InvalidRequestError(_unknown_columns(unknown))
            if "origin" not in request or "destination" not in request:
                msg = "each request needs an origin and a destination"
                raise InvalidRequestError(msg)
            q = quote(network=network_for(merged.get("ready")), year=year, **merged)
        except CorridorError as error:
            record |= {"status": type(error).__name__, "message": str(error)}
            record |= {  # the shipment as requested, to tell failed rows apart
                k: getattr(merged[k], "value", merged[k])  # a CargoClass as its name
                for k in ("teu", "tonnes", "cargo")
                if k in merged
            }
        else:
            record |= {
                "status": "ok",
                "message": "",
                "teu": q.shipment.teu,
                "tonnes": q.shipment.tonnes,
                "cargo": q.shipment.cargo.value,
                "cost_usd": q.cost_usd,
                "planned_hours": q.planned_hours,
                "hours_p50": q.hours_p50,
                "hours_p90": q.hours_p90,
                "on_time_probability": q.on_time_probability,
                "co2e_kg": q.co2e_kg,
                "km": q.km,
                "modes": " → ".join(q.modes),
                "transshipments": len(q.transshipments),
                "gates": "; ".join(s.ref for s in q.border_crossings),
                "places": " → ".join(q.places),
                "notes": " | ".join(q.notes),
            }
        if key is not None:
            done[key] = {k: v for k, v in record.items() if k not in {"origin", "destination"}}
        out.append(record)
    return pd.DataFrame(out, columns=_MANY_COLUMNS)


def _request_key(request: dict[str, Any]) -> tuple[tuple[str, Any], ...] | None:
    """A hashable form of a request (lists as tuples), or None if a value is not hashable."""
    items = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in request.items()))
    try:
        hash(items)
    except TypeError:
        return None
    return items


def _where_and_when(
    origin: str | Place,
    destination: str | Place,
    *,
    year: int | None,
    ready: datetime | None,
    month: int | None,
    network: Network | None,
) -> tuple[Network, Place, Place, datetime | None, int | None]:
    """The network, the two places, ``ready`` on the origin's clock and the month of travel.

    A ``ready`` with a UTC offset sets the network year on the origin's clock: 20:00 UTC on
    31 December is already New Year at Kunming and Hanoi, so that is quoted on the next
    year's network (or refused if ``year`` or ``network`` says otherwise).
    """
    net = _network(network, year if ready is None else request_year(year, ready, network))
    source, sink = net.place(origin), net.place(destination)
    if ready is None:
        return net, source, sink, None, month
    ready, month = _local_ready(ready, month, source)
    if ready.year != net.year:  # the hour before New Year at Kunming, still the old at Hanoi
        if year is not None or network is not None:
            msg = f"ready={ready.isoformat()} is in {ready.year} at {source.name}: give that year"
            raise InvalidRequestError(msg)
        net = _network(None, ready.year)
        source, sink = net.place(origin), net.place(destination)
    return net, source, sink, ready, month


def _local_ready(ready: datetime, month: int | None, origin: Place) -> tuple[datetime, int]:
    """``ready`` on the origin's clock, and the month of travel (a peak month is local)."""
    if ready.tzinfo is not None:
        ready = ready.astimezone(LOCAL_TIME[origin.country])
    if month is not None and month != ready.month:
        msg = f"month={month} contradicts ready={ready.isoformat()}"
        raise InvalidRequestError(msg)
    return ready, ready.month


def _ready(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):  # TypeError: not text (a number from a table, say)
        msg = f"ready must be a date and time like 2026-12-01T08:00, got {value!r}"
        raise InvalidRequestError(msg) from None


_QUOTE_OPTIONS = set(_request_defaults({})) - {"network", "year"} | {
    "origin",
    "destination",
    "teu",
    "confidence",
}
_MANY_COLUMNS = [
    "origin",
    "destination",
    "status",
    "message",
    "teu",
    "tonnes",
    "cargo",
    "cost_usd",
    "planned_hours",
    "hours_p50",
    "hours_p90",
    "on_time_probability",
    "co2e_kg",
    "km",
    "modes",
    "transshipments",
    "gates",
    "places",
    "notes",
]


def _check_options(
    *,
    month: int | None,
    deadline: float | None,
    value_usd: float | None,
    carbon_price_usd_per_t: float,
) -> None:
    """Raise InvalidRequestError for an option no network could satisfy."""
    check_month(month)
    problems = [
        (
            deadline is not None and not deadline > 0,
            f"deadline must be a positive number of hours, got {deadline}",
        ),
        (value_usd is not None and value_usd < 0, f"value_usd must be 0 or more, got {value_usd}"),
        (
            carbon_price_usd_per_t < 0,
            f"carbon_price_usd_per_t must be 0 or more, got {carbon_price_usd_per_t}",
        ),
    ]
    for failed, msg in problems:
        if failed:
            raise InvalidRequestError(msg)


def _warn_unused(objective: str, **generalised_only: float | None) -> None:
    """Warn of options given that only the generalised objective uses (nothing is lost)."""
    if objective == "generalised":
        return
    given = [name for name, value in generalised_only.items() if value]
    if given:
        verb, pronoun = ("is", "it") if len(given) == 1 else ("are", "they")
        warnings.warn(
            f"{' and '.join(given)} {verb} used only by the generalised objective, so {pronoun} "
            f"{verb} ignored here (objective {objective!r})",
            stacklevel=4,
        )


def _whole(value: object, name: str, least: int | None) -> int:
    """``value`` as an int of at least ``least`` (a whole float such as 3.0 from a CSV too).

    ``least=None`` checks only that it is a whole number (the caller checks the range).

    Raises
    ------
    InvalidRequestError
        For a fraction, a non-number (text, a bool) or a number below ``least``.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        if isinstance(value, bool):
            raise TypeError  # an int to Python, but month=True is a mistake
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        msg = f"{name} must be a whole number, got {value!r}"
        raise InvalidRequestError(msg) from None
    if least is not None and number < least:
        msg = f"{name} must be {least} or more, got {number}"
        raise InvalidRequestError(msg)
    return number


def _number(value: object, name: str) -> float:
    """``value`` checked to be a finite number: an int or a float as given, a numpy number.

    Raises
    ------
    InvalidRequestError
        Naming ``name``, for text (``teu="x"``), None, a bool, NaN or infinity.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a number, got {value!r}"
        raise InvalidRequestError(msg)
    number = float(value)
    if not math.isfinite(number):
        msg = f"{name} must be a finite number, got {value!r}"
        raise InvalidRequestError(msg)
    return value if isinstance(value, int | float) else number  # messages show 2, not 2.0


def _optional_number(value: object, name: str) -> float | None:
    """None as None, anything else as :func:`_number` checks it."""
    return None if value is None else _number(value, name)


def _listed(value: object, name: str) -> list[Any]:
    """One name as a list of one; names as a list (so ``via="Yen Vien"`` is one place).

    Raises
    ------
    InvalidRequestError
        Naming ``name``, if ``value`` is not a name or an iterable of names (``via=5``).
    """
    items = [value] if isinstance(value, str) else value
    if isinstance(items, Iterable):
        listed = list(items)
        if all(isinstance(item, str | Place) for item in listed):
            return listed
    msg = f"{name} must be a name or a list of names, got {value!r}"
    raise InvalidRequestError(msg)


def _choice(enum: type[_E], value: object, what: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        options = ", ".join(member.value for member in enum)
        msg = f"unknown {what} {value!r}; choose one of {options}"
        raise InvalidRequestError(msg) from None


def parse_hours(text: str, what: str = "duration") -> float:
    """``"72h"``, ``"3d"``, ``"90m"`` or ``"72"`` → hours (positive).

    ``what`` names the value in the error message.

    >>> parse_hours("3d"), parse_hours("72h"), parse_hours("36")
    (72.0, 72.0, 36.0)
    """
    match = re.fullmatch(r"\s*([-+]?)\s*(\d+(?:\.\d+)?)\s*([hdm]?)\s*", text.lower())
    if not match:
        msg = f"cannot read {text!r} as a {what}; use e.g. 72h, 3d or 36"
        raise InvalidRequestError(msg)
    value, unit = float(match[2]), match[3] or "h"
    if match[1] == "-" or value == 0:
        msg = f"{what} must be a positive duration, got {text!r}; use e.g. 72h, 3d or 36"
        raise InvalidRequestError(msg)
    return value * {"h": 1.0, "d": 24.0, "m": 1 / 60}[unit]


_NUMBER_CELLS = frozenset(
    {
        "teu",
        "tonnes",
        "value_usd",
        "confidence",
        "carbon_price_usd_per_t",
        "month",
        "max_transshipments",
        "samples",
        "seed",
    }
)
"""quote_many columns whose cells are numbers (:func:`_table_cell`)."""


def _unknown_columns(unknown: Iterable[str], what: str = "column(s)") -> str:
    """The message for columns (or options) :func:`quote` has no option for, with the one meant."""
    hints = [
        f"{close[0]!r} for {name!r}"
        for name in sorted(unknown)
        if (
            close := difflib.get_close_matches(name, _QUOTE_OPTIONS, n=1, cutoff=0.7)
            or sorted(o for o in _QUOTE_OPTIONS if name.startswith(f"{o}_"))  # teu_per_day
        )
    ]
    meant = f"; did you mean {', '.join(hints)}?" if hints else ""
    return f"unknown {what} {', '.join(sorted(unknown))}{meant}"


def _table_cell(name: str, value: object) -> object:
    """A :func:`quote_many` cell as :func:`quote` takes it: "2" in a number column is 2.

    Text that is a plain decimal number ("2", "40.5", "1e3") in a number column becomes that
    number; other text ("two", "nan", "inf") stays text, for :func:`quote` to reject. A
    ``deadline`` stays text too: :func:`quote` reads "72h", "3d" and "72". A ``via``,
    ``avoid`` or ``modes`` cell lists its names separated by ``|`` (``road|rail_1000``), as
    the data files do. pandas
    reads a whole CSV column as text when one of its cells is not a number; the other rows
    are then still quoted and only that row fails, naming the column.
    """
    if name in _LIST_CELLS and isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    if name not in _NUMBER_CELLS or not isinstance(value, str):
        return value
    if not _DECIMAL.fullmatch(value.strip()):
        return value
    number = float(value)
    return int(number) if number.is_integer() else number


_LIST_CELLS = frozenset({"via", "avoid", "modes"})
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
"""A number as a CSV cell writes it (no ``nan``, ``inf`` or ``1_000``)."""


@dataclass
class _Problem:
    """One validated request on one service graph; solves it, with extra limits if asked."""

    net: Network
    shipment: Shipment
    objective: str
    month: int | None
    arrays: _Arrays
    keep: np.ndarray
    weights: np.ndarray
    columns: dict[str, np.ndarray]
    """The arc columns for this shipment, per TEU: ``co2e_kg`` at its tonnes per TEU."""
    ready: datetime | None
    samples: int
    seed: int
    start: int
    end: int
    via: tuple[str, ...]
    deadline: float | None
    max_transshipments: int | None
    allowed: set[str] | None
    graph: nx.MultiDiGraph = field(repr=False)
    avoided_places: set[str] = field(default_factory=set)
    avoided_refs: set[str] = field(default_factory=set)
    options: dict[str, Any] = field(default_factory=dict)
    """The route options as resolved, for :attr:`Quote.options`."""
    _layered: tuple[np.ndarray, ...] | None = field(default=None, repr=False)
    _once: Once | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        origin: str,
        destination: str,
        teu: float,
        *,
        tonnes: float | None,
        cargo: CargoClass | str,
        value_usd: float | None,
        objective: str,
        deadline: float | str | None,
        max_transshipments: int | None,
        via: Iterable[str],
        year: int | None,
        month: int | None,
        ready: datetime | str | None,
        avoid: Iterable[str],
        modes: Iterable[Mode | str] | None,
        carbon_price_usd_per_t: float,
        samples: int,
        seed: int,
        network: Network | None,
    ) -> _Problem:
        for end, place in (("origin", origin), ("destination", destination)):
            if not isinstance(place, str | Place):
                msg = f"{end} must be a place name or id, got {place!r}"
                raise InvalidRequestError(msg)
        teu = _number(teu, "teu")
        tonnes = _optional_number(tonnes, "tonnes")
        value_usd = _optional_number(value_usd, "value_usd")
        if isinstance(deadline, str):  # "72h", "3d", as the CLI and quote_many take it
            deadline = parse_hours(deadline, "deadline")
        deadline = _optional_number(deadline, "deadline")
        carbon_price_usd_per_t = _number(carbon_price_usd_per_t, "carbon_price_usd_per_t")
        month = None if month is None else _whole(month, "month", None)
        year = None if year is None else _whole(year, "year", None)
        if max_transshipments is not None:
            max_transshipments = _whole(max_transshipments, "max_transshipments", 0)
        objective = check_objective(objective, OBJECTIVES)
        _check_options(
            month=month,
            deadline=deadline,
            value_usd=value_usd,
            carbon_price_usd_per_t=carbon_price_usd_per_t,
        )
        _warn_unused(objective, value_usd=value_usd, carbon_price_usd_per_t=carbon_price_usd_per_t)
        samples, seed = _whole(samples, "samples", 1), _whole(seed, "seed", 0)
        net, source, sink, ready, month = _where_and_when(
            origin, destination, year=year, ready=_ready(ready), month=month, network=network
        )
        cargo = _choice(CargoClass, cargo, "cargo")
        via, avoid = _listed(via, "via"), _listed(avoid, "avoid")
        modes = None if modes is None else _listed(modes, "modes")
        if modes == []:
            msg = "modes is empty: give at least one mode, or leave it out for every mode"
            raise InvalidRequestError(msg)
        shipment = Shipment(source.id, sink.id, teu, cargo, tonnes, value_usd, deadline)
        if source.id == sink.id:
            msg = f"origin and destination are the same place ({source.id})"
            raise InvalidRequestError(msg)
        avoided_places, avoided_refs = _avoid(net, avoid, {source.id, sink.id})
        via_ids = _via(net, via, avoided_places, {source.id, sink.id})
        allowed = None if modes is None else {_choice(Mode, m, "mode").value for m in modes}
        graph = net.service_graph(cargo, month)
        arrays = _arrays(graph)
        columns = _shipment_columns(net, arrays, shipment)
        start, end = (source.id, SOURCE), (sink.id, SINK)
        problem = cls(
            net=net,
            shipment=shipment,
            objective=objective,
            month=month,
            arrays=arrays,
            keep=_mask(arrays, avoided_places, avoided_refs, allowed)
            & arrays.between(arrays.index.get(start, 0), arrays.index.get(end, 0)),
            weights=_weights(net, columns, shipment, objective, carbon_price_usd_per_t),
            columns=columns,
            ready=ready,
            samples=samples,
            seed=seed,
            start=arrays.index.get(start, -1),
            end=arrays.index.get(end, -1),
            via=via_ids,
            deadline=deadline,
            max_transshipments=max_transshipments,
            allowed=allowed,
            graph=graph,
            avoided_places=avoided_places,
            avoided_refs=avoided_refs,
            options={
                "via": list(via_ids),
                "avoid": sorted(avoided_places | avoided_refs),
                "modes": None if allowed is None else sorted(allowed),
                "max_transshipments": max_transshipments,
                "confidence": None,
                "carbon_price_usd_per_t": carbon_price_usd_per_t,
                "samples": samples,
                "seed": seed,
            },
        )
        if problem.start < 0 or problem.end < 0:
            raise NoRouteError(problem.no_route_reason())
        return problem

    # --- solving ----------------------------------------------------------------------

    def _layers(self) -> tuple[np.ndarray, ...]:
        """The kept arcs, copied once per via stage, plus zero arcs that tick a via off.

        Returns ``(tails, heads, base)``: ``base`` maps a layered arc to its service-graph
        arc, or -1 for a stage switch.
        """
        if self._layered is None:
            n = len(self.arrays.vertices)
            kept = np.flatnonzero(self.keep)
            tails, heads, base = [], [], []
            for stage in range(len(self.via) + 1):
                tails.append(self.arrays.tails[kept] + stage * n)
                heads.append(self.arrays.heads[kept] + stage * n)
                base.append(kept)
            for stage, place_id in enumerate(self.via):
                at = [
                    i
                    for vertex, i in self.arrays.index.items()
                    if place_of(vertex) == place_id and vertex[1] not in (SOURCE, SINK)
                ]
                vertices = np.array(at, dtype=np.int32)
                tails.append(vertices + stage * n)
                heads.append(vertices + (stage + 1) * n)
                base.append(np.full(len(at), -1))
            self._layered = (
                np.concatenate(tails).astype(np.int32),
                np.concatenate(heads).astype(np.int32),
                np.concatenate(base).astype(np.int64),
            )
        return self._layered

    def solve(
        self,
        *,
        weights: np.ndarray | None = None,
        limits: dict[str, float] | None = None,
        forbidden: Sequence[Signature] = (),
        tie_break: np.ndarray | None = None,
        tie_limit: float | None = None,
        explain: bool = True,
    ) -> list[int]:
        """Service-graph arc indices of the optimal route, in order.

        ``weights`` replaces the objective's arc weights; ``limits`` adds upper bounds on
        sums of arc columns (``hours_p50``, ``cost_usd``, ``co2e_kg``, ``transshipments``)
        on top of the request's deadline and transshipment limit; ``forbidden`` lists
        signatures (see :meth:`signature`) of routes that may not be returned again.
        ``tie_break`` (default: USD for the request's own objective, hours for ``cost``)
        picks, exactly, the route of least ``tie_break`` among the optimal ones;
        ``tie_limit`` is a bound on its sum over feasible routes, if known (it lets one
        solve do both, see :func:`corridor._solver.constrained_path`). ``explain=False``
        raises a bare :class:`NoRouteError` when no route meets the limits, without the
        extra solves that say which limit or place binds (for searches that expect to run
        out of routes).
        """
        n = len(self.arrays.vertices)
        tails, heads, base = self._layers()
        layers = len(self.via) + 1
        objective = self.weights if weights is None else weights
        bounds = dict(limits or {})
        if self.deadline is not None:
            bounds["hours_p50"] = min(bounds.get("hours_p50", np.inf), self.deadline)
        if self.max_transshipments is not None:
            bounds["transshipments"] = min(
                bounds.get("transshipments", np.inf), self.max_transshipments
            )

        def column(values: np.ndarray) -> np.ndarray:
            return np.where(base >= 0, values[np.maximum(base, 0)], 0.0)

        if tie_break is None and weights is None:  # among equals: the cheapest, or the fastest
            tied = "hours_p50" if self.objective == "cost" else "cost_usd"
            tie_break = self.columns[tied]
        source, sink = self.start, self.end + (layers - 1) * n
        try:
            if not bounds and not forbidden:
                if tie_break is None and weights is not None:
                    tie_break = self.columns["cost_usd"]
                tie = None if tie_break is None else column(tie_break)
                path = cheapest_path(
                    range(n * layers),
                    tails,
                    heads,
                    column(objective),
                    source=source,
                    sink=sink,
                    tie_break=tie,
                )
            else:
                # the first resource is relaxed in Lagrangian fashion: the deadline, unless
                # the objective is that column itself (then the bound on another column)
                same = [n for n in bounds if np.shares_memory(objective, self.columns[n])]
                order = sorted(bounds, key=lambda n: (n in same, n != "hours_p50"))
                resources = [
                    Resource(name, column(self.columns[name]), bounds[name]) for name in order
                ]
                combos = [
                    Exclusion(
                        tuple(tuple(np.flatnonzero(np.isin(base, g)).tolist()) for g in sig.groups),
                        tuple(np.flatnonzero(np.isin(base, sig.others)).tolist()),
                    )
                    for sig in forbidden
                ]
                path = constrained_path(
                    n * layers,
                    tails,
                    heads,
                    column(objective),
                    resources,
                    source=source,
                    sink=sink,
                    forbidden=combos,
                    tie_break=None if tie_break is None else column(tie_break),
                    tie_limit=tie_limit,
                    # routes besides the best: none that comes back to a place, or changes
                    # mode there and back, only to differ
                    once=self._places(layers) if forbidden else None,
                ).path
        except NoFlowError:
            if not explain:
                raise NoRouteError("no route meets the limits") from None
            raise self.infeasible(bounds) from None
        return [int(base[a]) for a in path if base[a] >= 0]

    def _places(self, layers: int) -> Once:
        """:attr:`_Arrays.places` for each via stage's copy of the graph, numbered apart.

        A via route may come back to a place after the via (to Hanoi from the Huu Nghi gate).
        Kept for the request's later solves, with the limits put in force so far.
        """
        if self._once is None:
            partitions = []
            for groups in self.arrays.places:
                size = int(groups.max(initial=-1)) + 1
                partitions.append(
                    np.concatenate([groups + stage * size for stage in range(layers)])
                )
            self._once = Once(partitions)
        return self._once

    def signature(self, path: list[int]) -> Signature:
        """What makes a route distinct, as groups of interchangeable service-graph arcs.

        The gates, the transshipments on the way, and the first and last mode: loading onto
        rail directly or by a road move plus a transfer at the origin is the same route. The
        other gates and mid-route transfers are listed too: a route using any of them differs.
        """
        arcs = self.arrays.arcs
        moving = [a for a in path if arcs[a][2]["kind"] in {"leg", "border"}]
        first_mode, last_mode = arcs[moving[0]][0][1], arcs[moving[-1]][1][1]
        origin, destination = self.shipment.origin, self.shipment.destination
        groups = [
            [
                i
                for i, (t, h, d) in enumerate(arcs)
                if t[0] == origin and h == (origin, first_mode) and d["kind"] != "leg"
            ],
            [
                i
                for i, (t, h, d) in enumerate(arcs)
                if h[0] == destination
                and (place_of(t), t[1]) == (destination, last_mode)
                and d["kind"] != "leg"
            ],
        ]

        def distinctive(a: int) -> bool:
            kind, place = arcs[a][2]["kind"], place_of(arcs[a][0])  # also aboard a train
            return kind == "border" or (kind == "transfer" and place not in {origin, destination})

        groups += [[a] for a in path if distinctive(a)]
        used = set(path)
        others = [a for a in range(len(arcs)) if distinctive(a) and a not in used]
        return Signature(groups, others)

    def quote(self, path: list[int]) -> Quote:
        """The itemised quote of a route given as service-graph arc indices."""
        steps = tuple(_step(self.net, self.shipment, *self.arrays.arcs[a]) for a in path)
        names = {p.id: p.name for p in self.net.places.values()}
        names |= {c.id: c.name for c in self.net.crossings.values()}
        simulator = functools.partial(
            simulate,
            self.net,
            month=self.month,
            ready=self.ready,
            samples=self.samples,
            seed=self.seed,
        )
        route = Quote(
            self.shipment,
            self.net.year,
            self.month,
            self.objective,
            steps,
            names,
            self.ready,
            simulator,
            self.net,
            dict(self.options),
        )
        return _noted(route, [self.arrays.arcs[a][2]["capacity_teu_day"] for a in path], self.via)

    # --- explaining failures ----------------------------------------------------------

    def infeasible(self, bounds: dict[str, float]) -> NoRouteError:
        """The error to raise when no route meets ``bounds``: say which limit binds."""
        relaxed = dict(bounds)
        hours = relaxed.pop("hours_p50", None)
        if hours is not None:
            try:
                fastest = self.quote(self.solve_relaxed(relaxed, "hours_p50"))
            except NoRouteError:
                pass
            else:
                return DeadlineError(
                    f"deadline {hours:g} h cannot be met: the fastest route takes "
                    f"{fastest.planned_hours:.1f} h planned ({' → '.join(fastest.modes)}"
                    f"{_gates(fastest)})",
                    fastest,
                )
        k = relaxed.pop("transshipments", None)
        if k is not None:
            try:
                fewest = self.quote(self.solve_relaxed(relaxed, "transshipments"))
            except NoRouteError:
                pass
            else:
                return NoRouteError(
                    f"no route with at most {k:g} transshipment(s): the fewest possible is "
                    f"{len(fewest.transshipments)}"
                )
        return NoRouteError(self.no_route_reason())

    def solve_relaxed(self, limits: dict[str, float], column: str) -> list[int]:
        """Minimise ``column`` under ``limits`` only (no request deadline or transfer cap)."""
        saved = self.deadline, self.max_transshipments
        self.deadline = self.max_transshipments = None
        try:
            return self.solve(weights=self.columns[column], limits=limits)
        finally:
            self.deadline, self.max_transshipments = saved

    def no_route_reason(self) -> str:
        """Which end, option or place without handling cuts the origin off from the destination."""
        net, shipment = self.net, self.shipment
        cargo = shipment.cargo.value
        for place_id, vertex in ((shipment.origin, SOURCE), (shipment.destination, SINK)):
            place = net.places[place_id]
            if not place.handles(shipment.cargo):
                return f"{place.name} has no handling for {cargo} cargo"
            if (place_id, vertex) not in self.graph:
                return f"{place.name} has no terminal for any mode open in {net.year}"
            served = {mode.value for mode in place.modes}
            if self.allowed and not served & self.allowed:
                hint = " (airports are reached by road)" if "air" in self.allowed else ""
                return (
                    f"{place.name} is served by {' and '.join(sorted(served))}, none of the "
                    f"modes allowed ({', '.join(sorted(self.allowed))}): allow one of its "
                    f"modes too{hint}"
                )
        when = f" in month {self.month}" if self.month else ""
        how = f" by {', '.join(sorted(self.allowed))}" if self.allowed else ""
        via = f" via {', '.join(net.places[v].name for v in self.via)}" if self.via else ""
        route = (
            f"no route from {net.places[shipment.origin].name} to "
            f"{net.places[shipment.destination].name} for {cargo} cargo{how}{via} in "
            f"{net.year}{when}"
        )
        handling = self.handling_gap()
        if handling:
            return f"{route}: {handling}"
        return f"{route} with the places and gates allowed"

    def handling_gap(self) -> str | None:
        """Why a reefer or dangerous-goods shipment has no route when general cargo has one.

        General cargo goes wherever the data has a link; reefer and dangerous goods only
        transship, cross a border or run on a leg where the data flags the handling. If the
        same request for general cargo has a route, its cheapest one is found (one more
        solve) and the places, crossings and legs on it without the handling are named:
        each of them blocks that route. If no border crossing of the year handles the class
        at all and the route must cross, that is said first. ``None`` when the cargo class
        is not the reason (general cargo has no route either).
        """
        if self.shipment.cargo not in {CargoClass.REEFER, CargoClass.DANGEROUS}:
            return None
        general = self._general_cargo()
        if general is None:
            return None
        try:
            path = general.solve(explain=False)
        except NoRouteError:
            return None
        return _handling_gaps(self.net, self.shipment.cargo, [general.arrays.arcs[a] for a in path])

    def _general_cargo(self) -> _Problem | None:
        """The same request for general cargo, without deadline or transshipment cap."""
        graph = self.net.service_graph(CargoClass.GENERAL, self.month)
        arrays = _arrays(graph)
        start = arrays.index.get((self.shipment.origin, SOURCE))
        end = arrays.index.get((self.shipment.destination, SINK))
        if start is None or end is None:
            return None
        return dataclasses.replace(
            self,
            shipment=dataclasses.replace(self.shipment, cargo=CargoClass.GENERAL),
            objective="cost",
            arrays=arrays,
            keep=_mask(arrays, self.avoided_places, self.avoided_refs, self.allowed)
            & arrays.between(start, end),
            weights=arrays.columns["cost_usd"],
            columns=arrays.columns,
            start=start,
            end=end,
            deadline=None,
            max_transshipments=None,
            graph=graph,
            _layered=None,
            _once=None,
        )


def _handling_gaps(
    net: Network, cargo: CargoClass, arcs: list[tuple[Vertex, Vertex, dict[str, Any]]]
) -> str | None:
    """What on a general-cargo route (its arcs) lacks the handling ``cargo`` needs."""
    places: dict[str, None] = {}  # ordered sets of names
    gates: dict[str, None] = {}
    modes: dict[str, None] = {}
    for _, _, data in arcs:
        if data["kind"] == "transfer" and not net.places[data["from_place"]].handles(cargo):
            places[net.places[data["from_place"]].name] = None
        elif data["kind"] == "border":
            crossing = net.crossings[data["ref"]]
            gates[crossing.name] = None
            for place_id in (crossing.cn_place, crossing.vn_place):
                if not net.places[place_id].handles(cargo):
                    places[net.places[place_id].name] = None
        elif data["kind"] == "leg" and not net.legs[data["ref"]].carries(cargo):
            modes[data["mode"]] = None
    if not places and not modes:  # cannot happen: that route would be open to the cargo
        return None
    parts = []
    if gates and not any(_handles_crossing(net, c, cargo) for c in net.crossings.values()):
        parts.append(
            f"no border crossing open in {net.year} handles {cargo.value} cargo (each of "
            f"the {len(net.crossings)} has a side without the handling)"
        )
    across = f", across {_and(list(gates))}," if gates else ""
    lacks = []
    if places:
        lacks.append(f"has no handling for {cargo.value} cargo at {_and(list(places))}")
    if modes:
        lacks.append(
            f"{'and ' if places else ''}its {_and(list(modes))} legs do not carry "
            f"{cargo.value} cargo"
        )
    parts.append(f"the cheapest general-cargo route{across} {', '.join(lacks)}")
    return "; ".join(parts)


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _handles_crossing(net: Network, crossing: BorderCrossing, cargo: CargoClass) -> bool:
    """Whether both places of ``crossing`` handle ``cargo`` (so the class may cross there)."""
    return all(net.places[p].handles(cargo) for p in (crossing.cn_place, crossing.vn_place))


def _gates(q: Quote) -> str:
    gates = [q.names.get(s.ref, s.ref) for s in q.border_crossings]
    return f", via {'; '.join(gates)}" if gates else ""


def request_year(
    year: int | None = None,
    ready: datetime | str | None = None,
    network: Network | None = None,
) -> int:
    """The network year of a request: ``year``, else ``ready``'s year, else the network's or 2026.

    A ``ready`` with a UTC offset is in the year of the corridor's clocks (UTC+7 and UTC+8),
    which differ for an hour at New Year; the quote then takes the origin's (see
    :func:`quote`).

    Raises
    ------
    InvalidRequestError
        If ``year`` is not a whole number, ``ready`` not a date and time, or ``ready`` falls
        in another year than ``year`` or the ``network`` given (a 2031 shipment is not quoted
        on the 2026 network).

    Examples
    --------
    >>> request_year(ready="2031-07-01T08:00"), request_year(), request_year(2030)
    (2031, 2026, 2030)
    """
    year = None if year is None else _whole(year, "year", None)
    when = _ready(ready)
    if when is not None:
        # with a UTC offset: the year on the corridor's clocks (both but for an hour a year)
        years = sorted(
            {when.astimezone(zone).year for zone in LOCAL_TIME.values()}
            if when.tzinfo is not None
            else {when.year}
        )
        if not set(years) <= set(YEARS):
            msg = (
                f"ready={when.isoformat()} is in {max(years)}; the network covers "
                f"{YEARS.start} to {YEARS.stop - 1}"
            )
            raise InvalidRequestError(msg)
        if year is not None and year not in years:
            msg = (
                f"year={year} contradicts ready={when.isoformat()}: leave the year out or "
                f"give {years[-1]}"
            )
            raise InvalidRequestError(msg)
        if network is not None and network.year not in years:
            msg = (
                f"ready={when.isoformat()} is in {years[-1]} but the network given is for "
                f"{network.year}"
            )
            raise InvalidRequestError(msg)
        return year if year is not None else network.year if network is not None else years[0]
    if year is not None:
        return year
    return network.year if network is not None else DEFAULT_YEAR


def _network(network: Network | None, year: int | None) -> Network:
    if network is None:
        return load_network(year if year is not None else DEFAULT_YEAR)
    if year is not None and year != network.year:
        msg = f"year={year} but the network given is for {network.year}"
        raise InvalidRequestError(msg)
    return network


def _avoid(net: Network, avoid: Iterable[str], ends: set[str]) -> tuple[set[str], set[str]]:
    places: set[str] = set()
    refs: set[str] = set()
    for item in avoid:
        if item in net.crossings:
            refs.add(item)
            continue
        try:
            place = net.place(item)
        except PlaceNotOpenError:
            raise
        except UnknownPlaceError as error:  # a misspelt crossing id, say: suggest crossings too
            close = difflib.get_close_matches(str(item), net.crossings, n=MAX_SUGGESTIONS)
            named = [(ref, net.crossings[ref].name) for ref in close]
            places = [(pid, net.places[pid].name) for pid in error.suggestions]
            raise UnknownPlaceError(item, (named + places)[:MAX_SUGGESTIONS]) from None
        if place.id in ends:
            msg = f"cannot avoid {place.name!r}: it is the origin or destination"
            raise InvalidRequestError(msg)
        places.add(place.id)
    return places, refs


def _via(net: Network, via: list[str], avoided: set[str], ends: set[str]) -> tuple[str, ...]:
    """The ids of the ``via`` places, none of them avoided nor an end of the route."""
    ids = tuple(net.place(v).id for v in via)
    for place_id in ids:
        if place_id in avoided:
            msg = f"{net.places[place_id].name!r} is both a via place and avoided"
            raise InvalidRequestError(msg)
        if place_id in ends:
            msg = f"via {net.places[place_id].name!r} is the origin or destination"
            raise InvalidRequestError(msg)
    return ids


def _shipment_columns(net: Network, arrays: _Arrays, shipment: Shipment) -> dict[str, np.ndarray]:
    """The arc columns per TEU of ``shipment``: a graph's CO2e is at the class payload.

    Given ``tonnes``, transport CO2e scales with the tonnes per TEU (as :func:`_step`
    counts it); refrigeration is per box, whatever it weighs.
    """
    columns = arrays.columns
    if shipment.tonnes is None:
        return columns
    payload = net.cargo_profiles[shipment.cargo].tonnes_per_teu
    refrigeration = columns["refrigeration_co2e_kg"]
    scale = shipment.tonnes / shipment.teu / payload
    return columns | {"co2e_kg": (columns["co2e_kg"] - refrigeration) * scale + refrigeration}


def _weights(
    net: Network,
    cols: dict[str, np.ndarray],
    shipment: Shipment,
    objective: str,
    carbon_price: float,
) -> np.ndarray:
    if objective == "cost":
        return cols["cost_usd"]
    if objective == "time":
        return cols["hours_p50"]
    if objective == "co2":
        return cols["co2e_kg"]
    if shipment.value_usd is None:
        msg = "the generalised objective needs value_usd (goods value) for the value of time"
        raise InvalidRequestError(msg)
    rate = net.cargo_profiles[shipment.cargo].value_of_time_pct_per_day / 100.0
    usd_per_hour_per_teu = shipment.value_usd / shipment.teu * rate / HOURS_PER_DAY
    usd_per_kg = carbon_price / KG_PER_TONNE
    return (
        cols["cost_usd"] + usd_per_hour_per_teu * cols["hours_p50"] + usd_per_kg * cols["co2e_kg"]
    )


def _mask(
    arrays: _Arrays, places: set[str], refs: set[str], allowed: set[str] | None
) -> np.ndarray:
    keep = np.ones(len(arrays.arcs), dtype=bool)
    if not places and not refs and allowed is None:
        return keep
    for i, (tail, head, data) in enumerate(arrays.arcs):
        if place_of(tail) in places or place_of(head) in places or data["ref"] in refs:
            keep[i] = False
        elif allowed is not None and data["kind"] != "egress" and head[1] not in allowed:
            keep[i] = head[1] == Mode.ROAD.value and data["kind"] in {"access", "transfer"}
    return keep


def _step(net: Network, shipment: Shipment, tail: Vertex, head: Vertex, data: dict) -> Step:
    profile = net.cargo_profiles[shipment.cargo]
    tonnes = (
        shipment.tonnes if shipment.tonnes is not None else profile.tonnes_per_teu * shipment.teu
    )
    from_mode = None if tail[1] == SOURCE else tail[1]
    to_mode = None if head[1] == SINK else head[1]
    refrigeration = data["refrigeration_co2e_kg"]  # per box, whatever it weighs
    transport_co2e = data["co2e_kg"] - refrigeration
    return Step(
        kind=data["kind"],
        ref=data["ref"],
        from_place=data["from_place"],
        to_place=data["to_place"],
        from_mode=from_mode,
        to_mode=to_mode,
        km=data["km"],
        cost_usd=data["cost_usd"] * shipment.teu,
        hours_p50=data["hours_p50"],
        hours_p90=data["hours_p90"],
        co2e_kg=transport_co2e * tonnes / profile.tonnes_per_teu + refrigeration * shipment.teu,
    )
