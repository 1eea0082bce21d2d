"""Demand tables: read, validate and grow the daily flows a plan assigns.

A table (DataFrame, list of dicts or CSV) has ``origin``, ``destination``, ``teu_per_day`` or
``tonnes_per_day`` and optionally ``cargo``, ``value_usd_per_teu`` and ``deadline`` (hours
or text such as ``3d``, as a quote's deadline; ``deadline_hours``, hours, is the same column
under its earlier name).
Every problem names its line and column; all rows are checked before anything is planned.
"""

from __future__ import annotations

import difflib
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from corridor import units
from corridor.errors import DataError, InvalidRequestError, UnknownPlaceError, location, shown
from corridor.model import CargoClass, blank
from corridor.network import Network
from corridor.options import hours
from corridor.tables import LINE, check_columns, column_key, read_csv_table

REQUIRED_COLUMNS = ("origin", "destination")
VOLUME_COLUMNS = ("teu_per_day", "tonnes_per_day")
"""A demand table has one or both; each row gives one of them."""
OPTIONAL_COLUMNS = ("cargo", "value_usd_per_teu", "deadline", "deadline_hours", "source")
COLUMN_RANGES = {
    "teu_per_day": units.TEU_PER_DAY,
    "tonnes_per_day": units.TONNES_PER_DAY,
    "value_usd_per_teu": units.USD_PER_TEU,
    "deadline_hours": units.HOURS,
}
"""The accepted numbers of each number column (see :mod:`corridor.units`)."""


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
    check_columns(demand.columns, name)
    demand = demand.rename(columns=column_key)
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
    records = cast(list[dict[str, Any]], demand.to_dict("records"))
    for line, record in zip(lines, records, strict=True):
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
    deadline = _deadline(record, name, line)
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


def _deadline(record: dict[str, Any], file: str, line: int) -> float | None:
    """A row's deadline, hours, or None: from ``deadline`` or ``deadline_hours``, not both.

    ``deadline`` is read as a quote's (hours, or text such as 72h or 3d).
    """
    given = {
        c: v for c in ("deadline", "deadline_hours") if (v := _given(record.get(c))) is not None
    }
    if len(given) == 2:
        msg = "give deadline or deadline_hours (the same, in hours), not both"
        raise DataError(msg, file=file, row=line, column="deadline_hours")
    if "deadline_hours" in given:
        return _number(given["deadline_hours"], file, line, "deadline_hours")
    if "deadline" not in given:
        return None
    try:
        return hours(given["deadline"], "deadline")  # as a quote reads its deadline
    except InvalidRequestError as error:
        raise DataError(str(error), file=file, row=line, column="deadline") from None


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
    for separator, written in ((";", "';'"), ("\t", "tabs")):
        if len(columns) == 1 and separator in str(columns[0]):
            return f"; the header is one column: separate the columns with commas, not {written}"
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


def _volume(record: dict[str, Any], tonnes_per_teu: float, file: str, line: int) -> float:
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
    """A cell as a number in its column's range (:data:`COLUMN_RANGES`)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:  # an int beyond any float: out of range below
        number = math.inf
    except (TypeError, ValueError):
        msg = f"not a number: {shown(value)}"
        raise DataError(msg, file=file, row=line, column=column) from None
    within = COLUMN_RANGES[column]
    if not within.contains(number):
        finite = "" if np.isfinite(number) else "a finite number "
        msg = f"must be {finite}{within.describe()}, got {shown(value)}"
        raise DataError(msg, file=file, row=line, column=column)
    return number


def grown_demand(demand: pd.DataFrame | str | Path, growth: float) -> pd.DataFrame:
    """The demand table with its volumes × ``growth``; cells that are no number are kept."""
    units.GROWTH.check(growth, "growth")
    table = read_csv_table(demand) if isinstance(demand, (str, Path)) else demand.copy()
    for column in VOLUME_COLUMNS:
        if growth != 1 and column in table.columns:
            volume = pd.to_numeric(table[column], errors="coerce")
            table[column] = (volume * growth).astype(object).where(volume.notna(), table[column])
    return table
