"""Exception hierarchy: every error the library raises derives from :class:`CorridorError`.

Subclasses also inherit the builtin they refine (as in r5py), so ``except ValueError`` or
``except KeyError`` keeps working for callers who do not know this library.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Sequence


def shown(value: object) -> str:
    """A value for a message: ``1e+308``, ``100,000``, other values by repr; cut to 60 chars."""
    if isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**15:
        text = f"{value:,}"
    else:
        text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


class CorridorError(Exception):
    """Base class of every error raised by corridor."""


class DataError(CorridorError, ValueError):
    """A data file or table is malformed.

    ``.problems`` lists every problem the error reports: itself, or each row's error when
    it reports several rows of a table (a demand table's rows are all checked).

    Parameters
    ----------
    message
        What is wrong.
    file
        The file (or table name) the problem was found in.
    row
        The line number in the file (1 is the header line), if the problem is in one row.
    column
        The column, if the problem is in one cell.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.detail = message
        self.problems: list[DataError] = [self]
        where = location(file, row, column)
        super().__init__(f"{where}: {message}" if where else message)

    def within(self, context: str) -> DataError:
        """The same error (file, row, column, ``.problems``), its text after ``context``."""
        error = copy.copy(self)
        error.args = (f"{context}: {self}",)
        return error


def location(file: str | None, row: int | None = None, column: str | None = None) -> str:
    """``file, line 3, column 'km'``, leaving out the parts that are None (``""`` if all are).

    Examples
    --------
    >>> location("legs.csv", 3, "km"), location(None, 9), location("tariffs.csv")
    ("legs.csv, line 3, column 'km'", 'line 9', 'tariffs.csv')
    """
    parts = (
        file,
        f"line {row}" if row is not None else None,
        f"column '{column}'" if column else None,
    )
    return ", ".join(part for part in parts if part)


class UnknownPlaceError(DataError, KeyError):
    """A place name or id that matches no place; carries ``.suggestions`` (place ids)."""

    def __init__(self, query: str, suggestions: Sequence[tuple[str, str]] = ()) -> None:
        self.query = query
        self.suggestions = [place_id for place_id, _ in suggestions]
        message = f"no place {shown(query)}"
        if suggestions:
            options = ", ".join(f"{name!r} ({place_id})" for place_id, name in suggestions)
            message += f"; did you mean {options}?"
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.detail


class PlaceNotOpenError(UnknownPlaceError):
    """A place in the data that is not in service in the network's year (it opens later).

    An :class:`UnknownPlaceError`, so ``except UnknownPlaceError`` still catches it; carries
    ``.place_id``, ``.opens`` (its opening year, if known) and ``.year`` (the network's).
    """

    def __init__(
        self,
        query: str,
        place_id: str,
        name: str,
        *,
        opens: int | None,
        year: int,
        removed: bool = False,
    ) -> None:
        super().__init__(query, [(place_id, name)])
        self.place_id = place_id
        self.opens = opens
        self.year = year
        if removed:
            self.detail = f"{name} ({place_id}) is removed by a scenario"
        elif opens is not None and opens > year:
            self.detail = f"{name} ({place_id}) opens in {opens}; use year {opens} or later"
        else:
            self.detail = f"{name} ({place_id}) is not in service in {year}"
        self.args = (self.detail,)


class InvalidRequestError(CorridorError, ValueError):
    """A request that cannot be right whatever the network: zero TEU, contradictory options."""


class ScenarioError(CorridorError, ValueError):
    """A scenario file or patch is invalid."""


class InfeasibleError(CorridorError):
    """A request has no solution; ``.reason`` says which constraint binds."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class NoRouteError(InfeasibleError):
    """No route connects the origin and destination under the given options."""


class DeadlineError(NoRouteError):
    """The deadline cannot be met; ``.fastest`` is the fastest route meeting everything else."""

    def __init__(self, reason: str, fastest: object) -> None:
        super().__init__(reason)
        self.fastest = fastest


class SolverError(CorridorError, RuntimeError):
    """The optimiser stopped without an answer: a time limit, or the solver failed.

    ``.solver`` names the solver, ``.status`` its status, and ``.time_limit`` says whether
    the time limit stopped it (then more time may give the answer). Infeasibility is never a
    SolverError: that is :class:`InfeasibleError`.
    """

    def __init__(
        self, message: str, *, solver: str = "", status: str = "", time_limit: bool = False
    ) -> None:
        super().__init__(message)
        self.solver = solver
        self.status = status
        self.time_limit = time_limit


class RequestWarning(UserWarning):
    """A request option that has no effect (a goods value without the generalised objective)."""


def caller_stacklevel() -> int:
    """The ``stacklevel`` of a warning that points at the first caller outside corridor.

    A frame belongs to corridor when its module does (a dataclass's generated ``__init__``
    runs in its class's module too).
    """
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and _in_corridor(frame.f_globals.get("__name__", "")):
        frame = frame.f_back
        level += 1
    return level


def _in_corridor(module: str) -> bool:
    return module == "corridor" or module.startswith("corridor.")
