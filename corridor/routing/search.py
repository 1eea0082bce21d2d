"""Quote one shipment: the optimal route, its distinct alternatives, or one reliable enough.

:func:`quote` builds a :class:`~corridor.routing.request.QuoteRequest` from its keywords (or
takes one), resolves it on the network (:class:`~corridor.routing.problem.Problem`) and
solves it exactly. ``alternatives=k`` enumerates the ``k`` best distinct routes (each solve
excluding the routes found so far); a ``confidence`` walks the cost / planned-hours Pareto
routes within the deadline until the simulated on-time probability reaches it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, overload

from corridor.errors import DeadlineError, InvalidRequestError, NoRouteError
from corridor.model import Place
from corridor.network import Network
from corridor.routing.frontier import frontier
from corridor.routing.problem import Problem
from corridor.routing.request import QuoteRequest
from corridor.routing.result import Quote, gates_text, route_key


@overload
def quote(
    origin: str | Place | QuoteRequest,
    destination: str | Place | None = ...,
    teu: float = ...,
    *,
    alternatives: Literal[1] = ...,
    network: Network | None = ...,
    **options: Any,  # noqa: ANN401 - the fields of QuoteRequest
) -> Quote: ...


@overload
def quote(
    origin: str | Place | QuoteRequest,
    destination: str | Place | None = ...,
    teu: float = ...,
    *,
    alternatives: int,
    network: Network | None = ...,
    **options: Any,  # noqa: ANN401
) -> list[Quote]: ...


def quote(
    origin: str | Place | QuoteRequest,
    destination: str | Place | None = None,
    teu: float = 1.0,
    *,
    network: Network | None = None,
    data_dir: str | Path | None = None,
    **options: Any,
) -> Quote | list[Quote]:
    """The optimal route for one shipment, itemised.

    Parameters
    ----------
    origin, destination
        Place ids or names (English, Vietnamese with or without diacritics, Chinese); or a
        :class:`QuoteRequest` as ``origin`` alone.
    teu
        Volume, TEU (> 0).
    network
        A loaded network; default ``load_network(year, data_dir)`` of the request's year
        (for a ``ready`` with a UTC offset, the year on the origin's clock).
    data_dir
        The data folder of that network (default: the shipped data or ``$CORRIDOR_DATA``).
    **options
        Any other field of :class:`QuoteRequest`, each with its unit and check there:
        ``tonnes``, ``cargo``, ``value_usd``, ``objective`` (``cost``, ``time``, ``co2`` or
        ``generalised``: USD + value of time × P50 hours + carbon price × t CO2e),
        ``deadline``, ``confidence``, ``max_transshipments``, ``via``, ``avoid``, ``modes``,
        ``year``, ``month``, ``ready``, ``carbon_price_usd_per_t``, ``samples``, ``seed``,
        ``time_limit_s`` and ``alternatives``. Notes on some of them:

        - ``alternatives=k`` (> 1) returns the ``k`` best routes that differ in their
          transshipment points, gates or mode sequence (not only in the legs between them),
          best first; fewer if fewer exist. No alternative passes a place twice (between
          ``via`` places) or changes mode at a place and back.
        - ``deadline`` alone bounds the planned hours (the sum of the steps' medians); with
          ``confidence``, the cheapest route whose simulated probability of arriving
          within the deadline is at least that, among the cheapest distinct routes whose
          planned hours meet it (see ``docs/uncertainty.md``).
        - ``ready`` is on the origin's clock; one with a UTC offset is converted to it (UTC+8
          in China, UTC+7 in Viet Nam). It sets the month of travel, the network year (a
          ``year`` or ``network`` of another year is an error) and the P50 arrival time.
        - ``month`` (1–12): without it (and without ``ready``) only legs that run all year
          are used.
        - ``modes`` limits the modes of the route; road still loads and unloads at
          terminals.
        - ``samples`` and ``seed`` drive the Monte Carlo of the hours P50/P90 and the
          on-time probability (the same seed gives the same figures).

    Raises
    ------
    UnknownPlaceError
        If a place name is not known (with suggestions).
    InvalidRequestError
        For impossible options: TEU ≤ 0, an avoided origin, a via place also avoided, a
        ``year`` or ``month`` that contradicts ``ready``, a negative or fractional ``seed``,
        an unknown keyword (naming the one meant); and for a value of the wrong kind,
        naming the option: text, a bool, NaN or infinity where a number is needed
        (``teu="x"``), a fraction where a whole number is (``month``,
        ``max_transshipments``, ``year``, ``alternatives``).
    DeadlineError
        If the deadline cannot be met; carries the fastest route that meets the rest.
    NoRouteError
        If no route exists; the message says which end or option cuts it off.
    SolverError
        If the exact search stops at ``time_limit_s`` or a solver fails.

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
    request = as_request(origin, destination, teu, options)
    problem = Problem.build(request, network, data_dir)
    if request.confidence is not None:
        return _confident(problem, request.confidence, request.alternatives)
    first = problem.solve()
    if request.alternatives == 1:
        return problem.quote(first)
    return _alternatives(problem, first, request.alternatives)


def as_request(
    origin: str | Place | QuoteRequest,
    destination: str | Place | None,
    teu: float,
    options: dict[str, Any],
) -> QuoteRequest:
    """The request of a call: ``origin`` if it is one, else one made of the arguments."""
    if isinstance(origin, QuoteRequest):
        if destination is not None or options or teu != 1.0:
            msg = "give a QuoteRequest alone, or an origin, destination and options"
            raise InvalidRequestError(msg)
        return origin
    return QuoteRequest.of(origin, destination, teu=teu, **options)


def _confident(problem: Problem, confidence: float, k: int) -> Quote | list[Quote]:
    """The cheapest routes (``k`` of them) whose on-time probability reaches ``confidence``.

    The candidates are the cost / planned-hours Pareto routes within the deadline, walked
    from the cheapest towards the fastest; each is simulated and the first ``k`` that
    qualify are returned. A higher confidence can therefore never give a cheaper route.
    """
    found: list[Quote] = []
    tried: list[Quote] = []
    for path in frontier(problem, "cost_usd", "hours_p50"):
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
            f"({' → '.join(best.modes)}{gates_text(best)})"
        )
        raise DeadlineError(msg, best)
    return found[0] if k == 1 else found


MAX_ALTERNATIVE_SOLVES = 60
"""Most solves spent looking for ``k`` distinct routes (variants are skipped, not counted)."""


def _alternatives(problem: Problem, first: list[int], k: int) -> list[Quote]:
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
