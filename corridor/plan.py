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
import difflib
import logging
import math
import time
import warnings
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from ortools.math_opt.python import mathopt

from corridor.data import LINE, read_csv_table
from corridor.errors import (
    CorridorError,
    DataError,
    DeadlineError,
    InfeasibleError,
    InvalidRequestError,
    UnknownPlaceError,
    location,
)
from corridor.model import BorderCrossing, CargoClass, Mode, blank, check_month, check_objective
from corridor.network import DEFAULT_YEAR, Network, check_year, load_network
from corridor.routing import quote
from corridor.routing.request import whole
from corridor.service import SINK, SOURCE, Vertex
from corridor.solvers import colgen
from corridor.solvers.arrays import GraphArrays

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

logger = logging.getLogger(__name__)

UNSERVED_PENALTY_USD_PER_TEU = 20_000.0
"""Cost of leaving one TEU/day unserved: above any route's cost on the corridor (air is about
USD 11,000 per TEU), so demand goes unserved only when capacity truly binds."""
BINDING = 0.999
"""Utilisation from which a capacity counts as saturated."""
BOTH_DIRECTIONS = "both directions"
"""The ``direction`` of a road gate's capacity, which both directions share."""
MARGINAL_STEP_TEU_DAY = 1.0
"""Change of capacity, TEU/day, by which ``marginal=True`` re-solves each saturated capacity."""
REQUIRED_COLUMNS = ("origin", "destination")
VOLUME_COLUMNS = ("teu_per_day", "tonnes_per_day")
"""A demand table has one or both; each row gives one of them."""
OPTIONAL_COLUMNS = ("cargo", "value_usd_per_teu", "deadline_hours", "source")
OBJECTIVES = ("cost", "generalised")
METHODS = ("auto", "arcs", "paths")
PATHS_ABOVE_VARIABLES = 50_000
"""``method="auto"`` uses column generation when the arc model would have more flow variables
than this (arcs of the cargo's service graph × commodities by origin, summed)."""
HOURS_PER_DAY = 24.0


@dataclass(frozen=True, slots=True)
class Demand:
    """A daily flow to plan: places, cargo, TEU/day, goods value (USD/TEU), deadline (hours).

    ``deadline_hours`` is the longest planned transit (P50) a route may take; ``None``: any.
    """

    origin: str
    destination: str
    cargo: CargoClass
    teu_per_day: float
    value_usd_per_teu: float = 0.0
    deadline_hours: float | None = None


_Key = tuple[str, str, CargoClass, float, float | None]
"""A demand row's origin, destination, cargo, goods value and deadline: rows with the same
key are one commodity, their volumes summed."""


def read_demand(
    demand: pd.DataFrame | Iterable[dict[str, Any]] | str | Path,
    network: Network,
    *,
    needs_value: bool = False,
) -> list[Demand]:
    """Validate a demand table (DataFrame or CSV path); duplicate rows are summed with a warning.

    Each row gives its volume as ``teu_per_day`` or as ``tonnes_per_day`` (not both); tonnes
    become TEU at the cargo class's payload (``tonnes_per_teu`` of ``cargo_classes.csv``, e.g.
    10 t for general cargo), at which the plan's CO2e per TEU is counted.

    Parameters
    ----------
    demand
        DataFrame, list of dicts (one per row) or CSV file (UTF-8, header on line 1). Column
        names are read without case or surrounding spaces (``Origin`` is ``origin``).
    network
        The network whose places the rows name.
    needs_value
        Every row must give ``value_usd_per_teu`` (the ``generalised`` objective prices
        time by the goods value); otherwise a missing value counts as 0.

    Raises
    ------
    DataError
        Naming the row (line in a CSV) and column: unknown place (with suggestions),
        negative or non-numeric volume, a row with no volume or with both, unknown cargo
        class, a missing goods value when ``needs_value``, a CSV that is not UTF-8 or has a
        line with more fields than the header, empty table, missing column. Every row is
        checked: when several have problems, the message lists the first
        :data:`SHOWN_PROBLEMS` and ``.problems`` holds each row's error.
    """
    if isinstance(demand, (str, Path)):
        demand = read_csv_table(demand)
    elif not isinstance(demand, pd.DataFrame):
        demand = _rows_as_table(demand)
    name = demand.attrs.get("file", "demand")
    # headers as a spreadsheet may write them: "Origin", " destination"
    demand = demand.rename(columns=lambda c: c.strip().lower() if isinstance(c, str) else c)
    required = [*REQUIRED_COLUMNS, *(["value_usd_per_teu"] if needs_value else [])]
    missing = [c for c in required if c not in demand.columns]
    no_volume = not set(VOLUME_COLUMNS) & set(demand.columns)
    if missing or no_volume:
        listed = [*missing, *([" or ".join(VOLUME_COLUMNS)] if no_volume else [])]
        message = f"missing column(s) {', '.join(listed)}"
        if needs_value and "value_usd_per_teu" in missing:
            message += f" ({_VALUE_NEEDED})"
        wanted = [*missing, *(VOLUME_COLUMNS if no_volume else ())]
        raise DataError(message + _header_hint(list(demand.columns), wanted), file=name, row=1)
    if demand.empty:
        raise DataError("no rows", file=name)
    _warn_of_unread_columns(list(demand.columns), name)
    rows: dict[_Key, float] = defaultdict(float)
    first_line: dict[_Key, int] = {}
    problems: list[DataError] = []
    # a CSV's own lines, else the lines the table would have as a CSV (the header is line 1)
    lines = demand.index if demand.index.name == LINE else range(2, len(demand) + 2)
    for line, record in zip(lines, demand.to_dict("records"), strict=True):
        try:
            key, teu = _row(record, network, name, line, needs_value=needs_value)
        except DataError as error:
            problems.append(error)
            continue
        if key in first_line:
            warnings.warn(
                f"{name}, line {line}: duplicate of line {first_line[key]}; volumes summed",
                stacklevel=2,
            )
        first_line.setdefault(key, line)
        rows[key] += teu
    if problems:
        raise _every_problem(problems, name)
    return [Demand(o, d, c, teu, v, h) for (o, d, c, v, h), teu in rows.items() if teu > 0]


SHOWN_PROBLEMS = 10
"""Rows with problems a demand error lists in its message (``.problems`` holds them all)."""


def _row(
    record: dict[str, Any], network: Network, name: str, line: int, *, needs_value: bool
) -> tuple[_Key, float]:
    """One demand row's key and TEU/day; raises :class:`DataError` at its first problem."""
    origin = _place(network, record["origin"], name, line, "origin")
    destination = _place(network, record["destination"], name, line, "destination")
    given = _given(record.get("value_usd_per_teu"))
    if given is None and needs_value:
        raise DataError(_VALUE_NEEDED, file=name, row=line, column="value_usd_per_teu")
    value = _number(given or 0, name, line, "value_usd_per_teu")
    cell = _given(record.get("deadline_hours"))
    deadline = None if cell is None else _number(cell, name, line, "deadline_hours")
    try:
        cargo = CargoClass(str(_given(record.get("cargo")) or "general"))
    except ValueError:
        options = ", ".join(c.value for c in CargoClass)
        raise DataError(
            f"unknown cargo {record['cargo']!r}; choose one of {options}",
            file=name,
            row=line,
            column="cargo",
        ) from None
    if origin == destination:
        raise DataError(
            "origin and destination are the same place",
            file=name,
            row=line,
            column="destination",
        )
    teu = _volume(record, network.cargo_profiles[cargo].tonnes_per_teu, name, line)
    return (origin, destination, cargo, value, deadline), teu


def _every_problem(problems: list[DataError], name: str) -> DataError:
    """One error for a table's rows with problems: the row's own if only one has any.

    Otherwise the message lists the first :data:`SHOWN_PROBLEMS` (line, column and what is
    wrong) and counts the rest, and ``.problems`` holds every row's error.
    """
    if len(problems) == 1:
        return problems[0]
    shown = "; ".join(
        f"{location(None, p.row, p.column)}: {p.detail}" for p in problems[:SHOWN_PROBLEMS]
    )
    more = len(problems) - SHOWN_PROBLEMS
    error = DataError(
        f"{len(problems)} rows with problems: {shown}" + (f"; and {more} more" if more > 0 else ""),
        file=name,
    )
    error.problems = problems
    return error


def _rows_as_table(rows: object) -> pd.DataFrame:
    """A list (or other iterable) of dicts as a table, as :func:`corridor.quote_many` takes it."""
    listed = list(rows) if isinstance(rows, Iterable) else None
    if listed is None or not all(isinstance(row, dict) for row in listed):
        msg = (
            f"demand must be a DataFrame, a CSV path or a list of dicts, got {type(rows).__name__}"
        )
        raise InvalidRequestError(msg)
    return pd.DataFrame(listed)


_VALUE_NEEDED = (
    "the generalised objective needs value_usd_per_teu (goods value, USD per TEU) for the "
    "value of time"
)


def _warn_of_unread_columns(columns: list[str], name: str) -> None:
    """Warn of columns a plan does not read, with a near name it does read if there is one."""
    known = [*REQUIRED_COLUMNS, *VOLUME_COLUMNS, *OPTIONAL_COLUMNS]
    unread = [str(c) for c in columns if c not in known]
    if not unread:
        return
    hints = []
    for column in unread:
        if column.strip().lower() == "month":
            hints.append("plan one month with month= (--month) for the whole table")
        elif close := difflib.get_close_matches(column, known, n=1, cutoff=0.7):
            hints.append(f"did you mean {close[0]!r} for {column!r}?")
    warnings.warn(
        f"{name}, line 1: column(s) {', '.join(unread)} ignored (a plan reads "
        f"{', '.join(known)})" + "".join(f"; {hint}" for hint in hints),
        stacklevel=3,
    )


def _header_hint(columns: list[str], missing: list[str]) -> str:
    """Why a header lacks columns, when it can be told: another separator, a near name."""
    for separator, shown in ((";", "';'"), ("\t", "tabs")):
        if len(columns) == 1 and separator in str(columns[0]):
            return f"; the header is one column: separate the columns with commas, not {shown}"
    close = {
        name: match[0]
        for name in missing
        if (
            match := difflib.get_close_matches(name, columns, n=1)
            or [c for c in columns if c and name.startswith(c)]  # teu for teu_per_day
        )
    }
    if not close:
        return ""
    return "; did you mean " + ", ".join(f"{v!r} for {k!r}" for k, v in close.items()) + "?"


def _given(value: object) -> object:
    """``None`` for a missing cell (empty text or NaN), else the value."""
    return None if blank(value) else value


def _place(network: Network, value: object, file: str, line: int, column: str) -> str:
    try:
        return network.place(str(value)).id
    except UnknownPlaceError as error:
        raise DataError(str(error), file=file, row=line, column=column) from None


def _volume(record: dict, tonnes_per_teu: float, file: str, line: int) -> float:
    """A row's TEU/day: ``teu_per_day``, or ``tonnes_per_day`` at the cargo's payload."""
    teu, tonnes = (_given(record.get(column)) for column in VOLUME_COLUMNS)
    if teu is not None and tonnes is not None:
        msg = "give teu_per_day or tonnes_per_day, not both"
        raise DataError(msg, file=file, row=line, column="tonnes_per_day")
    if teu is not None:
        return _number(teu, file, line, "teu_per_day")
    if tonnes is not None:
        return _number(tonnes, file, line, "tonnes_per_day") / tonnes_per_teu
    column = "teu_per_day" if "teu_per_day" in record else "tonnes_per_day"
    msg = "no volume: give teu_per_day or tonnes_per_day"
    raise DataError(msg, file=file, row=line, column=column)


def _number(value: object, file: str, line: int, column: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"not a number: {value!r}", file=file, row=line, column=column) from None
    if not np.isfinite(number) or number < 0:
        raise DataError(
            f"must be a finite number ≥ 0, got {value!r}", file=file, row=line, column=column
        )
    return number


@dataclass(frozen=True)
class Plan:
    """A solved plan: flows, utilisation, bottlenecks with shadow prices, routes, unserved."""

    year: int
    objective: str
    integer: bool
    objective_usd_per_day: float
    """The plan's cost: the objective summed over OD pairs, with unserved demand at its
    penalty (USD/day)."""
    optimal: bool
    """Whether the solver proved the plan optimal (within its tolerance: see :attr:`gap`)."""
    bound_usd_per_day: float
    """A proven lower bound on the optimum (USD/day): the objective itself when the plan is
    proven optimal, the solver's best bound when a time limit stopped it (``-inf`` when it
    has none)."""
    arcs: pd.DataFrame
    """One row per service-graph arc with flow: kind, ref, mode, places, ``teu_per_day``."""
    capacities: pd.DataFrame
    """One row per capacity: element, capacity, flow, utilisation, ``shadow_price_usd`` (the
    LP dual, USD/day per TEU/day; one of several valid values where the dual is not unique),
    ``marginal_saving_usd`` (USD/day saved by one TEU/day more, re-solved) and
    ``marginal_cost_usd`` (USD/day added by one TEU/day less, re-solved); the last two only for
    saturated capacities of a plan made with ``marginal=True``, NaN otherwise."""
    routes: pd.DataFrame
    """The flow of each OD pair split into routes, with cost, hours and CO2e per TEU."""
    unserved: pd.DataFrame
    """Demand left unserved (TEU/day) per OD pair; empty when all is carried."""
    network: Network = field(repr=False, compare=False)
    method: str = "arcs"
    """How it was solved: ``arcs`` (arc-based LP or MIP) or ``paths`` (column generation)."""
    month: int | None = None
    """The month planned (1–12): its seasonal legs and clearance times; ``None``: all year,
    legs that run in every month only."""

    def __repr__(self) -> str:
        """One line, the totals (the tables: :meth:`to_frames`)."""
        totals = self.totals
        return (
            f"<Plan {self.year} ({self.objective}, {self.method}): "
            f"{totals['teu_per_day']:,.0f} TEU/day carried, "
            f"{totals['unserved_teu_per_day']:,.0f} unserved, "
            f"{totals['cost_usd_per_day']:,.0f} USD/day, {len(self.bottlenecks)} saturated>"
        )

    @property
    def bottlenecks(self) -> pd.DataFrame:
        """Saturated capacities, most valuable first.

        Ranked by ``marginal_saving_usd``, then ``marginal_cost_usd`` (a plan made with
        ``marginal=True``; both compared to the micro-dollar, so that the re-solves' rounding
        does not order equal values), else by shadow price. Shadow prices alone are no stable
        ranking: in a degenerate LP another optimal basis, with the same flows and cost, may
        split a price differently between capacities.
        """
        saturated = self.capacities[self.capacities["utilisation"] >= BINDING]
        if saturated["marginal_saving_usd"].isna().all():
            return saturated.sort_values("shadow_price_usd", ascending=False, kind="stable")
        return saturated.sort_values(
            ["marginal_saving_usd", "marginal_cost_usd", "element", "ref", "direction"],
            ascending=[False, False, True, True, True],
            key=lambda column: column.round(6) if column.dtype.kind == "f" else column,
        )

    @property
    def gap(self) -> float:
        """How far the plan may be above the optimum: (objective − bound) ÷ objective.

        0 for an LP plan solved to optimality by the simplex; at most the column generation's
        tolerance (1e-6) for an optimal path plan and HiGHS's relative MIP gap tolerance for
        an optimal integer plan; larger when a time limit stopped the solve; ``inf`` when the
        solver stopped without a bound.
        """
        if not np.isfinite(self.bound_usd_per_day):
            return float("inf")
        slack = max(self.objective_usd_per_day - self.bound_usd_per_day, 0.0)
        return slack / max(1.0, abs(self.objective_usd_per_day))

    @property
    def mode_split(self) -> pd.Series:
        """TEU-km per day by mode, legs and border crossings."""
        moving = self.arcs[self.arcs["kind"].isin(["leg", "border"])]
        return (moving["teu_per_day"] * moving["km"]).groupby(moving["mode"]).sum()

    @property
    def totals(self) -> dict[str, float]:
        """Daily totals: TEU carried and unserved, USD, TEU-km, kg CO2e."""
        routes = self.routes
        return {
            "teu_per_day": float(routes["teu_per_day"].sum()),
            "unserved_teu_per_day": float(self.unserved["teu_per_day"].sum()),
            "cost_usd_per_day": float((routes["teu_per_day"] * routes["cost_usd_per_teu"]).sum()),
            "teu_km_per_day": float(self.mode_split.sum()),
            "co2e_kg_per_day": float((routes["teu_per_day"] * routes["co2e_kg_per_teu"]).sum()),
        }

    def map(self) -> folium.Map:
        """A folium map of the loaded links (see :func:`corridor.export.plan_map`)."""
        from corridor.export import plan_map

        return plan_map(self)

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """All tables: arcs, capacities, bottlenecks, routes, unserved, mode split."""
        return {
            "arcs": self.arcs,
            "capacities": self.capacities,
            "bottlenecks": self.bottlenecks,
            "routes": self.routes,
            "unserved": self.unserved,
            "mode_split": self.mode_split.rename("teu_km_per_day").reset_index(),
        }

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """Loaded legs and border crossings, one row per link and direction, EPSG:4326.

        Columns: ``ref``, ``kind``, ``mode``, ``direction`` (``from <place>``, as in
        :attr:`capacities`), ``from_place``, ``to_place``, ``km``, ``teu_per_day`` (this
        direction), and the ``capacity_teu_day``, ``utilisation``, ``shadow_price_usd``,
        ``marginal_saving_usd`` and ``marginal_cost_usd`` of this direction of a leg or rail
        crossing, or of a road gate's capacity shared by both directions (NaN where the data
        give no capacity). Each line runs in the direction of travel.
        """
        import geopandas as gpd
        from shapely.geometry import LineString

        moving = self.arcs[self.arcs["kind"].isin(["leg", "border"])]
        ends = [self._ends(row) for row in moving.itertuples()]
        moving = moving.assign(
            **{
                name: pd.Series(values, index=moving.index, dtype=object)
                for name, values in (
                    ("direction", [f"from {a}" for a, _ in ends]),
                    ("from_place", [a for a, _ in ends]),
                    ("to_place", [b for _, b in ends]),
                )
            }
        )
        keys = ["ref", "direction"]
        loads = moving.groupby(keys, as_index=False, sort=False).agg(
            kind=("kind", "first"),
            mode=("mode", "first"),
            from_place=("from_place", "first"),
            to_place=("to_place", "first"),
            km=("km", "first"),
            teu_per_day=("teu_per_day", "sum"),
        )
        limits = self.capacities[self.capacities["element"].isin(["leg", "border"])]
        limits = limits.drop(columns=["element", "flow_teu_day"]).rename(
            columns={"direction": "limit"}
        )
        limit = [  # the direction of the capacity each row uses, as in _capacity_group
            direction if kind == "leg" else _crossing_direction(self.network.crossings[ref], to)
            for kind, ref, direction, to in loads[
                ["kind", "ref", "direction", "to_place"]
            ].itertuples(index=False)
        ]
        loads = loads.assign(limit=pd.Series(limit, index=loads.index, dtype=object)).join(
            limits.set_index(["ref", "limit"]), on=["ref", "limit"]
        )
        loads = loads.drop(columns="limit")
        columns = ["ref", "kind", "mode", "direction", "from_place", "to_place", "km"]
        loads = loads[columns + [c for c in loads.columns if c not in columns]]
        places = self.network.places
        geometry = [
            LineString([(places[a].lon, places[a].lat), (places[b].lon, places[b].lat)])
            for a, b in zip(loads["from_place"], loads["to_place"], strict=True)
        ]
        return gpd.GeoDataFrame(loads, geometry=geometry, crs="EPSG:4326")

    def _ends(self, arc: Any) -> tuple[str, str]:  # noqa: ANN401 - a row of Plan.arcs
        """The places a loaded leg or crossing arc runs between, in its direction of travel.

        A crossing's direction is its gate pair's (a flight's customs arc names the arrival
        airport at both ends), as in the ``direction`` of :attr:`capacities`.
        """
        if arc.kind == "leg":
            return arc.from_place, arc.to_place
        crossing = self.network.crossings[arc.ref]
        if arc.to_place == crossing.cn_place:  # northbound
            return crossing.vn_place, crossing.cn_place
        return crossing.cn_place, crossing.vn_place


def plan(
    demand: pd.DataFrame | Iterable[dict[str, Any]] | str | Path,
    *,
    year: int | None = None,
    network: Network | None = None,
    objective: str = "cost",
    integer: bool = False,
    method: str = "auto",
    time_limit_s: float | None = None,
    marginal: bool = False,
    month: int | None = None,
) -> Plan:
    """Assign a demand table to the network under capacities (exact LP, or whole TEU).

    Parameters
    ----------
    demand
        DataFrame, list of dicts or CSV with ``origin``, ``destination``, ``teu_per_day`` or
        ``tonnes_per_day`` (at the cargo class's payload per TEU) and optionally ``cargo``,
        ``value_usd_per_teu`` and ``deadline_hours`` (planned hours, P50).
    year
        Network year (default: the network's, or 2026).
    network
        A loaded network; default ``load_network(year)``.
    objective
        ``cost`` (USD) or ``generalised`` (USD + value of time × hours; every row then needs
        its ``value_usd_per_teu``, as :func:`corridor.quote` needs ``value_usd``).
    integer
        Whole TEU per arc and day (a MIP with HiGHS on the arc model) instead of the LP; no
        shadow prices.
    method
        ``arcs``: the arc-based LP (one flow variable per arc and origin); ``paths``: the same
        LP over paths, by column generation; ``auto``: ``paths`` when the arc model would
        exceed :data:`PATHS_ABOVE_VARIABLES` variables or a row has a deadline, else
        ``arcs``; always ``arcs`` with ``integer=True``. Both give the LP optimum.
    time_limit_s
        Time limit of the solver (column generation: of all its rounds), s, 0 or more;
        ``None``: no limit.
    marginal
        Re-solve the LP with :data:`MARGINAL_STEP_TEU_DAY` more and less of each saturated
        capacity (warm-started, one after the other) for ``marginal_saving_usd`` and
        ``marginal_cost_usd`` in :attr:`Plan.capacities`: unique values, unlike shadow prices
        in a degenerate LP. Arc model only (``method="paths"`` and ``integer=True`` leave
        them NaN); a few hundredths of a second per saturated capacity on the corridor.
    month
        Plan one month (1–12): legs that run in it, such as the Red River at high water, and
        its border clearance times (the Tet peak in January or February). ``None`` (default):
        the whole year, on legs that run in every month.

    Raises
    ------
    DataError
        For a malformed demand table (row, column, suggestions).
    InvalidRequestError
        For an unknown objective or method, a month outside 1–12, ``method="paths"`` with
        ``integer=True``, a
        negative or non-finite ``time_limit_s``, or deadlines with the arc model (which cannot
        enforce them).
    InfeasibleError
        If the solver stops without a feasible plan (integer model within the time limit).

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
    if network is None:
        network = load_network(year if year is not None else DEFAULT_YEAR)
    elif year is not None and check_year(year) != network.year:
        msg = f"year={year} but the network given is for {network.year}"
        raise InvalidRequestError(msg)
    objective = check_objective(objective, OBJECTIVES)
    if isinstance(method, str) and method.strip().lower() in METHODS:
        method = method.strip().lower()  # in any case, as the objective
    else:
        msg = f"method must be one of {', '.join(METHODS)}, got {method!r}"
        raise InvalidRequestError(msg)
    if method == "paths" and integer:
        msg = "integer plans use the arc model (method='arcs' or 'auto'); paths solve the LP"
        raise InvalidRequestError(msg)
    if month is not None:
        month = whole(month, "month")
        check_month(month)
    if time_limit_s is not None and not 0 <= time_limit_s < math.inf:
        msg = f"time_limit_s must be a finite number of seconds, 0 or more, got {time_limit_s:g}"
        raise InvalidRequestError(msg)
    rows = read_demand(demand, network, needs_value=objective == "generalised")
    deadlines = any(row.deadline_hours is not None for row in rows)
    if deadlines and (integer or method == "arcs"):
        msg = (
            "deadline_hours is enforced by the path model only (the LP, method='paths' or "
            "'auto'); drop the column to plan without deadlines"
        )
        raise InvalidRequestError(msg)
    commodities = _commodities(rows)
    if method == "auto":
        size = sum(
            network.service_graph(cargo, month).number_of_edges() for _, cargo, _ in commodities
        )
        large = size > PATHS_ABOVE_VARIABLES
        method = "paths" if (large or deadlines) and not integer else "arcs"
        logger.debug("method %s (arc model: about %d variables)", method, size)
    if method == "paths":
        result = _PathPlanner(network, objective, commodities, month).solve(time_limit_s)
    else:
        builder = _Builder(network, objective, integer, month)
        for commodity, members in commodities.items():
            builder.add_commodity(commodity, members)
        builder.add_capacities()
        result = builder.solve(time_limit_s, marginal=marginal)
    _warn_of_missing_routes(network, result.unserved, month, rows)
    return result


def _warn_of_missing_routes(
    network: Network, unserved: pd.DataFrame, month: int | None, rows: list[Demand]
) -> None:
    """Warn, with the reason a quote gives, of unserved demand that no route could carry.

    Capacity is not why: the places, or the legs between them, do not take the cargo, or no
    route meets a row's deadline even on an empty network.
    """
    for row in unserved.itertuples():
        cargo = CargoClass(row.cargo)
        arrays = network.service_arrays(cargo, month)
        if arrays.reaches((row.origin, SOURCE), (row.destination, SINK)):
            _warn_of_missed_deadlines(network, (row.origin, row.destination, cargo), month, rows)
            continue
        try:
            quote(row.origin, row.destination, cargo=cargo, network=network, month=month)
        except CorridorError as error:
            reason = str(error)
        else:  # not expected: the quote sees the same service graph
            reason = "no route"
        warnings.warn(
            f"{row.origin} → {row.destination} ({row.cargo}): {row.teu_per_day:,.1f} TEU/day "
            f"unserved whatever the capacities: {reason}",
            stacklevel=3,
        )


def _warn_of_missed_deadlines(
    network: Network, pair: tuple[str, str, CargoClass], month: int | None, rows: list[Demand]
) -> None:
    """Warn of an unserved (origin, destination, cargo)'s rows whose deadline no route meets.

    One fastest route per pair (a shortest path) settles most rows: a deadline it meets left
    the row unserved for capacity. Only a missed one is quoted, for the reason to print.
    """
    timed = [
        (d.deadline_hours, d.teu_per_day)
        for d in rows
        if (d.origin, d.destination, d.cargo) == pair and d.deadline_hours is not None
    ]
    if not timed:
        return
    origin, destination, cargo = pair
    fastest = quote(
        origin, destination, cargo=cargo, objective="time", network=network, month=month
    ).planned_hours
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
            warnings.warn(
                f"{origin} → {destination} ({cargo.value}): "
                f"{teu:,.1f} TEU/day unserved whatever the capacities: {error}",
                stacklevel=4,
            )


def _commodities(rows: Iterable[Demand]) -> dict[tuple[str, CargoClass, float], list[Demand]]:
    grouped: dict[tuple[str, CargoClass, float], list[Demand]] = defaultdict(list)
    for row in rows:
        grouped[(row.origin, row.cargo, row.value_usd_per_teu)].append(row)
    return grouped


@dataclass
class _Commodity:
    key: tuple[str, CargoClass, float]
    members: list[Demand]
    arcs: list[tuple[Vertex, Vertex, dict[str, Any]]]
    flow: list[mathopt.Variable]
    unserved: dict[str, mathopt.Variable]


class _Builder:
    """Builds and solves the multi-commodity flow model."""

    def __init__(self, network: Network, objective: str, integer: bool, month: int | None) -> None:
        self.network = network
        self.month = month
        self.objective = objective
        self.integer = integer
        self.model = mathopt.Model(name="corridor_plan")
        self.terms: list[Any] = []
        self.commodities: list[_Commodity] = []
        self.groups: dict[tuple[str, ...], list[mathopt.Variable]] = defaultdict(list)
        self.capacity: dict[tuple[str, ...], float] = {}
        self.constraints: dict[tuple[str, ...], mathopt.LinearConstraint] = {}

    def add_commodity(self, key: tuple[str, CargoClass, float], members: list[Demand]) -> None:
        origin, cargo, value = key
        arrays = self.network.service_arrays(cargo, self.month)
        sinks = {(m.destination, SINK) for m in members}
        source = (origin, SOURCE)
        unserved = {m.destination: self.model.add_variable(lb=0, ub=m.teu_per_day) for m in members}
        arcs = [
            (t, h, d)
            for t, h, d in arrays.arcs
            if not (t[1] == SOURCE and t != source) and not (h[1] == SINK and h not in sinks)
        ]
        rate = self.network.cargo_profiles[cargo].value_of_time_pct_per_day / 100
        per_hour = value * rate / HOURS_PER_DAY if self.objective == "generalised" else 0.0
        flow = [self.model.add_variable(lb=0, is_integer=self.integer) for _ in arcs]
        balance: dict[Vertex, list[Any]] = defaultdict(list)
        for var, (tail, head, data) in zip(flow, arcs, strict=True):
            balance[tail].append(var)
            balance[head].append(-var)
            self.terms.append((data["cost_usd"] + per_hour * data["hours_p50"]) * var)
            group = _capacity_group(self.network, tail, head, data)
            if group is not None:
                self.groups[group[0]].append(var)
                self.capacity[group[0]] = group[1]
        carried = {m.destination: m.teu_per_day - unserved[m.destination] for m in members}
        for vertex, terms in balance.items():
            if vertex == source:
                supply = mathopt.fast_sum(carried.values())
            elif vertex[1] == SINK:
                supply = -carried[vertex[0]]
            else:
                supply = 0
            self.model.add_linear_constraint(mathopt.fast_sum(terms) == supply)
        for member in members:
            var = unserved[member.destination]
            if (member.destination, SINK) not in balance:  # nothing reaches it: all unserved
                self.model.add_linear_constraint(var == member.teu_per_day)
            self.terms.append(UNSERVED_PENALTY_USD_PER_TEU * var)
        self.commodities.append(_Commodity(key, members, arcs, flow, unserved))

    def add_capacities(self) -> None:
        for group, variables in self.groups.items():
            self.constraints[group] = self.model.add_linear_constraint(
                mathopt.fast_sum(variables) <= self.capacity[group]
            )

    def solve(self, time_limit_s: float | None, *, marginal: bool = False) -> Plan:
        self.model.minimize(mathopt.fast_sum(self.terms))
        params = mathopt.SolveParameters()
        if time_limit_s is not None:
            params.time_limit = timedelta(seconds=time_limit_s)
        if self.integer:
            result = mathopt.solve(self.model, mathopt.SolverType.HIGHS, params=params)
            return self._plan(result, time_limit_s, {})
        solver = mathopt.IncrementalSolver(self.model, mathopt.SolverType.GLOP)
        deadline = None if time_limit_s is None else time.monotonic() + time_limit_s
        try:
            result = solver.solve(params=params)
            values = {}
            if marginal and result.termination.reason is mathopt.TerminationReason.OPTIMAL:
                values = self._marginal_values(solver, result, params, deadline)
        finally:
            solver.close()
        return self._plan(result, time_limit_s, values)

    def _marginal_values(
        self,
        solver: mathopt.IncrementalSolver,
        result: mathopt.SolveResult,
        params: mathopt.SolveParameters,
        deadline: float | None,
    ) -> dict[tuple[str, ...], tuple[float, float]]:
        """(USD/day saved by one TEU/day more, USD/day added by one less) per saturated group.

        Each is the LP re-solved from the last basis with that capacity changed, then set back.
        The re-solves share what is left of the time limit (``deadline``, a
        :func:`time.monotonic` time) after the plan's own solve; capacities not reached in
        time keep NaN, with a warning.
        """
        base = result.objective_value()
        values = result.variable_values()
        # only the objective is read: no values, duals or reduced costs to copy back
        nothing = mathopt.SparseVectorFilter(filtered_items=frozenset())
        objective_only = mathopt.ModelSolveParameters(
            variable_values_filter=nothing,
            dual_values_filter=nothing,
            reduced_costs_filter=nothing,
        )
        again_params = dataclasses.replace(params, presolve=mathopt.Emphasis.OFF)  # warm start
        out = {}
        late = 0
        for group, constraint in self.constraints.items():
            capacity = self.capacity[group]
            if sum(values[v] for v in self.groups[group]) < BINDING * capacity:
                continue
            left_s = None if deadline is None else deadline - time.monotonic()
            if left_s is not None and left_s <= 0:
                late += 1
                continue
            again_params.time_limit = None if left_s is None else timedelta(seconds=left_s)
            changed, stopped = [], False
            for bound in (
                capacity + MARGINAL_STEP_TEU_DAY,
                max(capacity - MARGINAL_STEP_TEU_DAY, 0),
            ):
                step = bound - capacity  # > 0 more, < 0 less: the value moves the other way
                constraint.upper_bound = bound
                again = solver.solve(params=again_params, model_params=objective_only)
                optimal = again.termination.reason is mathopt.TerminationReason.OPTIMAL
                stopped |= again.termination.limit is mathopt.Limit.TIME
                changed.append(
                    (base - again.objective_value()) / step if optimal and step else np.nan
                )
            constraint.upper_bound = capacity
            out[group] = (_clean(changed[0]), _clean(changed[1]))
            late += stopped
        if late:
            warnings.warn(
                f"time limit reached: no ±1 TEU/day value for {late} saturated "
                f"capacit{'ies' if late > 1 else 'y'} (NaN in marginal_saving_usd and "
                "marginal_cost_usd)",
                stacklevel=4,
            )
        return out

    def _plan(
        self,
        result: mathopt.SolveResult,
        time_limit_s: float | None,
        marginal: dict[tuple[str, ...], tuple[float, float]],
    ) -> Plan:
        reason = result.termination.reason
        if not result.has_primal_feasible_solution():
            # unserved demand is a variable, so a plan always exists: the solver stopped early
            bound = result.termination.objective_bounds.dual_bound
            known = f", best bound {bound:,.2f} USD/day" if np.isfinite(bound) else ""
            within = "" if time_limit_s is None else f" within {time_limit_s:g} s"
            msg = f"no plan found{within}: {reason.name.lower().replace('_', ' ')}{known}"
            if self.integer:
                msg += "; allow more time or plan the LP (integer=False)"
            raise InfeasibleError(msg)
        if reason is not mathopt.TerminationReason.OPTIMAL:
            bound = result.termination.objective_bounds.dual_bound
            warnings.warn(
                f"plan not proven optimal ({reason.name.lower()}): best "
                f"{result.objective_value():,.2f} USD/day, bound {bound:,.2f}",
                stacklevel=3,
            )
        values = result.variable_values()
        duals = result.dual_values() if not self.integer else {}
        return Plan(
            year=self.network.year,
            objective=self.objective,
            integer=self.integer,
            objective_usd_per_day=result.objective_value(),
            optimal=reason is mathopt.TerminationReason.OPTIMAL,
            bound_usd_per_day=(
                result.objective_value()
                if reason is mathopt.TerminationReason.OPTIMAL and not self.integer
                else result.termination.objective_bounds.dual_bound
            ),
            arcs=self._arc_table(values),
            capacities=self._capacity_table(values, duals, marginal),
            routes=self._route_table(values),
            unserved=self._unserved_table(values),
            network=self.network,
            month=self.month,
        )

    # --- result tables ------------------------------------------------------------------

    def _arc_table(self, values: dict[mathopt.Variable, float]) -> pd.DataFrame:
        load: dict[tuple[Vertex, Vertex, str], dict[str, Any]] = {}
        for commodity in self.commodities:
            for var, (tail, head, data) in zip(commodity.flow, commodity.arcs, strict=True):
                teu = values[var]
                if teu <= 1e-9:
                    continue
                key = (tail, head, data["ref"])
                row = load.setdefault(key, _arc_record(tail, head, data))
                row["teu_per_day"] += teu
        return pd.DataFrame(list(load.values()), columns=ARC_COLUMNS)

    def _capacity_table(
        self,
        values: dict[mathopt.Variable, float],
        duals: dict[mathopt.LinearConstraint, float],
        marginal: dict[tuple[str, ...], tuple[float, float]],
    ) -> pd.DataFrame:
        rows = []
        for group, constraint in self.constraints.items():
            flow = sum(values[v] for v in self.groups[group])
            capacity = self.capacity[group]
            saving, cost = marginal.get(group, (np.nan, np.nan))
            rows.append(
                {
                    "element": group[0],
                    "ref": group[1],
                    "direction": group[2],
                    "capacity_teu_day": capacity,
                    "flow_teu_day": flow,
                    "utilisation": flow / capacity if capacity else np.inf,
                    "shadow_price_usd": _clean(-duals[constraint])
                    if constraint in duals
                    else np.nan,
                    "marginal_saving_usd": saving,
                    "marginal_cost_usd": cost,
                }
            )
        return pd.DataFrame(rows, columns=CAPACITY_COLUMNS)

    def _route_table(self, values: dict[mathopt.Variable, float]) -> pd.DataFrame:
        rows = []
        for commodity in self.commodities:
            origin = commodity.key[0]
            flows = {i: values[var] for i, var in enumerate(commodity.flow) if values[var] > 1e-9}
            for destination, teu, arcs in _decompose(commodity.arcs, flows, (origin, SOURCE)):
                data = [commodity.arcs[i][2] for i in arcs]
                rows.append(_route_record(commodity.key, destination, teu, data))
        return pd.DataFrame(rows, columns=ROUTE_COLUMNS)

    def _unserved_table(self, values: dict[mathopt.Variable, float]) -> pd.DataFrame:
        rows = [
            {
                "origin": c.key[0],
                "destination": d,
                "cargo": c.key[1].value,
                "teu_per_day": values[var],
            }
            for c in self.commodities
            for d, var in c.unserved.items()
            if values[var] > 1e-9
        ]
        return pd.DataFrame(rows, columns=UNSERVED_COLUMNS)


class _PathPlanner:
    """The same LP over paths: builds the column-generation input, reads its answer as a Plan.

    One :class:`corridor.colgen.Commodity` per demand row (OD pair, cargo, value, deadline)
    on its cargo's service graph. The arcs a row may use are those of the arc model: a
    path from the origin's source vertex to the destination's sink vertex cannot pass through
    another place's source (no arc enters one) or sink (no arc leaves one).
    """

    def __init__(
        self,
        network: Network,
        objective: str,
        commodities: dict[tuple[str, CargoClass, float], list[Demand]],
        month: int | None,
    ) -> None:
        self.network = network
        self.month = month
        self.objective = objective
        self.group_index: dict[tuple[str, ...], int] = {}
        self.capacity: list[float] = []
        self.arrays: list[Any] = []
        self.graphs: list[GraphArrays] = []
        self.rows: list[tuple[tuple[str, CargoClass, float], Demand]] = []
        self.commodities: list[colgen.Commodity] = []
        self.unroutable: list[tuple[tuple[str, CargoClass, float], Demand]] = []
        graph_of: dict[CargoClass, int] = {}
        for key, members in commodities.items():
            origin, cargo, value = key
            if cargo not in graph_of:
                graph_of[cargo] = self._add_graph(cargo, commodities)
            g = graph_of[cargo]
            index = self.arrays[g].index
            rate = network.cargo_profiles[cargo].value_of_time_pct_per_day / 100
            per_hour = value * rate / HOURS_PER_DAY if objective == "generalised" else 0.0
            for member in members:
                source = index.get((origin, SOURCE))
                sink = index.get((member.destination, SINK))
                if source is None or sink is None:  # the cargo cannot start or end there
                    self.unroutable.append((key, member))
                    continue
                self.rows.append((key, member))
                self.commodities.append(
                    colgen.Commodity(
                        graph=g,
                        source=source,
                        sink=sink,
                        teu_per_day=member.teu_per_day,
                        usd_per_hour=per_hour,
                        deadline_hours=member.deadline_hours,
                    )
                )

    def _add_graph(
        self, cargo: CargoClass, commodities: dict[tuple[str, CargoClass, float], list[Demand]]
    ) -> int:
        """Arrays of ``cargo``'s service graph; capacity groups of the arcs the model uses."""
        origins = {o for o, c, _ in commodities if c == cargo}
        destinations = {
            m.destination
            for (_, c, _), members in commodities.items()
            if c == cargo
            for m in members
        }
        arrays = self.network.service_arrays(cargo, self.month)
        group = np.full(len(arrays.arcs), -1, dtype=np.int64)
        for i, (tail, head, data) in enumerate(arrays.arcs):
            if (tail[1] == SOURCE and tail[0] not in origins) or (
                head[1] == SINK and head[0] not in destinations
            ):
                continue
            found = _capacity_group(self.network, tail, head, data)
            if found is None:
                continue
            key, capacity = found
            if key not in self.group_index:
                self.group_index[key] = len(self.capacity)
                self.capacity.append(capacity)
            group[i] = self.group_index[key]
        self.arrays.append(arrays)
        self.graphs.append(
            GraphArrays(
                arrays.n,
                arrays.tails,
                arrays.heads,
                {
                    "cost_usd": arrays.columns["cost_usd"],
                    "hours_p50": arrays.columns["hours_p50"],
                    "group": group,
                },
            )
        )
        return len(self.graphs) - 1

    def solve(self, time_limit_s: float | None) -> Plan:
        """Column generation, then the tables of :class:`Plan`."""
        solution = colgen.solve(
            self.graphs,
            self.commodities,
            np.asarray(self.capacity, dtype=float),
            penalty=UNSERVED_PENALTY_USD_PER_TEU,
            time_limit_s=time_limit_s,
        )
        lost = UNSERVED_PENALTY_USD_PER_TEU * sum(m.teu_per_day for _, m in self.unroutable)
        objective = solution.objective + lost
        if not solution.optimal:
            warnings.warn(
                f"plan not proven optimal ({solution.stopped}): best {objective:,.2f} USD/day, "
                f"bound {solution.bound + lost:,.2f}",
                stacklevel=3,
            )
        flows = [np.zeros(len(graph.tails)) for graph in self.graphs]
        for column in solution.columns:
            g = self.commodities[column.commodity].graph
            np.add.at(flows[g], column.arcs, column.flow)
        return Plan(
            year=self.network.year,
            objective=self.objective,
            integer=False,
            objective_usd_per_day=objective,
            optimal=solution.optimal,
            bound_usd_per_day=solution.bound + lost,
            arcs=self._arc_table(flows),
            capacities=self._capacity_table(flows, solution.duals),
            routes=self._route_table(solution.columns),
            unserved=self._unserved_table(solution.unserved),
            network=self.network,
            method="paths",
            month=self.month,
        )

    def _arc_table(self, flows: list[np.ndarray]) -> pd.DataFrame:
        load: dict[tuple[Vertex, Vertex, str], dict[str, Any]] = {}
        for arrays, flow in zip(self.arrays, flows, strict=True):
            for i in np.flatnonzero(flow > 1e-9).tolist():
                tail, head, data = arrays.arcs[i]
                row = load.setdefault((tail, head, data["ref"]), _arc_record(tail, head, data))
                row["teu_per_day"] += float(flow[i])
        return pd.DataFrame(list(load.values()), columns=ARC_COLUMNS)

    def _capacity_table(self, flows: list[np.ndarray], duals: np.ndarray) -> pd.DataFrame:
        load = np.zeros(len(self.capacity))
        for graph, flow in zip(self.graphs, flows, strict=True):
            group = graph.column("group")
            used = group >= 0
            load += np.bincount(group[used], weights=flow[used], minlength=len(load))
        rows = [
            {
                "element": key[0],
                "ref": key[1],
                "direction": key[2],
                "capacity_teu_day": self.capacity[g],
                "flow_teu_day": float(load[g]),
                "utilisation": load[g] / self.capacity[g] if self.capacity[g] else np.inf,
                "shadow_price_usd": _clean(-float(duals[g])),
                "marginal_saving_usd": np.nan,
                "marginal_cost_usd": np.nan,
            }
            for key, g in self.group_index.items()
        ]
        return pd.DataFrame(rows, columns=CAPACITY_COLUMNS)

    def _route_table(self, columns: list[colgen.Column]) -> pd.DataFrame:
        rows = []
        for column in sorted(columns, key=lambda c: (c.commodity, -c.flow)):
            key, member = self.rows[column.commodity]
            arcs = self.arrays[self.commodities[column.commodity].graph].arcs
            data = [arcs[i][2] for i in column.arcs.tolist()]
            rows.append(_route_record(key, member.destination, column.flow, data))
        return pd.DataFrame(rows, columns=ROUTE_COLUMNS)

    def _unserved_table(self, unserved: np.ndarray) -> pd.DataFrame:
        lost = [(row, float(teu)) for row, teu in zip(self.rows, unserved, strict=True)]
        lost += [(row, row[1].teu_per_day) for row in self.unroutable]
        return pd.DataFrame(
            [
                {
                    "origin": key[0],
                    "destination": member.destination,
                    "cargo": key[1].value,
                    "teu_per_day": teu,
                }
                for (key, member), teu in lost
                if teu > 1e-9
            ],
            columns=UNSERVED_COLUMNS,
        )


ARC_COLUMNS = [
    "kind",
    "ref",
    "mode",
    "from_place",
    "to_place",
    "from_mode",
    "to_mode",
    "km",
    "teu_per_day",
]
ROUTE_COLUMNS = [
    "origin",
    "destination",
    "cargo",
    "value_usd_per_teu",
    "teu_per_day",
    "modes",
    "gates",
    "cost_usd_per_teu",
    "planned_hours",
    "co2e_kg_per_teu",
]
UNSERVED_COLUMNS = ["origin", "destination", "cargo", "teu_per_day"]
CAPACITY_COLUMNS = [
    "element",
    "ref",
    "direction",
    "capacity_teu_day",
    "flow_teu_day",
    "utilisation",
    "shadow_price_usd",
    "marginal_saving_usd",
    "marginal_cost_usd",
]
PRICE_TOLERANCE_USD = 1e-6
"""Shadow prices and marginal values closer to 0 than this (USD/day per TEU/day) are 0: solver
noise, and never a negative zero."""


def _clean(usd: float) -> float:
    """A price with solver noise and the sign of zero removed (``-0.0`` prints as ``-0.0``)."""
    return 0.0 if abs(usd) < PRICE_TOLERANCE_USD else usd


def _arc_record(tail: Vertex, head: Vertex, data: dict[str, Any]) -> dict[str, Any]:
    """A row of :attr:`Plan.arcs` with no flow yet."""
    return {
        "kind": data["kind"],
        "ref": data["ref"],
        "mode": data.get("mode"),
        "from_place": data["from_place"],
        "to_place": data["to_place"],
        "from_mode": tail[1],
        "to_mode": head[1],
        "km": data["km"],
        "teu_per_day": 0.0,
    }


def _route_record(
    key: tuple[str, CargoClass, float], destination: str, teu: float, data: list[dict[str, Any]]
) -> dict[str, Any]:
    """A row of :attr:`Plan.routes`: one path's TEU/day and its USD, hours, CO2e per TEU."""
    origin, cargo, value = key
    moving = [d for d in data if d["kind"] in {"leg", "border"}]
    modes = [d["mode"] for d in moving]
    return {
        "origin": origin,
        "destination": destination,
        "cargo": cargo.value,
        "value_usd_per_teu": value,
        "teu_per_day": teu,
        "modes": " → ".join(m for i, m in enumerate(modes) if i == 0 or modes[i - 1] != m),
        "gates": "; ".join(d["ref"] for d in moving if d["kind"] == "border"),
        "cost_usd_per_teu": sum(d["cost_usd"] for d in data),
        "planned_hours": sum(d["hours_p50"] for d in data),
        "co2e_kg_per_teu": sum(d["co2e_kg"] for d in data),
    }


def _crossing_direction(crossing: BorderCrossing, to_place: str) -> str:
    """The ``direction`` of a crossing's capacity (``to_place``: where the arc goes).

    A road gate's lanes and inspection are shared by both directions (the sources count its
    trucks a day in total); a rail or air crossing's capacity, like a leg's, is per
    direction (trains a day each way).
    """
    if crossing.mode is Mode.ROAD:
        return BOTH_DIRECTIONS
    northbound = to_place == crossing.cn_place
    return f"from {crossing.vn_place if northbound else crossing.cn_place}"


def _capacity_group(
    network: Network, tail: Vertex, head: Vertex, data: dict[str, Any]
) -> tuple[tuple[str, ...], float] | None:
    """The capacity an arc uses: (group key, TEU/day), or None if unlimited."""
    kind = data["kind"]
    if kind == "leg":
        capacity = network.legs[data["ref"]].capacity_teu_day
        key: tuple[str, ...] = ("leg", data["ref"], f"from {data['from_place']}")
    elif kind == "border":
        crossing = network.crossings[data["ref"]]
        capacity = crossing.capacity_teu_day
        key = ("border", data["ref"], _crossing_direction(crossing, data["to_place"]))
    else:
        modes = {m for m in (tail[1], head[1]) if m not in (SOURCE, SINK)}
        if kind != "transfer":
            modes.add(Mode.ROAD.value)
        if len(modes) < 2:
            return None
        a, b = sorted(modes)
        place = data["from_place"]  # the tail may be aboard a train there
        transfer = network.transfer_between(place, Mode(a), Mode(b))
        capacity = transfer.capacity_teu_day if transfer else None
        key = ("transfer", place, f"{a}↔{b}")
    return None if capacity is None else (key, capacity)


def _decompose(
    arcs: list[tuple[Vertex, Vertex, dict[str, Any]]], flows: dict[int, float], source: Vertex
) -> list[tuple[str, float, list[int]]]:
    """Split one commodity's arc flows into source → sink paths: (destination, TEU/day, arcs)."""
    remaining = dict(flows)
    out: dict[Vertex, list[int]] = defaultdict(list)
    for i in remaining:
        out[arcs[i][0]].append(i)
    tolerance = 1e-9 * max([1.0, *remaining.values()])  # the solver's error grows with the flows
    paths = []
    while True:
        live = [i for i in out[source] if remaining[i] > tolerance]
        if not live:
            return paths
        path: list[int] = []
        vertex, seen = source, {source: 0}
        while vertex[1] != SINK:
            ahead = [i for i in out[vertex] if remaining[i] > tolerance]
            if not ahead:  # what is left is the solver's rounding, not flow
                return paths
            step = max(ahead, key=remaining.get)
            path.append(step)
            vertex = arcs[step][1]
            if vertex in seen:  # a cycle of flow (zero cost): cancel it and go on
                cycle = path[seen[vertex] :]
                amount = min(remaining[i] for i in cycle)
                for i in cycle:
                    remaining[i] -= amount
                del path[seen[vertex] :]
                seen = {source: 0} | {arcs[i][1]: k + 1 for k, i in enumerate(path)}
            seen[vertex] = len(path)
        amount = min(remaining[i] for i in path)
        for i in path:
            remaining[i] -= amount
        paths.append((vertex[0], amount, path))
