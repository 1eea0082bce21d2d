"""Why a quote has no route: which limit binds, which end or option cuts the route off.

Each explanation costs a few extra solves, run only once a request has failed: the fastest
route when a deadline cannot be met (carried by :class:`~corridor.errors.DeadlineError`),
the fewest transshipments possible, the end without a terminal, the modes allowed, and for
reefer or dangerous goods the places and legs of the cheapest general-cargo route that lack
the handling.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from corridor import endpoints
from corridor.errors import DeadlineError, NoRouteError
from corridor.model import BorderCrossing, CargoClass
from corridor.routing.result import and_list, gates_text
from corridor.service import SINK, SOURCE, Vertex

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.routing.problem import Problem


def infeasible(problem: Problem, bounds: dict[str, float]) -> NoRouteError:
    """The error to raise when no route meets ``bounds``: say which limit binds."""
    relaxed = dict(bounds)
    hours = relaxed.pop("hours_p50", None)
    if hours is not None:
        try:
            fastest = problem.quote(solve_relaxed(problem, relaxed, "hours_p50"))
        except NoRouteError:
            pass
        else:
            return DeadlineError(
                f"deadline {hours:g} h cannot be met: the fastest route takes "
                f"{fastest.planned_hours:.1f} h planned ({' → '.join(fastest.modes)}"
                f"{gates_text(fastest)})",
                fastest,
            )
    k = relaxed.pop("transshipments", None)
    if k is not None:
        try:
            fewest = problem.quote(solve_relaxed(problem, relaxed, "transshipments"))
        except NoRouteError:
            pass
        else:
            return NoRouteError(
                f"no route with at most {k:g} transshipment(s): the fewest possible is "
                f"{len(fewest.transshipments)}"
            )
    return NoRouteError(no_route_reason(problem))


def solve_relaxed(problem: Problem, limits: dict[str, float], column: str) -> list[int]:
    """Minimise ``column`` under ``limits`` only (no request deadline or transfer cap)."""
    saved = problem.deadline, problem.max_transshipments
    problem.deadline = problem.max_transshipments = None
    try:
        return problem.solve(weights=problem.columns[column], limits=limits)
    finally:
        problem.deadline, problem.max_transshipments = saved


def no_route_reason(problem: Problem) -> str:
    """Which end, option or place without handling cuts the origin off from the destination."""
    net, shipment = problem.net, problem.shipment
    cargo = shipment.cargo.value
    for place_id, vertex in ((shipment.origin, SOURCE), (shipment.destination, SINK)):
        place = problem.place(place_id)
        if not place.handles(shipment.cargo):
            return f"{place.name} has no handling for {cargo} cargo"
        if (place_id, vertex) not in problem.arrays.index:
            return f"{place.name} has no terminal for any mode open in {net.year}"
        served = {mode.value for mode in place.modes}
        if place_id in problem.sites:  # reached by drayage whatever the modes allowed
            reason = _drayage_reason(problem, place_id)
            if reason:
                return reason
            continue
        if problem.allowed and not served & problem.allowed:
            hint = " (airports are reached by road)" if "air" in problem.allowed else ""
            return (
                f"{place.name} is served by {' and '.join(sorted(served))}, none of the "
                f"modes allowed ({', '.join(sorted(problem.allowed))}): allow one of its "
                f"modes too{hint}"
            )
    when = f" in month {problem.month}" if problem.month else ""
    how = f" by {', '.join(sorted(problem.allowed))}" if problem.allowed else ""
    via = f" via {', '.join(net.places[v].name for v in problem.via)}" if problem.via else ""
    route = (
        f"no route from {problem.place(shipment.origin).name} to "
        f"{problem.place(shipment.destination).name} for {cargo} cargo{how}{via} in "
        f"{net.year}{when}"
    )
    handling = handling_gap(problem)
    if handling:
        return f"{route}: {handling}"
    return f"{route} with the places and gates allowed"


def _drayage_reason(problem: Problem, site_id: str) -> str | None:
    """Why a site's drayage leads nowhere: its access places avoided or not on a mode allowed."""
    arcs, prefix = problem.arrays.arcs, f"{endpoints.DRAYAGE}:"
    drayages = [
        arcs[i][2]
        for ref, found in problem.arrays.by_ref.items()
        if ref.startswith(prefix)
        for i in found
    ]
    ends = [
        data["to_place"] if data["from_place"] == site_id else data["from_place"]
        for data in drayages
        if data["kind"] == endpoints.DRAYAGE and site_id in {data["from_place"], data["to_place"]}
    ]
    places = [problem.place(p) for p in dict.fromkeys(ends)]  # a site too (two sites)
    drayed = (
        f"{problem.place(site_id).name} is drayed by road to {and_list([p.name for p in places])}"
    )
    if places and all(p.id in problem.avoided_places for p in places):
        return f"{drayed} only, all of them avoided: avoid fewer of them"
    if not problem.allowed:
        return None
    if not places or any({m.value for m in p.modes} & problem.allowed for p in places):
        return None
    allowed = ", ".join(sorted(problem.allowed))
    return (
        f"{drayed} only, none served by {allowed}: allow road too, or give a place served by "
        f"{allowed} as the {'origin' if site_id == problem.shipment.origin else 'destination'}"
    )


def handling_gap(problem: Problem) -> str | None:
    """Why a reefer or dangerous-goods shipment has no route when general cargo has one.

    General cargo goes wherever the data has a link; reefer and dangerous goods only
    transship, cross a border or run on a leg where the data flags the handling. If the
    same request for general cargo has a route, its cheapest one is found (one more
    solve) and the places, crossings and legs on it without the handling are named:
    each of them blocks that route. If no border crossing of the year handles the class
    at all and the route must cross, that is said first. ``None`` when the cargo class
    is not the reason (general cargo has no route either).
    """
    if problem.shipment.cargo not in {CargoClass.REEFER, CargoClass.DANGEROUS}:
        return None
    general = _general_cargo(problem)
    if general is None:
        return None
    try:
        path = general.solve(explain=False)
    except NoRouteError:
        return None
    arcs = [general.arrays.arcs[a] for a in path]
    return handling_gaps(problem.net, problem.shipment.cargo, arcs)


def _general_cargo(problem: Problem) -> Problem | None:
    """The same request for general cargo, without deadline or transshipment cap."""
    ends = (problem.place(problem.shipment.origin), problem.place(problem.shipment.destination))
    _, arrays = endpoints.site_arrays(problem.net, *ends, CargoClass.GENERAL, problem.month)
    start = arrays.index.get((problem.shipment.origin, SOURCE))
    end = arrays.index.get((problem.shipment.destination, SINK))
    if start is None or end is None:
        return None
    return dataclasses.replace(
        problem,
        shipment=dataclasses.replace(problem.shipment, cargo=CargoClass.GENERAL),
        objective="cost",
        arrays=arrays,
        keep=arrays.mask(problem.avoided_places, problem.avoided_refs, problem.allowed)
        & arrays.between(start, end),
        weights=arrays.columns["cost_usd"],
        columns=arrays.columns,
        start=start,
        end=end,
        deadline=None,
        max_transshipments=None,
        _layered=None,
        _once=None,
    )


def handling_gaps(
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
    if gates and not any(handles_crossing(net, c, cargo) for c in net.crossings.values()):
        parts.append(
            f"no border crossing open in {net.year} handles {cargo.value} cargo (each of "
            f"the {len(net.crossings)} has a side without the handling)"
        )
    across = f", across {and_list(list(gates))}," if gates else ""
    lacks = []
    if places:
        lacks.append(f"has no handling for {cargo.value} cargo at {and_list(list(places))}")
    if modes:
        lacks.append(
            f"{'and ' if places else ''}its {and_list(list(modes))} legs do not carry "
            f"{cargo.value} cargo"
        )
    parts.append(f"the cheapest general-cargo route{across} {', '.join(lacks)}")
    return "; ".join(parts)


def handles_crossing(net: Network, crossing: BorderCrossing, cargo: CargoClass) -> bool:
    """Whether both places of ``crossing`` handle ``cargo`` (so the class may cross there)."""
    return all(net.places[p].handles(cargo) for p in (crossing.cn_place, crossing.vn_place))
