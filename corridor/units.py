"""The accepted range of every number a user gives, by unit: one check, one table.

Every number read from a request (library keywords, CLI flags), a table cell (demand, shipment
lists, the data CSVs) or a scenario or sweep file goes through a :class:`Range` here: it must
be finite and within the range of its unit, else the error names the field and the range.
The ranges are wide enough for any real shipment, flow or network on the corridor and narrow
enough that no solver overflows or loses precision (costs become 64-bit integers in the
min-cost flow, see :data:`corridor.solvers.shortest.COST_SCALE`). ``docs/limits.md`` lists
them; a test checks that the page and this table agree.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

from corridor.errors import InvalidRequestError, shown


@dataclass(frozen=True)
class Range:
    """Finite numbers from ``low`` (itself accepted when ``low_ok``) to ``high`` inclusive."""

    unit: str
    """The unit as messages write it (``TEU``, ``USD``, ``km/h``)."""
    low: float
    high: float
    low_ok: bool = True
    what: str = ""
    """What the range is for, in the docs' table."""

    def describe(self) -> str:
        """The range in words: ``more than 0 and at most 10,000 TEU``."""
        low, high = _figure(self.low), _figure(self.high)
        if self.low_ok:
            return f"from {low} to {high} {self.unit}".rstrip()
        return f"more than {low} and at most {high} {self.unit}".rstrip()

    def contains(self, value: float) -> bool:
        """Whether a float is finite and within the range."""
        above = value >= self.low if self.low_ok else value > self.low
        return math.isfinite(value) and above and value <= self.high

    def check(self, value: object, name: str) -> float:
        """``value`` as a number within the range (an int stays an int), else an error.

        Raises
        ------
        InvalidRequestError
            Naming ``name``, for text, None, a bool, NaN, infinity or a number outside.
        """
        as_float = real(value, name)
        if not self.contains(as_float):
            finite = "" if math.isfinite(as_float) else "a finite number "
            msg = f"{name} must be {finite}{self.describe()}, got {shown(value)}"
            raise InvalidRequestError(msg)
        return value if isinstance(value, int | float) else as_float  # 2, not 2.0

    def json_schema(self) -> dict[str, float]:
        """The range as JSON-schema keywords (``minimum``, ``exclusiveMinimum``, ``maximum``)."""
        low = "minimum" if self.low_ok else "exclusiveMinimum"
        return {low: self.low, "maximum": self.high}

    __call__ = check  # a Range is an option check (corridor.options.Check)

    def validator(self) -> Any:  # noqa: ANN401 - a pydantic AfterValidator
        """A pydantic check of the range: ``Annotated[float, KM.validator()]`` in a schema."""
        from pydantic import AfterValidator
        from pydantic_core import PydanticCustomError

        def within(value: float) -> float:
            if not self.contains(value):
                raise PydanticCustomError("out_of_range", f"must be {self.describe()}")
            return value

        return AfterValidator(within)


def real(value: object, name: str) -> float:
    """``value`` as a float if it is a real number (an int beyond any float is infinite).

    Raises
    ------
    InvalidRequestError
        Naming ``name``, for text, None or a bool.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a number, got {shown(value)}"
        raise InvalidRequestError(msg)
    try:
        return float(value)
    except OverflowError:  # 10**400
        return math.inf


def _figure(value: float) -> str:
    """A bound as the docs write it: ``100,000,000``, ``0.5``."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


TEU = Range("TEU", 0, 10_000, low_ok=False, what="a shipment's volume; a vessel's size")
TEU_PER_DAY = Range("TEU/day", 0, 100_000, what="a demand row's flow")
CAPACITY = Range(
    "TEU/day", 0, 1_000_000, low_ok=False, what="a leg's, gate's or terminal's capacity"
)
DEPARTURES_PER_DAY = Range(
    "departures/day", 0, 1_000, low_ok=False, what="a scheduled service's frequency"
)
TONNES = Range("t", 0, 400_000, low_ok=False, what="a shipment's gross weight")
TONNES_PER_DAY = Range("t/day", 0, 4_000_000, what="a demand row's flow by weight")
TONNES_PER_TEU = Range("t/TEU", 0, 40, low_ok=False, what="a cargo class's payload")
USD = Range("USD", 0, 1e12, what="a shipment's goods value")
USD_PER_TEU = Range("USD/TEU", 0, 1e8, what="goods value, fees, tariffs, handling")
USD_PER_TEU_KM = Range("USD/TEU-km", 0, 1_000, what="a tariff's rate per km")
USD_PER_KG = Range("USD/kg", 0, 1_000, what="a tariff's rate per kg (air)")
USD_PER_SHIPMENT = Range("USD", 0, 1e6, what="a tariff's minimum charge per shipment")
USD_PER_TEU_HOUR = Range("USD/TEU-h", 0, 100_000, what="a value of time")
USD_PER_T_CO2E = Range("USD/t CO2e", 0, 100_000, what="a carbon price")
HOURS = Range("h", 0, 8_760, low_ok=False, what="a deadline, a leg's running time")
DURATION = Range("h", 0, 8_760, what="clearance, transfer and transload times")
KM = Range("km", 0, 20_000, low_ok=False, what="a leg's length")
CROSSING_KM = Range("km", 0, 100, what="a border crossing's length (gate to gate)")
KM_PER_HOUR = Range("km/h", 1, 1_000, what="a leg's speed")
MULTIPLIER = Range("", 0, 100, low_ok=False, what="a cargo class's tariff multiplier")
FACTOR = Range("", 0, 1_000, what="a scenario's scale factor; a peak multiplier")
GROWTH = Range("", 0, 100, low_ok=False, what="demand growth")
GAP = Range("", 1e-9, 0.1, what="a relative gap at which an iterative solve stops")
SECONDS = Range("s", 0, 86_400, what="a solver time limit")
G_CO2E_PER_TKM = Range("g CO2e/t-km", 0, 10_000, what="an emission factor")
KG_CO2E_PER_T = Range("kg CO2e/t", 0, 1_000, what="a hub's emissions per tonne handled")
KG_CO2E_PER_HOUR = Range("kg CO2e/h", 0, 10_000, what="refrigeration emissions")
PERCENT_PER_DAY = Range("%/day", 0, 100, what="value of time, share of goods value a day")
VDF_ALPHA = Range("", 0, 10, what="a volume-delay function's alpha (BPR: 0.15)")
VDF_BETA = Range("", 1, 10, what="a volume-delay function's beta (BPR: 4)")
PER_USD = Range("per USD", 0, 1e9, low_ok=False, what="an exchange rate")

RANGES: dict[str, Range] = {
    name: value for name, value in globals().items() if isinstance(value, Range)
}
"""Every range, by name: what ``docs/limits.md`` lists."""
