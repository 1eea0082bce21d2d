"""The cost / time (/ CO2) Pareto front of one shipment's routes, exact (ε-constraint).

See :func:`pareto`; ``docs/quote.md`` explains both methods.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from corridor.errors import InvalidRequestError, NoRouteError
from corridor.model import Place
from corridor.network import Network
from corridor.routing.problem import Problem
from corridor.routing.request import QuoteRequest
from corridor.routing.result import Quote

_COLUMNS = {"cost": "cost_usd", "time": "hours_p50", "co2": "co2e_kg"}

PARETO_SKIPS = ("alternatives", "objective", "value_usd", "carbon_price_usd_per_t", "confidence")
"""Quote options a Pareto front has no use for (it trades cost, time and CO2 off itself)."""
OBJECTIVE_NAMES = tuple(_COLUMNS)
"""What a front can trade off: ``cost`` (USD), ``time`` (P50 hours), ``co2`` (kg CO2e)."""

PARETO_RESOLUTION = 0.01
"""Frontier points closer than this in an objective (USD, h or kg) are one point."""

_Bound = tuple[float, ...]


def pareto(
    origin: str | Place,
    destination: str | Place,
    teu: float = 1.0,
    *,
    objectives: tuple[str, ...] = ("cost", "time"),
    network: Network | None = None,
    data_dir: str | Path | None = None,
    **options: Any,  # noqa: ANN401 - the fields of QuoteRequest, as quote()
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
    unsupported = sorted({"alternatives", "confidence"} & options.keys())
    if unsupported:
        msg = f"pareto takes no {' or '.join(unsupported)}: every non-dominated route is given"
        raise InvalidRequestError(msg)
    columns = tuple(_COLUMNS[o] for o in names)
    request = QuoteRequest.of(origin, destination, teu=teu, **options)
    problem = Problem.build(request, network, data_dir)
    if len(columns) == 2:
        return [problem.quote(path) for path in frontier(problem, *columns)]
    return [problem.quote(path) for path in _frontier_3(problem, columns)]


def _request_limit(problem: Problem, column: str, limit: float | None) -> float | None:
    """The least of ``limit`` and the request's own limit on ``column`` (None: unbounded)."""
    own = problem.deadline if column == "hours_p50" else None
    given = [v for v in (limit, own) if v is not None and np.isfinite(v)]
    return min(given) if given else None


def frontier(problem: Problem, first: str, second: str) -> Iterator[list[int]]:
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


def _frontier_3(problem: Problem, names: tuple[str, ...]) -> list[list[int]]:
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
