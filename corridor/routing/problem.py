"""A quote request on one service graph: resolved, masked, and solved exactly.

:meth:`Problem.build` resolves a :class:`~corridor.routing.request.QuoteRequest` against a
network (places, the year and month of travel, avoided and via places, allowed modes) and
keeps the arcs that can lie on a route. :meth:`Problem.solve` returns the optimal route as
service-graph arc indices: a min-cost flow when nothing but the objective matters, else the
exact resource-constrained search of :mod:`corridor.solvers.rcsp` (deadline, transshipment
cap, distinct alternatives, Pareto bounds). Via places are honoured by copying the graph
once per via stage. :meth:`Problem.quote` turns a route into a :class:`Quote`.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor import endpoints
from corridor.costs import exchange_rate
from corridor.errors import (
    InvalidRequestError,
    NoRouteError,
)
from corridor.model import (
    ExchangeRate,
    Place,
    Shipment,
)
from corridor.network import Network
from corridor.routing import diagnose
from corridor.routing.pricing import (
    box_cost_per_teu,
    box_teu,
    permit_crossings,
    value_of_time_usd_per_teu_hour,
    weight_priced_cost_per_teu,
)
from corridor.routing.request import QuoteRequest
from corridor.routing.resolve import avoided, via_places, where_and_when
from corridor.routing.result import Quote, Step, noted
from corridor.service import SINK, SOURCE, ServiceArrays, Vertex, place_of
from corridor.solvers.arrays import GraphArrays
from corridor.solvers.shortest import NoFlowError, cheapest_path
from corridor.uncertainty import simulate

if TYPE_CHECKING:
    from corridor.routing.rate_pricing import Pricing
    from corridor.solvers.rcsp import Once

HOURS_PER_DAY = 24.0
KG_PER_TONNE = 1000.0


@dataclass(frozen=True)
class Signature:
    """A route's distinguishing arcs (see :meth:`Problem.signature`).

    ``groups`` are each used via any of their arcs; using any of ``others`` makes another route.
    """

    groups: list[list[int]]
    others: list[int]


@dataclass
class Problem:
    """One validated request on one service graph; solves it, with extra limits if asked."""

    request: QuoteRequest
    net: Network
    shipment: Shipment
    objective: str
    month: int | None
    ready: datetime | None
    arrays: ServiceArrays
    keep: np.ndarray
    """The arcs that can lie on a route (not avoided, of an allowed mode, between the ends)."""
    weights: np.ndarray
    columns: dict[str, np.ndarray]
    """The arc columns for this shipment, per TEU: ``co2e_kg`` at its tonnes per TEU."""
    start: int
    end: int
    via: tuple[str, ...]
    deadline: float | None
    max_transshipments: int | None
    allowed: set[str] | None
    avoided_places: set[str] = field(default_factory=set)
    avoided_refs: set[str] = field(default_factory=set)
    options: dict[str, Any] = field(default_factory=dict)
    """The route options as resolved, for :attr:`Quote.options`."""
    stop_at: float = float("inf")
    """When the request's time limit runs out (:func:`time.monotonic`)."""
    rate: ExchangeRate | None = None
    """The dated rate the quote's costs are shown at (None: USD)."""
    sites: dict[str, Place] = field(default_factory=dict)
    """The origin or destination if not a network place: a gazetteer town or a point, joined
    to the network by estimated drayage arcs appended to this request's arrays only."""
    pricing: Pricing | None = None
    """The rate card's prices on :attr:`arrays` (None: the shipped tariffs)."""
    _layered: tuple[GraphArrays, np.ndarray] | None = field(default=None, repr=False)
    _once: Once | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        request: QuoteRequest,
        network: Network | None = None,
        data_dir: str | Path | None = None,
    ) -> Problem:
        """Resolve ``request`` on ``network`` (default: its year's, from ``data_dir``).

        Raises
        ------
        UnknownPlaceError, InvalidRequestError
            For a place or option the network cannot take.
        NoRouteError
            If the origin or destination has no terminal for the cargo at all.
        """
        r = request
        net, source, sink, ready, month = where_and_when(
            r.origin,
            r.destination,
            year=r.year,
            ready=r.ready,
            month=r.month,
            network=network,
            data_dir=data_dir,
        )
        teu = r.teu if r.containers is None else box_teu(net, r)
        shipment = Shipment(
            source.id, sink.id, teu, r.cargo, r.tonnes, r.value_usd, r.deadline, r.containers
        )
        if source.id == sink.id:
            msg = f"origin and destination are the same place ({source.id})"
            raise InvalidRequestError(msg)
        avoided_places, avoided_refs = avoided(net, r.avoid, {source.id, sink.id})
        via_ids = via_places(net, r.via, avoided_places, {source.id, sink.id})
        allowed = None if r.modes is None else {m.value for m in r.modes}
        permits = set() if r.cbta else permit_crossings(net)
        sites, arrays = endpoints.site_arrays(net, source, sink, r.cargo, month)
        columns = _shipment_columns(net, arrays, shipment)
        pricing = None
        if r.rates is not None:  # a rate card's prices, on a copy of the graph
            from corridor.routing.rate_pricing import priced  # pydantic: only with a card

            pricing, columns = priced(
                r.rates, net, arrays, columns, shipment=shipment, ready=ready, modes=allowed
            )
            arrays = pricing.arrays
        value_of_time = value_of_time_usd_per_teu_hour(net, shipment)
        rate = exchange_rate(net.dataset.rates, r.currency, None if ready is None else ready.date())
        start = arrays.index.get((source.id, SOURCE), -1)
        end = arrays.index.get((sink.id, SINK), -1)
        problem = cls(
            request=r,
            net=net,
            shipment=shipment,
            objective=r.objective,
            month=month,
            ready=ready,
            arrays=arrays,
            keep=arrays.mask(avoided_places, avoided_refs | permits, allowed)
            & arrays.between(max(start, 0), max(end, 0)),
            weights=_weights(columns, r.objective, r.carbon_price_usd_per_t, value_of_time),
            columns=columns,
            start=start,
            end=end,
            via=via_ids,
            deadline=r.deadline,
            max_transshipments=r.max_transshipments,
            allowed=allowed,
            avoided_places=avoided_places,
            avoided_refs=avoided_refs | permits,
            options={
                "via": list(via_ids),
                "avoid": sorted(avoided_places | avoided_refs),
                "modes": None if allowed is None else sorted(allowed),
                "max_transshipments": r.max_transshipments,
                "confidence": r.confidence,
                "carbon_price_usd_per_t": r.carbon_price_usd_per_t,
                "value_of_time_usd_per_teu_hour": (
                    value_of_time if r.objective == "generalised" else None
                ),
                "cbta": r.cbta,
                "rates": r.rates,
                "samples": r.samples,
                "seed": r.seed,
            },
            stop_at=time.monotonic() + r.time_limit_s,
            rate=rate,
            sites=sites,
            pricing=pricing,
        )
        if start < 0 or end < 0:
            raise NoRouteError(diagnose.no_route_reason(problem))
        return problem

    def place(self, place_id: str) -> Place:
        """A place of the network, or the request's origin or destination site."""
        return self.sites.get(place_id) or self.net.places[place_id]

    # --- solving ----------------------------------------------------------------------

    def _layers(self) -> tuple[GraphArrays, np.ndarray]:
        """The kept arcs, copied once per via stage, plus zero arcs that tick a via off.

        Returns the layered graph and ``base``, which maps a layered arc to its
        service-graph arc, or -1 for a stage switch.
        """
        if self._layered is None:
            n = self.arrays.n
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
            layered = GraphArrays(
                n * (len(self.via) + 1),
                np.concatenate(tails).astype(np.int32),
                np.concatenate(heads).astype(np.int32),
            )
            self._layered = (layered, np.concatenate(base).astype(np.int64))
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
        solve do both, see :func:`corridor.solvers.rcsp.constrained_path`). ``explain=False``
        raises a bare :class:`NoRouteError` when no route meets the limits, without the
        extra solves that say which limit or place binds (for searches that expect to run
        out of routes).
        """
        layered, base = self._layers()
        n, layers = self.arrays.n, len(self.via) + 1
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
                path = cheapest_path(
                    layered,
                    column(objective),
                    source=source,
                    sink=sink,
                    tie_break=None if tie_break is None else column(tie_break),
                )
            else:
                path = self._constrained(
                    layered,
                    column,
                    objective,
                    bounds,
                    forbidden,
                    ends=(source, sink),
                    tie_break=tie_break,
                    tie_limit=tie_limit,
                )
        except NoFlowError:
            if not explain:
                raise NoRouteError("no route meets the limits") from None
            raise diagnose.infeasible(self, bounds) from None
        return [int(base[a]) for a in path if base[a] >= 0]

    def _constrained(
        self,
        layered: GraphArrays,
        column: Callable[[np.ndarray], np.ndarray],
        objective: np.ndarray,
        bounds: dict[str, float],
        forbidden: Sequence[Signature],
        *,
        ends: tuple[int, int],
        tie_break: np.ndarray | None,
        tie_limit: float | None,
    ) -> list[int]:
        """The exact search within ``bounds`` and away from ``forbidden`` (layered arcs)."""
        from corridor.solvers.rcsp import Exclusion, Resource, constrained_path

        # the first resource is relaxed in Lagrangian fashion: the deadline, unless the
        # objective is that column itself (then the bound on another column)
        same = [name for name in bounds if np.shares_memory(objective, self.columns[name])]
        order = sorted(bounds, key=lambda name: (name in same, name != "hours_p50"))
        resources = [Resource(name, column(self.columns[name]), bounds[name]) for name in order]
        _, base = self._layers()
        combos = [
            Exclusion(
                tuple(tuple(np.flatnonzero(np.isin(base, g)).tolist()) for g in sig.groups),
                tuple(np.flatnonzero(np.isin(base, sig.others)).tolist()),
            )
            for sig in forbidden
        ]
        return constrained_path(
            layered,
            column(objective),
            resources,
            source=ends[0],
            sink=ends[1],
            forbidden=combos,
            time_limit_s=self.request.time_limit_s,
            stop_at=self.stop_at,
            tie_break=None if tie_break is None else column(tie_break),
            tie_limit=tie_limit,
            # routes besides the best: none that comes back to a place, or changes mode
            # there and back, only to differ
            once=self._places(len(self.via) + 1) if forbidden else None,
        ).path

    def _places(self, layers: int) -> Once:
        """:attr:`ServiceArrays.places` for each via stage's copy of the graph, numbered apart.

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
            from corridor.solvers.rcsp import Once

            self._once = Once(partitions)
        return self._once

    def signature(self, path: list[int]) -> Signature:
        """What makes a route distinct, as groups of interchangeable service-graph arcs.

        The gates, the transshipments on the way, and the first and last mode: loading onto
        rail directly or by a road move plus a transfer at the origin is the same route. The
        other gates and mid-route transfers are listed too: a route using any of them differs.
        """
        arcs = self.arrays.arcs
        moving = [a for a in path if arcs[a][2]["kind"] in {"leg", "border", endpoints.DRAYAGE}]
        first_mode, last_mode = arcs[moving[0]][0][1], arcs[moving[-1]][1][1]
        origin, destination = self.shipment.origin, self.shipment.destination
        groups = [
            [
                i
                for i, (t, h, d) in enumerate(arcs)
                if (t[0], place_of(h), h[1]) == (origin, origin, first_mode) and d["kind"] != "leg"
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

        twins = {} if self.pricing is None else self.pricing.twins  # a card's copied arcs
        groups += [twins.get(a, [a]) for a in path if distinctive(a)]
        used = {b for a in path for b in twins.get(a, [a])}
        others = [a for a in range(len(arcs)) if distinctive(a) and a not in used]
        return Signature(groups, others)

    def quote(self, path: list[int]) -> Quote:
        """The itemised quote of a route given as service-graph arc indices."""
        costs = self.columns["cost_usd"]
        steps = tuple(
            _step(self.net, self.shipment, *self.arrays.arcs[a], cost_usd_per_teu=costs[a])
            for a in path
        )
        if self.pricing is not None:  # a rate card: what priced each step
            steps = self.pricing.labelled(steps, path, self.shipment)
        names = {p.id: p.name for p in self.net.places.values()}
        names |= {c.id: c.name for c in self.net.crossings.values()}
        names |= {p.id: p.name for p in self.sites.values()}
        simulator = functools.partial(
            simulate,
            self.net,
            month=self.month,
            ready=self.ready,
            samples=self.request.samples,
            seed=self.request.seed,
            country=self.place(self.shipment.origin).country,
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
            rate=self.rate,
            sites=dict(self.sites),
            valid_to=None if self.pricing is None else self.pricing.valid_to(path, self.shipment),
        )
        route = noted(route, [self.arrays.arcs[a][2]["capacity_teu_day"] for a in path], self.via)
        notes = [n for p in self.sites.values() if (n := endpoints.country_note(self.net, p))]
        notes += [] if self.pricing is None else self.pricing.notes
        return dataclasses.replace(route, notes=(*route.notes, *notes)) if notes else route


def _shipment_columns(
    net: Network, arrays: ServiceArrays, shipment: Shipment
) -> dict[str, np.ndarray]:
    """The arc columns per TEU of ``shipment``: a graph's CO2e is at the class payload.

    Costs are the boxes' (if given) and air's by chargeable weight. Given ``tonnes``,
    transport and hub CO2e scale with the tonnes per TEU (as :func:`_step` counts it);
    refrigeration is per box, whatever it weighs.
    """
    columns = arrays.columns
    if shipment.containers is not None:
        columns = columns | {"cost_usd": box_cost_per_teu(net, arrays, shipment)}
    columns = columns | {
        "cost_usd": weight_priced_cost_per_teu(net, arrays, shipment, columns["cost_usd"])
    }
    if shipment.tonnes is None:
        return columns
    payload = net.cargo_profiles[shipment.cargo].tonnes_per_teu
    refrigeration = columns["refrigeration_co2e_kg"]
    scale = shipment.tonnes / shipment.teu / payload
    return columns | {"co2e_kg": (columns["co2e_kg"] - refrigeration) * scale + refrigeration}


def _weights(
    cols: dict[str, np.ndarray],
    objective: str,
    carbon_price: float,
    value_of_time: float,
) -> np.ndarray:
    """The arc weights of ``objective``; ``value_of_time`` is USD per TEU-hour."""
    if objective == "cost":
        return cols["cost_usd"]
    if objective == "time":
        return cols["hours_p50"]
    if objective == "co2":
        return cols["co2e_kg"]
    usd_per_kg = carbon_price / KG_PER_TONNE
    return cols["cost_usd"] + value_of_time * cols["hours_p50"] + usd_per_kg * cols["co2e_kg"]


def _step(
    net: Network,
    shipment: Shipment,
    tail: Vertex,
    head: Vertex,
    data: dict,
    *,
    cost_usd_per_teu: float,
) -> Step:
    profile = net.cargo_profiles[shipment.cargo]
    tonnes = (
        shipment.tonnes if shipment.tonnes is not None else profile.tonnes_per_teu * shipment.teu
    )
    from_mode = None if tail[1] == SOURCE else tail[1]
    to_mode = None if head[1] == SINK else head[1]
    refrigeration = data["refrigeration_co2e_kg"]  # per box, whatever it weighs
    transport_co2e = data["co2e_kg"] - refrigeration  # and the hub's: per tonne handled
    refrigeration_ttw = data["refrigeration_ttw_co2e_kg"]
    per_teu = tonnes / profile.tonnes_per_teu  # the shipment's payloads, TEU at the class's
    return Step(
        kind=data["kind"],
        ref=data["ref"],
        from_place=data["from_place"],
        to_place=data["to_place"],
        from_mode=from_mode,
        to_mode=to_mode,
        km=data["km"],
        cost_usd=round(float(cost_usd_per_teu) * shipment.teu, 9),  # 95.04, not 95.039999
        hours_p50=data["hours_p50"],
        hours_p90=data["hours_p90"],
        co2e_kg=transport_co2e * per_teu + refrigeration * shipment.teu,
        co2e_ttw_kg=(data["co2e_ttw_kg"] - refrigeration_ttw) * per_teu
        + refrigeration_ttw * shipment.teu,
        hub_co2e_kg=data["hub_co2e_kg"] * per_teu,
        tonne_km=tonnes * data["km"],
    )
