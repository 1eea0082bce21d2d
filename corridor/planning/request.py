"""The plan request: every option of a plan declared once (see :mod:`corridor.options`).

:func:`corridor.plan` takes these fields as keywords beside the demand table; the command
line's ``corridor plan`` flags are made from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from corridor.errors import InvalidRequestError
from corridor.model import check_objective
from corridor.options import (
    check_fields,
    month_number,
    option,
    optional,
    seconds,
    whole_in,
    yes_no,
)

PlanObjective = Literal["cost", "generalised"]
PlanMethod = Literal["auto", "arcs", "paths"]
OBJECTIVES: tuple[str, ...] = get_args(PlanObjective)
METHODS: tuple[str, ...] = get_args(PlanMethod)


def _objective(value: object, name: str) -> str:
    del name
    return check_objective(value, OBJECTIVES)


def _method(value: object, name: str) -> str:
    if isinstance(value, str) and value.strip().lower() in METHODS:
        return value.strip().lower()  # in any case, as the objective
    msg = f"{name} must be one of {', '.join(METHODS)}, got {value!r}"
    raise InvalidRequestError(msg)


@dataclass(frozen=True)
class PlanRequest:
    """How to plan a demand table: what :func:`corridor.plan` takes beside the table.

    Examples
    --------
    >>> PlanRequest(method="PATHS").method
    'paths'
    >>> PlanRequest(method="paths", integer=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor.errors.InvalidRequestError: integer plans use the arc model ...
    """

    year: int | None = option(
        None,
        "Network year (default: the network's, or 2026).",
        optional(whole_in(None)),
        cell=None,
    )
    objective: str = option(
        "cost",
        "cost (USD) or generalised (USD + value of time × hours; every row then needs its "
        "value_usd_per_teu).",
        _objective,
        json_type=PlanObjective,
    )
    integer: bool = option(
        False,
        "Whole TEU per arc and day (a MIP with HiGHS on the arc model) instead of the LP; "
        "no shadow prices.",
        yes_no,
    )
    method: str = option(
        "auto",
        "arcs (arc-based LP), paths (the same LP by column generation) or auto (paths when "
        "the arc model is large or a row has a deadline).",
        _method,
        json_type=PlanMethod,
    )
    time_limit_s: float | None = option(
        None,
        "Solver time limit, s (column generation: of all its rounds; bottleneck re-solves "
        "included); none: no limit.",
        optional(seconds),
        flag="--time-limit",
    )
    marginal: bool = option(
        False,
        "Re-solve the LP with 1 TEU/day more and less of each saturated capacity (unique "
        "values where shadow prices are not).",
        yes_no,
        flag=None,
    )
    month: int | None = option(
        None,
        "Plan one month, 1-12 (seasonal legs, peak clearance); default: all year.",
        optional(month_number),
    )

    def __post_init__(self) -> None:
        check_fields(self)
        if self.method == "paths" and self.integer:
            msg = "integer plans use the arc model (method='arcs' or 'auto'); paths solve the LP"
            raise InvalidRequestError(msg)
