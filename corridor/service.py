"""The service graph: the network expanded to one vertex per (place, mode), as arrays too.

The *service* graph is what the optimisers see (the "virtual network" of
multimodal assignment): one vertex per (place, mode), plus a source vertex ``(place, "in")``
and a sink vertex ``(place, "out")`` per place. Its arcs are

- ``leg``: a leg in one direction. A scheduled rail leg (with departures a day) starts
  either at ``(place, mode)``, where cargo boards and waits for a departure, or *aboard*,
  at ``("<place>|aboard", mode)``, where the train it arrived on runs on without a new wait
  (the legs' running times already hold the stops); it ends aboard at its far place, and a
  rail crossing from aboard stays aboard. From aboard, cargo also transfers to another mode
  or is unloaded (the same arcs as from ``(place, mode)``), but does not get off to board
  the next departure of its own mode. Other scheduled legs (barges, ships, flights) are
  separate services, each with its own wait;
- ``transfer``: handling between two modes at a place (a gauge break is one);
- ``border``: a border crossing in one direction (clearance, fees, transload). A gate
  crossing joins its two places; a crossing cleared on a leg (an international flight)
  follows that leg at the arrival place: the leg's arc ends at an *uncleared* vertex
  ``("<place>|<crossing>", mode)`` and the border arc leads from there to ``(place, mode)``,
  so the leg cannot be used without the clearance;
- ``access`` / ``egress``: loading at the origin or unloading at the destination. Road is
  free; any other mode is reachable only where the place has a road transfer for it.

Every arc carries ``cost_usd``, ``hours_p50``, ``hours_p90`` and ``co2e_kg`` (well to wheel;
``co2e_ttw_kg`` its tank-to-wheel part, ``hub_co2e_kg`` a terminal's handling) per TEU for
one cargo class, and ``capacity_teu_day`` (``None``: unlimited). A cargo class travels only
by its profile's modes (oversize cargo does not fly).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from corridor import costs
from corridor.model import BorderCrossing, CargoClass, CargoProfile, Leg, Mode, Transfer
from corridor.solvers.arrays import GraphArrays

if TYPE_CHECKING:
    from corridor.network import Network

logger = logging.getLogger(__name__)

SOURCE = "in"
"""Second element of the service-graph vertex where a shipment starts at a place."""
SINK = "out"
"""Second element of the service-graph vertex where a shipment ends at a place."""
Vertex = tuple[str, str]
"""A service-graph vertex: (place id, mode value, ``"in"`` or ``"out"``).

Arcs name their places in ``from_place`` / ``to_place``: the first element of an uncleared
vertex ``"<place>|<crossing>"`` or an aboard vertex ``"<place>|aboard"`` (see the module
docstring) is not a place id; :func:`place_of` gives it.
"""
ABOARD = "aboard"
"""Suffix of an aboard vertex's first element: ``"<place>|aboard"``."""
THROUGH_MODES = frozenset({Mode.RAIL_1000, Mode.RAIL_1435})
"""Modes whose scheduled services run on through places (one wait per train, not per leg)."""


def place_of(vertex: Vertex) -> str:
    """The place id of a service-graph vertex (also of an uncleared or aboard vertex)."""
    return vertex[0].split("|", 1)[0]


def build_service_graph(network: Network, cargo: CargoClass, month: int | None) -> nx.MultiDiGraph:
    """The service graph of ``network`` for one cargo class and month (see the module)."""
    graph = nx.MultiDiGraph(year=network.year, cargo=cargo.value, month=month)
    for tail, head, ref, attrs in service_arcs(network, cargo, month):
        graph.add_edge(tail, head, key=ref, **attrs)
    logger.debug(
        "service graph %s: %d vertices, %d arcs",
        (cargo, month),
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    return graph


ARC_COLUMNS = ("cost_usd", "hours_p50", "co2e_kg", "refrigeration_co2e_kg", "handling_usd")
"""The arc attributes a :class:`ServiceArrays` holds as columns, per TEU (and
``transshipments``: 1 on a transfer arc)."""


@dataclass(frozen=True, eq=False)
class ServiceArrays(GraphArrays):
    """A service graph as :class:`~corridor.solvers.arrays.GraphArrays`, with its labels.

    ``vertices[i]`` is the (place, mode) label of vertex ``i`` and ``index`` its inverse;
    ``arcs[a]`` is arc ``a`` as ``(tail, head, attributes)``. Columns: :data:`ARC_COLUMNS`
    and ``transshipments``.
    """

    vertices: list[Vertex] = field(default_factory=list)
    index: dict[Vertex, int] = field(default_factory=dict)
    arcs: list[tuple[Vertex, Vertex, dict[str, Any]]] = field(default_factory=list)

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> ServiceArrays:
        """The arrays of a service graph (vertices in the graph's order)."""
        vertices = list(graph.nodes)
        index = {v: i for i, v in enumerate(vertices)}
        arcs = [(u, v, d) for u, v, d in graph.edges(data=True)]
        columns = {c: np.array([d[c] for _, _, d in arcs], dtype=float) for c in ARC_COLUMNS}
        columns["transshipments"] = np.array([d["kind"] == "transfer" for _, _, d in arcs], float)
        return cls(
            n=len(vertices),
            tails=np.array([index[u] for u, _, _ in arcs], dtype=np.int32),
            heads=np.array([index[v] for _, v, _ in arcs], dtype=np.int32),
            columns=columns,
            vertices=vertices,
            index=index,
            arcs=arcs,
        )

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

    @functools.cached_property
    def pricing_units(self) -> tuple[np.ndarray, np.ndarray]:
        """What each arc's cost is priced by (:data:`corridor.model.PRICING_UNITS`).

        Two arrays of unit names: the tariff part's (the mode of a leg, the mode boarded on a
        transfer or at loading) and the ``handling_usd`` part's (``border`` on a crossing,
        else ``handling``: per box move).
        """
        tariff, handling = [], []
        for tail, head, data in self.arcs:
            mode = data.get("mode") or (head[1] if data["kind"] == "transfer" else tail[1])
            tariff.append(mode)
            handling.append("border" if data["kind"] == "border" else "handling")
        return np.array(tariff, dtype=object), np.array(handling, dtype=object)

    @functools.cached_property
    def boarding(self) -> dict[str, list[int]]:
        """The arcs that board each mode (a transfer onto it, loading onto it), by index.

        A mode's tariff has its fixed part, or its per-kg charge, on these arcs.
        """
        arcs: dict[str, list[int]] = {}
        tariff_unit, _ = self.pricing_units
        for i, (_, _, data) in enumerate(self.arcs):
            if data["kind"] in {"transfer", "access"}:
                arcs.setdefault(str(tariff_unit[i]), []).append(i)
        return arcs

    @functools.cached_property
    def by_ref(self) -> dict[str, list[int]]:
        """The arcs of each ``ref`` (leg, crossing, transfer or place id), by index."""
        arcs: dict[str, list[int]] = {}
        for i, (_, _, data) in enumerate(self.arcs):
            arcs.setdefault(data["ref"], []).append(i)
        return arcs

    def mask(self, places: set[str], refs: set[str], allowed: set[str] | None) -> np.ndarray:
        """The arcs a route may use (bool per arc), avoiding places, crossings and modes.

        None at the ``places`` or crossings ``refs`` avoided, only the ``allowed`` modes (None:
        all). Road loading, unloading and transfers stay allowed whatever the modes.
        """
        keep = np.ones(len(self.arcs), dtype=bool)
        if not places and allowed is None:  # crossings only (CBTA lanes): no loop over arcs
            for ref in refs:
                keep[self.by_ref.get(ref, [])] = False
            return keep
        for i, (tail, head, data) in enumerate(self.arcs):
            if place_of(tail) in places or place_of(head) in places or data["ref"] in refs:
                keep[i] = False
            elif allowed is not None and data["kind"] != "egress" and head[1] not in allowed:
                # road loading, transfers and first or last miles (drayage) stay allowed
                keep[i] = head[1] == Mode.ROAD.value and data["kind"] in {
                    "access",
                    "transfer",
                    "drayage",
                }
        return keep

    def reaches(self, start: Vertex, end: Vertex) -> bool:
        """Whether some walk leads from vertex ``start`` to ``end`` (False if one is absent)."""
        if start not in self.index or end not in self.index:
            return False
        return bool(self.reachable(self.index[start])[self.index[end]])


def service_arcs(
    network: Network, cargo: CargoClass, month: int | None
) -> Iterator[tuple[Vertex, Vertex, str, dict[str, Any]]]:
    """Every arc of the service graph as ``(tail, head, key, attributes)``."""
    profile = network.cargo_profiles[cargo]
    legs = [
        leg
        for leg in network.legs.values()
        if leg.carries(cargo) and leg.mode in profile.modes and _runs(leg, month)
    ]
    aboard = _aboard_vertices(network, legs)
    yield from _leg_arcs(network, legs, aboard, cargo, profile)
    handling = list(_handling_arcs(network, cargo, profile))
    yield from handling
    # cargo aboard gets off to transfer or be unloaded; it does not get off to board
    # the next departure of its own mode (that would only add a wait)
    for tail, head, ref, attrs in handling:
        if attrs["kind"] in {"transfer", "egress"}:
            off = (_aboard(tail[0]), tail[1])
            if off in aboard:
                yield off, head, ref, attrs
    yield from _crossing_arcs(network, aboard, cargo, month, profile)


def _leg_arcs(
    network: Network, legs: list[Leg], aboard: set[Vertex], cargo: CargoClass, profile: CargoProfile
) -> Iterator[tuple[Vertex, Vertex, str, dict[str, Any]]]:
    """Each leg both ways: boarding (with the wait for a departure) and aboard (without)."""
    for leg in legs:
        tariff = costs.find_tariff(network.tariffs, leg.mode, network.leg_country(leg))
        emission = network.emissions[leg.mode]
        boarding = costs.leg_figures(leg, tariff, emission, profile)
        onward = costs.leg_figures(leg, tariff, emission, profile, boarding=False)
        mode = leg.mode.value
        for a, b in ((leg.origin, leg.destination), (leg.destination, leg.origin)):
            starts = [((a, mode), boarding)]
            if (_aboard(a), mode) in aboard:
                starts.append(((_aboard(a), mode), onward))
            for head in _arrivals(network, leg, b, cargo):
                for tail, figures in starts:
                    yield (
                        tail,
                        head,
                        leg.id,
                        _arc(
                            "leg",
                            leg.id,
                            figures,
                            leg.capacity_teu_day,
                            mode=mode,
                            km=leg.km,
                            from_place=a,
                            to_place=b,
                        ),
                    )


def _aboard_vertices(network: Network, legs: list[Leg]) -> set[Vertex]:
    """The aboard vertices: where a scheduled leg, or a rail crossing from one, arrives."""
    aboard = {
        (_aboard(b), leg.mode.value)
        for leg in legs
        if _through(leg) and leg.id not in network._cleared_on
        for b in (leg.origin, leg.destination)
    }
    for crossing in network.crossings.values():
        if crossing.leg is None and crossing.mode is not Mode.ROAD:
            for a, b in _directions(crossing):
                if (_aboard(a), crossing.mode.value) in aboard:
                    aboard.add((_aboard(b), crossing.mode.value))
    return aboard


def _arrivals(network: Network, leg: Leg, place: str, cargo: CargoClass) -> list[Vertex]:
    """Where ``leg`` arriving at ``place`` ends: aboard, at the place, or before a clearance.

    A scheduled rail leg ends aboard its train, any other leg at the place. A leg with
    crossings cleared on it, none of them open or passable for ``cargo``, ends nowhere
    (it cannot be used).
    """
    if leg.id not in network._cleared_on:
        return [(_aboard(place) if _through(leg) else place, leg.mode.value)]
    return [
        _uncleared(place, crossing)
        for crossing in network._cleared_on[leg.id]
        if _passable(network, crossing, cargo)
    ]


def _passable(network: Network, crossing: BorderCrossing, cargo: CargoClass) -> bool:
    """Whether cargo of this class may cross: both places handle it."""
    ends = (network.places[crossing.cn_place], network.places[crossing.vn_place])
    return all(place.handles(cargo) for place in ends)


def _handling_arcs(
    network: Network, cargo: CargoClass, profile: CargoProfile
) -> Iterator[tuple[Vertex, Vertex, str, dict[str, Any]]]:
    """Transfers between modes, and loading and unloading arcs (access/egress).

    Transfers, and loading onto or unloading from another mode than road, are at the places
    that handle ``cargo``; a truck loads and unloads at every place.
    """
    handling = [p for p in network.places.values() if p.handles(cargo)]  # stable order
    handled = {p.id for p in handling}
    road_transfers: dict[tuple[str, Mode], Transfer] = {}
    for t in network.transfers:
        if t.place not in handled:
            continue
        country = network.places[t.place].country.value
        for a, b in ((t.from_mode, t.to_mode), (t.to_mode, t.from_mode)):
            ref = f"{t.place}:{a.value}>{b.value}"
            boarding = costs.find_tariff(network.tariffs, b, country)
            yield (
                (t.place, a.value),
                (t.place, b.value),
                ref,
                _arc(
                    "transfer",
                    ref,
                    costs.handling_figures(
                        t, boarding, profile, network.hub_co2e_per_tonne(t.place, cargo)
                    ),
                    t.capacity_teu_day,
                    km=0.0,
                    from_place=t.place,
                    to_place=t.place,
                ),
            )
        if Mode.ROAD in (t.from_mode, t.to_mode):
            other = t.to_mode if t.from_mode is Mode.ROAD else t.from_mode
            road_transfers[(t.place, other)] = t
    # a truck loads and unloads anywhere, whatever the cargo (a reefer truck delivers to a
    # city without a reefer terminal); handling rules bind where a box changes mode
    for place in network.places.values():
        for mode in sorted(place.modes):
            transfer = road_transfers.get((place.id, mode))
            if mode is not Mode.ROAD and transfer is None:
                continue
            if (mode is not Mode.ROAD or transfer is not None) and place.id not in handled:
                continue
            boarding = costs.find_tariff(network.tariffs, mode, place.country.value)
            capacity = transfer.capacity_teu_day if transfer else None
            hub = network.hub_co2e_per_tonne(place.id, cargo)
            common = {
                "km": 0.0,
                "from_place": place.id,
                "to_place": place.id,
                "mode": mode.value,
            }
            yield (
                (place.id, SOURCE),
                (place.id, mode.value),
                f"access:{place.id}:{mode}",
                _arc(
                    "access",
                    place.id,
                    costs.handling_figures(transfer, boarding, profile, hub),
                    capacity,
                    **common,
                ),
            )
            yield (
                (place.id, mode.value),
                (place.id, SINK),
                f"egress:{place.id}:{mode}",
                _arc(
                    "egress",
                    place.id,
                    costs.handling_figures(transfer, None, profile, hub),
                    capacity,
                    **common,
                ),
            )


def _crossing_arcs(
    network: Network,
    aboard: set[Vertex],
    cargo: CargoClass,
    month: int | None,
    profile: CargoProfile,
) -> Iterator[tuple[Vertex, Vertex, str, dict[str, Any]]]:
    """Each crossing both ways; a train that arrived aboard crosses aboard too."""
    for crossing in network.crossings.values():
        if not _passable(network, crossing, cargo):
            continue
        mode = crossing.mode.value
        for (a, b), northbound in zip(_directions(crossing), (False, True), strict=True):
            figures = costs.crossing_figures(
                crossing,
                northbound=northbound,
                month=month,
                emission=network.emissions[crossing.mode],
                profile=profile,
                hub=network.hub_co2e_per_tonne(crossing.vn_place, cargo),
            )
            # a gate joins its places; a clearance on a leg happens on arrival, at b
            if crossing.leg is not None:
                ends = [(_uncleared(b, crossing), (b, mode))]
                start = b
            else:
                ends = [((a, mode), (b, mode))]
                if (_aboard(a), mode) in aboard:
                    ends.append(((_aboard(a), mode), (_aboard(b), mode)))
                start = a
            for tail, head in ends:
                yield (
                    tail,
                    head,
                    crossing.id,
                    _arc(
                        "border",
                        crossing.id,
                        figures,
                        crossing.capacity_teu_day,
                        mode=mode,
                        km=crossing.km,
                        from_place=start,
                        to_place=b,
                    ),
                )


def _through(leg: Leg) -> bool:
    """Whether ``leg`` is a scheduled rail service, whose trains run on through places."""
    return leg.departures_per_day is not None and leg.mode in THROUGH_MODES


def _aboard(place: str) -> str:
    """The first element of the aboard vertex at ``place``."""
    return f"{place}|{ABOARD}"


def _directions(crossing: BorderCrossing) -> tuple[tuple[str, str], tuple[str, str]]:
    """A gate's two directions as (from, to) places: southbound first."""
    return (crossing.cn_place, crossing.vn_place), (crossing.vn_place, crossing.cn_place)


def _uncleared(place: str, crossing: BorderCrossing) -> Vertex:
    """The vertex of cargo landed at ``place`` by the leg of ``crossing``, not yet cleared."""
    return (f"{place}|{crossing.id}", crossing.mode.value)


def _runs(leg: Leg, month: int | None) -> bool:
    return len(leg.months) == 12 if month is None else leg.runs_in(month)


def _arc(
    kind: str, ref: str, figures: costs.ArcFigures, capacity: float | None, **extra: object
) -> dict[str, Any]:
    return {
        "kind": kind,
        "ref": ref,
        "cost_usd": figures.cost_usd,
        "hours_p50": figures.hours_p50,
        "hours_p90": figures.hours_p90,
        "co2e_kg": figures.co2e_kg,
        "refrigeration_co2e_kg": figures.refrigeration_co2e_kg,
        "handling_usd": figures.handling_usd,
        "co2e_ttw_kg": figures.co2e_ttw_kg,
        "refrigeration_ttw_co2e_kg": figures.refrigeration_ttw_co2e_kg,
        "hub_co2e_kg": figures.hub_co2e_kg,
        "capacity_teu_day": capacity,
        **extra,
    }
