"""Capacity-aware planning: a whole demand table assigned to the network at once.

A multi-commodity minimum-cost flow on the service graph (see :mod:`corridor.network`),
solved as a linear program with OR-Tools MathOpt (GLOP; HiGHS for whole units):

- one commodity per origin, cargo class and goods value; its flow leaves the origin's source
  vertex and ends in the sink vertices of its destinations (the standard aggregation by
  origin: same optimum, far fewer variables than one commodity per OD pair);
- arc cost per TEU = USD (``objective="cost"``) or USD + value of time × hours
  (``"generalised"``, with the row's ``value_usd_per_teu`` and the cargo class daily rate);
- capacities, TEU/day: each leg and rail crossing per direction; each road gate in total,
  shared by its two directions; each transfer in total, shared by both directions and by the
  loading/unloading arcs that use that terminal;
- demand that cannot be carried is left unserved at :data:`UNSERVED_PENALTY_USD_PER_TEU`
  and reported, never dropped silently.

The dual value of a binding capacity is its shadow price: a rate of USD per day saved per
TEU/day of capacity. Where the LP is degenerate (two saturated capacities in series, say) the
dual is not unique and the solver returns one of many valid prices; ``marginal=True`` re-solves
the LP with one TEU/day more and one less of each saturated capacity, which gives values that
depend on the data only (:attr:`Plan.bottlenecks` is ranked by them).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from corridor.errors import CorridorError, DeadlineError, InvalidRequestError
from corridor.model import CargoClass
from corridor.network import DEFAULT_YEAR, Network, check_year, load_network
from corridor.options import unknown_options
from corridor.planning.demand import Demand, read_demand
from corridor.planning.request import PlanRequest
from corridor.planning.result import Plan
from corridor.progress import ProgressCallback
from corridor.routing import quote
from corridor.service import SINK, SOURCE

logger = logging.getLogger(__name__)

PATHS_ABOVE_VARIABLES = 50_000
"""``method="auto"`` uses column generation when the arc model would have more flow variables
than this (arcs of the cargo's service graph × commodities by origin, summed)."""


def plan(
    demand: pd.DataFrame | Iterable[dict[str, Any]] | str | Path,
    request: PlanRequest | None = None,
    *,
    network: Network | None = None,
    progress: ProgressCallback | None = None,
    **options: Any,  # noqa: ANN401 - the fields of PlanRequest
) -> Plan:
    """Assign a demand table to the network under capacities (exact LP, or whole TEU).

    Parameters
    ----------
    demand
        DataFrame, list of dicts or CSV with ``origin``, ``destination``, ``teu_per_day`` or
        ``tonnes_per_day`` (at the cargo class's payload per TEU) and optionally ``cargo``,
        ``value_usd_per_teu`` and ``deadline`` (planned hours, P50; ``72``, ``72h``, ``3d``).
    request
        A :class:`PlanRequest`; or give its fields as keywords.
    network
        A loaded network; default ``load_network(year)``.
    progress
        Told (re-solves done, re-solves) after each marginal re-solve.
    **options
        The fields of :class:`PlanRequest`: ``year``, ``objective`` (``cost``, or
        ``generalised``, for which every row needs its ``value_usd_per_teu``, as
        :func:`corridor.quote` needs ``value_usd``), ``integer``, ``method``,
        ``time_limit_s``, ``marginal`` and ``month``. Notes on some of them:

        - ``method``: ``arcs``, the arc-based LP (one flow variable per arc and origin);
          ``paths``, the same LP over paths, by column generation; ``auto``, ``paths`` when
          the arc model would exceed :data:`PATHS_ABOVE_VARIABLES` variables or a row has a
          deadline, else ``arcs``; always ``arcs`` with ``integer=True``. Both give the LP
          optimum.
        - ``marginal``: re-solve the LP with
          :data:`~corridor.planning.arc_model.MARGINAL_STEP_TEU_DAY` more and less of each
          saturated capacity (from the plan's basis by the dual simplex, one after the
          other) for ``marginal_saving_usd`` and ``marginal_cost_usd`` in
          :attr:`Plan.capacities`: unique values, unlike shadow prices in a degenerate LP.
          Arc model only; about 25 ms per saturated capacity on the corridor.
        - ``month`` (1–12): legs that run in it, such as the Red River at high water, and its
          border clearance times (the Tet peak in January or February); default: the whole
          year, on legs that run in every month.

    Returns
    -------
    Plan
        The plan; what its figures do not show is in :attr:`Plan.notes`: demand no route
        could carry whatever the capacities (with the reason a quote gives), a plan not
        proven optimal, a time limit that left marginal values out.

    Raises
    ------
    DataError
        For a malformed demand table (row, column, suggestions).
    InvalidRequestError
        For an unknown objective or method, a month outside 1–12, ``method="paths"`` with
        ``integer=True``, a negative or non-finite ``time_limit_s``, deadlines with the arc
        model (which cannot enforce them), or an unknown keyword.
    SolverError
        If the solver stops without a plan: its time limit (``.time_limit``), or a failure
        naming the solver and its status.

    Examples
    --------
    >>> p = plan(pd.DataFrame({"origin": ["Kunming"], "destination": ["Hai Phong"],
    ...                        "teu_per_day": [10]}))
    >>> round(p.totals["teu_per_day"])
    10
    >>> q = plan(pd.DataFrame({"origin": ["Kunming"], "destination": ["Hai Phong"],
    ...                        "teu_per_day": [10]}), method="paths")
    >>> (q.method, round(q.objective_usd_per_day - p.objective_usd_per_day, 6))
    ('paths', 0.0)
    """
    r = _as_request(request, options)
    if network is None:
        network = load_network(r.year if r.year is not None else DEFAULT_YEAR)
    elif r.year is not None and check_year(r.year) != network.year:
        msg = f"year={r.year} but the network given is for {network.year}"
        raise InvalidRequestError(msg)
    rows = read_demand(demand, network, needs_value=r.objective == "generalised")
    deadlines = any(row.deadline_hours is not None for row in rows)
    if deadlines and (r.integer or r.method == "arcs"):
        msg = (
            "deadline is enforced by the path model only (the LP, method='paths' or "
            "'auto'); drop the column to plan without deadlines"
        )
        raise InvalidRequestError(msg)
    commodities = commodities_of(rows)
    method = r.method
    if method == "auto":
        size = sum(
            network.service_graph(cargo, r.month).number_of_edges() for _, cargo, _ in commodities
        )
        large = size > PATHS_ABOVE_VARIABLES
        method = "paths" if (large or deadlines) and not r.integer else "arcs"
        logger.debug("method %s (arc model: about %d variables)", method, size)
    if method == "paths":
        from corridor.planning.path_model import PathModel

        result = PathModel(network, r.objective, commodities, r.month).solve(r.time_limit_s)
    else:
        from corridor.planning.arc_model import ArcModel

        model = ArcModel(network, r.objective, r.integer, r.month)
        for commodity, members in commodities.items():
            model.add_commodity(commodity, members)
        model.add_capacities()
        result = model.solve(r.time_limit_s, marginal=r.marginal, progress=progress)
    notes = _missing_routes(network, result.unserved, r.month, rows)
    return dataclasses.replace(result, notes=(*result.notes, *notes)) if notes else result


def _as_request(request: PlanRequest | None, options: dict[str, Any]) -> PlanRequest:
    """The request of a call: the one given, or one made of its keywords."""
    if request is not None:
        if options:
            msg = "give a PlanRequest or keyword options, not both"
            raise InvalidRequestError(msg)
        return request
    unknown = options.keys() - {f.name for f in dataclasses.fields(PlanRequest)}
    if unknown:
        raise InvalidRequestError(unknown_options(unknown, PlanRequest, "option(s)"))
    return PlanRequest(**options)


def _missing_routes(
    network: Network, unserved: pd.DataFrame, month: int | None, rows: list[Demand]
) -> list[str]:
    """A note, with the reason a quote gives, for unserved demand that no route could carry.

    Capacity is not why: the places, or the legs between them, do not take the cargo, or no
    route meets a row's deadline even on an empty network.
    """
    notes = []
    for row in unserved.to_dict("records"):
        origin, destination = str(row["origin"]), str(row["destination"])
        cargo = CargoClass(str(row["cargo"]))
        arrays = network.service_arrays(cargo, month)
        if arrays.reaches((origin, SOURCE), (destination, SINK)):
            notes += _missed_deadlines(network, (origin, destination, cargo), month, rows)
            continue
        try:
            quote(origin, destination, cargo=cargo, network=network, month=month)
        except CorridorError as error:
            reason = str(error)
        else:  # not expected: the quote sees the same service graph
            reason = "no route"
        notes.append(
            f"{origin} → {destination} ({cargo.value}): {row['teu_per_day']:,.1f} TEU/day "
            f"unserved whatever the capacities: {reason}"
        )
    return notes


def _missed_deadlines(
    network: Network, pair: tuple[str, str, CargoClass], month: int | None, rows: list[Demand]
) -> list[str]:
    """A note for each unserved row of a pair whose deadline no route meets.

    ``pair`` is (origin, destination, cargo).
    One fastest route per pair (a shortest path) settles most rows: a deadline it meets left
    the row unserved for capacity. Only a missed one is quoted, for the reason to give.
    """
    timed = [
        (d.deadline_hours, d.teu_per_day)
        for d in rows
        if (d.origin, d.destination, d.cargo) == pair and d.deadline_hours is not None
    ]
    if not timed:
        return []
    origin, destination, cargo = pair
    fastest = quote(
        origin, destination, cargo=cargo, objective="time", network=network, month=month
    ).planned_hours
    notes = []
    for deadline, teu in timed:
        if deadline >= fastest:
            continue
        try:
            quote(
                origin,
                destination,
                cargo=cargo,
                deadline=deadline,
                network=network,
                month=month,
            )
        except DeadlineError as error:
            notes.append(
                f"{origin} → {destination} ({cargo.value}): "
                f"{teu:,.1f} TEU/day unserved whatever the capacities: {error}"
            )
    return notes


def commodities_of(rows: Iterable[Demand]) -> dict[tuple[str, CargoClass, float], list[Demand]]:
    """The demand rows grouped into commodities: by origin, cargo class and goods value."""
    grouped: dict[tuple[str, CargoClass, float], list[Demand]] = defaultdict(list)
    for row in rows:
        grouped[(row.origin, row.cargo, row.value_usd_per_teu)].append(row)
    return grouped
