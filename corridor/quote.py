"""Quotes for one shipment: the optimal multimodal route, itemised, found by OR-Tools.

The route is a minimum-weight path on the service graph (see :mod:`corridor.network`) solved
as a unit min-cost flow with OR-Tools. Every objective is a linear weight on the arcs:

- ``cost``: USD; ``time``: P50 hours; ``co2``: kg CO2e;
- ``generalised``: USD + value of time × P50 hours + carbon price × t CO2e, with the value
  of time = goods value × the cargo class daily rate (``cargo_classes.csv``) / 24 h.

Among routes equally good on the objective, the cheapest in USD is returned (an exact
lexicographic tie-break; it matters for ``co2``, where handling emits nothing).

Totals scale with the shipment: costs × TEU, CO2e × tonnes (or × TEU at the class payload).
Hours are the sum of the arcs' P50 and P90; the P90 sum is a conservative bound.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

import networkx as nx
import numpy as np
import pandas as pd

from corridor._solver import NoFlowError, cheapest_path
from corridor.errors import InvalidRequestError, NoRouteError
from corridor.model import CargoClass, Mode, Shipment
from corridor.network import DEFAULT_YEAR, SINK, SOURCE, Network, Vertex, load_network

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
    def modes(self) -> list[str]:
        """Modes of the legs and crossings in order, repeats collapsed."""
        sequence = [s.to_mode for s in self.steps if s.kind in {"leg", "border"} and s.to_mode]
        return [m for i, m in enumerate(sequence) if i == 0 or sequence[i - 1] != m]

    @property
    def cost_usd(self) -> float:
        """Total cost, USD."""
        return sum(s.cost_usd for s in self.steps)

    @property
    def hours_p50(self) -> float:
        """Sum of the steps' P50 hours."""
        return sum(s.hours_p50 for s in self.steps)

    @property
    def hours_p90(self) -> float:
        """Sum of the steps' P90 hours (a conservative P90 of the total)."""
        return sum(s.hours_p90 for s in self.steps)

    @property
    def co2e_kg(self) -> float:
        """Total emissions, kg CO2e."""
        return sum(s.co2e_kg for s in self.steps)

    @property
    def km(self) -> float:
        """Total distance, km."""
        return sum(s.km for s in self.steps)

    def to_frame(self) -> pd.DataFrame:
        """One row per step, in order."""
        return pd.DataFrame([asdict(s) for s in self.steps])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: shipment, options, totals and steps."""
        shipment = asdict(self.shipment)
        shipment["cargo"] = self.shipment.cargo.value
        return {
            "shipment": shipment,
            "year": self.year,
            "month": self.month,
            "objective": self.objective,
            "totals": {
                "cost_usd": round(self.cost_usd, 2),
                "hours_p50": round(self.hours_p50, 2),
                "hours_p90": round(self.hours_p90, 2),
                "co2e_kg": round(self.co2e_kg, 2),
                "km": round(self.km, 1),
                "transshipments": len(self.transshipments),
                "border_crossings": len(self.border_crossings),
            },
            "modes": self.modes,
            "steps": [asdict(s) for s in self.steps],
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
            f"total {self.cost_usd:,.0f} USD, {self.hours_p50:.1f} h P50 / "
            f"{self.hours_p90:.1f} h P90, {self.co2e_kg:,.0f} kg CO2e, {self.km:,.0f} km"
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class _Arrays:
    """A service graph as parallel arrays for OR-Tools, built once per graph."""

    vertices: list[Vertex]
    index: dict[Vertex, int]
    tails: np.ndarray
    heads: np.ndarray
    arcs: list[tuple[Vertex, Vertex, dict[str, Any]]]
    columns: dict[str, np.ndarray]


_ARRAYS: weakref.WeakKeyDictionary[nx.MultiDiGraph, _Arrays] = weakref.WeakKeyDictionary()
_WEIGHT_COLUMNS = ("cost_usd", "hours_p50", "co2e_kg")


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
            columns={c: np.array([d[c] for _, _, d in arcs], dtype=float) for c in _WEIGHT_COLUMNS},
        )
    return _ARRAYS[graph]


def quote(
    origin: str,
    destination: str,
    teu: float = 1.0,
    *,
    tonnes: float | None = None,
    cargo: CargoClass | str = CargoClass.GENERAL,
    value_usd: float | None = None,
    objective: Objective = "cost",
    year: int | None = None,
    month: int | None = None,
    avoid: Iterable[str] = (),
    modes: Iterable[Mode | str] | None = None,
    carbon_price_usd_per_t: float = 0.0,
    network: Network | None = None,
) -> Quote:
    """The optimal route for one shipment, itemised.

    Parameters
    ----------
    origin, destination
        Place ids or names (English, Vietnamese with or without diacritics, Chinese).
    teu
        Volume, TEU (> 0).
    tonnes
        Gross weight, t, for CO2e; default: the cargo class payload per TEU × ``teu``.
    cargo
        ``general``, ``reefer``, ``dangerous``, ``bulk`` or ``oversize``.
    value_usd
        Goods value, USD; needed by the ``generalised`` objective.
    objective
        ``cost`` (USD), ``time`` (P50 hours), ``co2`` (kg CO2e) or ``generalised``.
    year
        Network year (default: the network's, or 2026).
    month
        Month of travel 1–12; without it only legs that run all year are used.
    avoid
        Place names/ids or border-crossing ids the route must not use.
    modes
        If given, the only modes the route may use (e.g. ``["rail_1000", "rail_1435"]``);
        road is still used for loading and unloading at terminals.
    carbon_price_usd_per_t
        Carbon price for the ``generalised`` objective, USD per t CO2e.
    network
        A loaded network; default ``load_network(year)``.

    Raises
    ------
    UnknownPlaceError
        If a place name is not known (with suggestions).
    InvalidRequestError
        For impossible options: TEU ≤ 0, an avoided origin, an unknown objective.
    NoRouteError
        If no route exists; the message says which end or option cuts it off.

    Examples
    --------
    >>> q = quote("Kunming", "Hai Phong", teu=2)
    >>> [s.ref for s in q.transshipments][:1]
    ['hekou_north:rail_1435>rail_1000']
    >>> round(q.cost_usd) == round(2 * quote("Kunming", "Hai Phong").cost_usd)
    True
    """
    net = _network(network, year)
    source, sink = net.place(origin), net.place(destination)
    cargo = CargoClass(cargo)
    if objective not in OBJECTIVES:
        msg = f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}"
        raise InvalidRequestError(msg)
    if month is not None and not 1 <= month <= 12:
        msg = f"month must be 1-12, got {month}"
        raise InvalidRequestError(msg)
    shipment = Shipment(source.id, sink.id, teu, cargo, tonnes, value_usd)
    if source.id == sink.id:
        msg = f"origin and destination are the same place ({source.id})"
        raise InvalidRequestError(msg)
    avoided_places, avoided_refs = _avoid(net, avoid, {source.id, sink.id})
    allowed = None if modes is None else {Mode(m).value for m in modes}
    graph = net.service_graph(cargo, month)
    arrays = _arrays(graph)
    weights = _weights(net, arrays, shipment, objective, carbon_price_usd_per_t)
    keep = _mask(arrays, avoided_places, avoided_refs, allowed)
    start, end = (source.id, SOURCE), (sink.id, SINK)
    if start not in arrays.index or end not in arrays.index:
        raise NoRouteError(_no_route_reason(net, shipment, graph, allowed, month))
    chosen = np.flatnonzero(keep)
    try:
        path = cheapest_path(
            arrays.vertices,
            arrays.tails[chosen],
            arrays.heads[chosen],
            weights[chosen],
            source=arrays.index[start],
            sink=arrays.index[end],
            tie_break=None if objective == "cost" else arrays.columns["cost_usd"][chosen],
        )
    except NoFlowError:
        raise NoRouteError(_no_route_reason(net, shipment, graph, allowed, month)) from None
    steps = tuple(_step(net, shipment, *arrays.arcs[chosen[a]]) for a in path)
    names = {p.id: p.name for p in net.places.values()}
    names |= {c.id: c.name for c in net.crossings.values()}
    return Quote(shipment, net.year, month, objective, steps, names)


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
        place = net.place(item)
        if place.id in ends:
            msg = f"cannot avoid {place.name!r}: it is the origin or destination"
            raise InvalidRequestError(msg)
        places.add(place.id)
    return places, refs


def _weights(
    net: Network, arrays: _Arrays, shipment: Shipment, objective: str, carbon_price: float
) -> np.ndarray:
    cols = arrays.columns
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
        if tail[0] in places or head[0] in places or data["ref"] in refs:
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
    return Step(
        kind=data["kind"],
        ref=data["ref"],
        from_place=tail[0],
        to_place=head[0],
        from_mode=from_mode,
        to_mode=to_mode,
        km=data["km"],
        cost_usd=data["cost_usd"] * shipment.teu,
        hours_p50=data["hours_p50"],
        hours_p90=data["hours_p90"],
        co2e_kg=data["co2e_kg"] * tonnes / profile.tonnes_per_teu,
    )


def _no_route_reason(
    net: Network,
    shipment: Shipment,
    graph: nx.MultiDiGraph,
    allowed: set[str] | None,
    month: int | None,
) -> str:
    cargo = shipment.cargo.value
    for place_id, vertex in ((shipment.origin, SOURCE), (shipment.destination, SINK)):
        place = net.places[place_id]
        if not place.handles(shipment.cargo):
            return f"{place.name} has no handling for {cargo} cargo"
        if (place_id, vertex) not in graph:
            return f"{place.name} has no terminal for any mode open in {net.year}"
    when = f" in month {month}" if month else ""
    how = f" by {', '.join(sorted(allowed))}" if allowed else ""
    return (
        f"no route from {net.places[shipment.origin].name} to "
        f"{net.places[shipment.destination].name} for {cargo} cargo{how} in {net.year}{when} "
        "with the places and gates allowed"
    )
