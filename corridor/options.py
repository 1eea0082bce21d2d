"""Declared options: a request field with its help, unit, check, table cell and CLI flag.

A request class (:class:`~corridor.routing.request.QuoteRequest`,
:class:`~corridor.planning.request.PlanRequest`) is a frozen dataclass whose fields are made
by :func:`option`. Each carries an :class:`Option`; the request checks every field when it is
made (:func:`check_fields`), and the command line (:mod:`corridor.cli.options`), table
readers (:func:`table_cell`) and JSON schemas (:mod:`corridor.schema`) read the same
declarations. The checks here coerce one value or raise
:class:`~corridor.errors.InvalidRequestError` naming the field.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, TypeVar

from corridor import units
from corridor.errors import InvalidRequestError, shown
from corridor.model import check_month

_E = TypeVar("_E", bound=Enum)

Check = Callable[[Any, str], Any]


def whole(value: object, name: str, least: int | None = None, most: int | None = None) -> int:
    """``value`` as an int from ``least`` to ``most`` (a whole float such as 3.0 from a CSV too).

    Raises
    ------
    InvalidRequestError
        For a fraction, a non-number (text, a bool) or a number outside the bounds.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        if isinstance(value, bool):
            raise TypeError  # an int to Python, but month=True is a mistake
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        msg = f"{name} must be a whole number, got {shown(value)}"
        raise InvalidRequestError(msg) from None
    if least is not None and number < least:
        msg = f"{name} must be {least} or more, got {number}"
        raise InvalidRequestError(msg)
    if most is not None and number > most:
        msg = f"{name} must be at most {most:,}, got {shown(value)}"
        raise InvalidRequestError(msg)
    return number


def number(value: object, name: str) -> float:
    """``value`` checked to be a finite number: an int or a float as given, a numpy number.

    Raises
    ------
    InvalidRequestError
        Naming ``name``, for text (``teu="x"``), None, a bool, NaN or infinity.
    """
    as_float = units.real(value, name)
    if not math.isfinite(as_float):
        msg = f"{name} must be a finite number, got {shown(value)}"
        raise InvalidRequestError(msg)
    return value if isinstance(value, int | float) else as_float  # messages show 2, not 2.0


def optional(check: Check) -> Check:
    """``check`` for a value that may be None (left as None)."""

    def optional(value: object, name: str) -> object:
        return None if value is None else check(value, name)

    setattr(optional, "within", check)  # noqa: B010 - read by Option.range
    return optional


def whole_in(least: int | None, most: int | None = None) -> Check:
    """A whole-number check with bounds (None: no bound)."""
    return lambda value, name: whole(value, name, least, most)


def hours(value: object, name: str) -> float:
    """Hours, or text such as ``"72h"`` or ``"3d"`` (:func:`parse_hours`), in :data:`HOURS`."""
    given = parse_hours(value, name) if isinstance(value, str) else value
    return float(units.HOURS.check(given, name))


def seconds(value: object, name: str) -> float:
    """A time limit, s, in :data:`corridor.units.SECONDS`."""
    return float(units.SECONDS.check(value, name))


def yes_no(value: object, name: str) -> bool:
    """A yes/no option: a bool (or 0/1, or text true/false/yes/no from a table)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _YES_NO:
        return _YES_NO[value.strip().lower()]
    msg = f"{name} must be true or false, got {value!r}"
    raise InvalidRequestError(msg)


_YES_NO = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def month_number(value: object, name: str) -> int:
    """A month of the year, 1-12."""
    month = whole(value, name)
    check_month(month)
    return month


def choice(enum: type[_E]) -> Check:
    """A check that reads a member of ``enum`` by value (in any case)."""

    def choose(value: object, name: str) -> _E:
        try:
            return enum(value)
        except ValueError:
            options = ", ".join(member.value for member in enum)
            msg = f"unknown {name} {value!r}; choose one of {options}"
            raise InvalidRequestError(msg) from None

    return choose


def parse_hours(text: str, what: str = "duration") -> float:
    """``"72h"``, ``"3d"``, ``"90m"`` or ``"72"`` → hours (positive).

    ``what`` names the value in the error message.

    >>> parse_hours("3d"), parse_hours("72h"), parse_hours("36")
    (72.0, 72.0, 36.0)
    """
    match = re.fullmatch(r"\s*([-+]?)\s*(\d+(?:\.\d+)?)\s*([hdm]?)\s*", text.lower())
    if not match:
        msg = f"cannot read {text!r} as a {what}; use e.g. 72h, 3d or 36"
        raise InvalidRequestError(msg)
    value, unit = float(match[2]), match[3] or "h"
    if match[1] == "-" or value == 0:
        msg = f"{what} must be a positive duration, got {text!r}; use e.g. 72h, 3d or 36"
        raise InvalidRequestError(msg)
    return value * {"h": 1.0, "d": 24.0, "m": 1 / 60}[unit]


@dataclass(frozen=True)
class Option:
    """How one request field is read, checked and shown.

    ``cell`` says how a table cell (``quote_many``, a CSV of shipments) is read: ``number``
    (text that is a plain decimal number becomes that number), ``list`` (names separated by
    ``|``), ``text`` (as written) or ``None`` (not a column). ``flag`` is the command-line
    flag (default ``--`` and the name with dashes; ``None``: none), ``cli_type`` the type the
    command line reads when it is not the field's own, ``json_type`` the type the JSON
    schema gives when it is not the field's own.
    """

    help: str
    check: Check
    cell: Literal["number", "list", "text"] | None = "text"
    flag: str | None = ""
    cli_type: object = None
    json_type: object = None

    @property
    def range(self) -> units.Range | None:
        """The :class:`~corridor.units.Range` the check holds a number to, if any."""
        check = getattr(self.check, "within", self.check)
        return check if isinstance(check, units.Range) else None

    @property
    def described(self) -> str:
        """The help with the accepted range, as the command line shows it."""
        return self.help if self.range is None else f"{self.help} Range: {self.range.describe()}."


REQUIRED = dataclasses.MISSING
"""The ``default`` of an :func:`option` that has none."""


def option(default: object, help: str, check: Check, **how: Any) -> Any:  # noqa: A002, ANN401
    """A request field with its :class:`Option` (``how``: the other Option fields)."""
    meta = {"option": Option(help, check, **how)}
    return field(default=default, metadata=meta)


@functools.cache
def options_of(request: type) -> dict[str, Option]:
    """The :class:`Option` of each field of a request class, in declaration order."""
    return {f.name: f.metadata["option"] for f in dataclasses.fields(request)}


def flag_of(name: str, declared: Option) -> str | None:
    """The command-line flag of an option (None: not on the command line)."""
    if declared.flag is None:
        return None
    return declared.flag or f"--{name.replace('_', '-')}"


def table_cell(request: type, name: str, value: object) -> object:
    """A table cell as a field of ``request`` takes it: "2" in a number column is 2.

    Text that is a plain decimal number ("2", "40.5", "1e3") in a number column becomes that
    number; other text ("two", "nan", "inf") stays text, for the field's check to reject. A
    ``deadline`` stays text too (it reads "72h", "3d" and "72"). A list cell (``via``,
    ``avoid``, ``modes``) lists its names separated by ``|`` (``road|rail_1000``), as the data
    files do. pandas reads a whole CSV column as text when one of its cells is not a number;
    the other rows are then still read and only that row fails, naming the column.
    """
    declared = options_of(request).get(name)
    if declared is None or not isinstance(value, str):
        return value
    if declared.cell == "list":
        return [part.strip() for part in value.split("|") if part.strip()]
    if declared.cell != "number" or not _DECIMAL.fullmatch(value.strip()):
        return value
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
"""A number as a CSV cell writes it (no ``nan``, ``inf`` or ``1_000``)."""


def unknown_options(unknown: Iterable[str], request: type, what: str = "column(s)") -> str:
    """The message for names that are no field of ``request``, with the one meant."""
    known = [f.name for f in dataclasses.fields(request)]
    hints = [
        f"{close[0]!r} for {name!r}"
        for name in sorted(unknown)
        if (
            close := difflib.get_close_matches(name, known, n=1, cutoff=0.7)
            or sorted(o for o in known if name.startswith(f"{o}_"))  # teu_per_day
        )
    ]
    meant = f"; did you mean {', '.join(hints)}?" if hints else ""
    return f"unknown {what} {', '.join(sorted(unknown))}{meant}"


def check_fields(request: object) -> None:
    """Check and coerce every declared field of a frozen request dataclass, in order."""
    kind: type = type(request)
    for name, declared in options_of(kind).items():
        object.__setattr__(request, name, declared.check(getattr(request, name), name))
