"""The schema of one rate-card row (pydantic): cell types, and the rules between columns.

:class:`CardRow` reads the text cells of one row; its fields are validated in declaration
order, so a rule between columns is a field validator on a later field that reads the
earlier ones (``info.data``); an error names that field's column, or the column its rule
names (``km_from`` for a row that is both a lane and a band). :func:`card_row` maps the
first problem to a :class:`~corridor.errors.DataError` naming the file, line and column.
:mod:`corridor.routing.rates` builds its ``RateRow`` from the fields.
"""

from __future__ import annotations

import difflib
import math
import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from corridor.costs import BASE_CURRENCY
from corridor.errors import DataError
from corridor.model import Mode

THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
"""A number with commas between thousands (``9,500,000``); ``1,5`` is not one (no decimal comma)."""
MONTHS = range(1, 13)


def _fail(message: str, column: str | None = None) -> PydanticCustomError:
    """A row error; ``column`` when the rule names a column other than the field checked."""
    return PydanticCustomError("rate_card", "{message}", {"message": message, "column": column})


def _text(value: str | None) -> str | None:
    return value or None


def _amount(value: str | None, info: ValidationInfo) -> float | None:
    """A number 0 or more; commas only between thousands; blank: None."""
    if not value:
        return None
    try:
        if "," in value and not THOUSANDS.fullmatch(value):
            raise ValueError(value)
        number = float(value.replace(",", ""))
    except ValueError:
        msg = f"{value!r} is not a number (a decimal point, and commas only between thousands)"
        raise _fail(msg) from None
    if not math.isfinite(number) or number < 0:
        raise _fail(f"{info.field_name} must be a number of 0 or more, got {value}")
    return number


def _day(value: str | None, info: ValidationInfo) -> date:
    if not value:
        raise _fail(f"no {info.field_name}: give a date such as 2026-12-31")
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise _fail(f"{value!r} is not a date such as 2026-12-31") from None


def _mode(value: str | None) -> Mode:
    try:
        return Mode(value or "")
    except ValueError:
        modes = [m.value for m in Mode]
        close = difflib.get_close_matches((value or "").lower(), modes, n=1, cutoff=0.5)
        meant = f"; did you mean {close[0]!r}?" if close else ""
        raise _fail(f"unknown mode {value or ''!r}{meant} (modes: {', '.join(modes)})") from None


def _currency(value: str | None) -> str:
    code = (value or "").upper()
    if len(code) != len(BASE_CURRENCY) or not code.isalpha():
        raise _fail(f"currency must be a code such as USD, VND or CNY, got {code!r}")
    return code


def _months(value: str | None) -> frozenset[int]:
    """``10|11|12`` → {10, 11, 12}; blank: none."""
    months: set[int] = set()
    for part in (value or "").split("|"):
        if part.strip():
            if not part.strip().isdigit() or int(part) not in MONTHS:
                raise _fail(f"{part.strip()!r} is not a month 1-12")
            months.add(int(part))
    return frozenset(months)


Text = Annotated[str | None, BeforeValidator(_text)]
Amount = Annotated[float | None, BeforeValidator(_amount)]
Surcharge = Annotated[float, BeforeValidator(lambda v, info: _amount(v, info) or 0.0)]
Day = Annotated[date, BeforeValidator(_day)]


def _is_lane(data: dict[str, Any]) -> bool:
    return (data.get("origin"), data.get("destination")) != (None, None)


def _is_band(data: dict[str, Any]) -> bool:
    return (data.get("km_from"), data.get("km_to")) != (None, None)


class CardRow(BaseModel):
    """One rate-card row (money in ``currency`` per box), its columns in the order checked.

    The columns of ``rates.COLUMNS``; ``source`` is ignored.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    mode: Annotated[Mode, BeforeValidator(_mode)]
    currency: Annotated[str, BeforeValidator(_currency)]
    valid_from: Day
    valid_to: Day
    origin: Text = None
    destination: Text = None
    km_from: Amount = None
    km_to: Amount = None
    rate: Amount = None
    rate_per_km: Amount = None
    country: Annotated[str | None, BeforeValidator(lambda v: (v or "").lower() or None)] = None
    container: Annotated[str | None, BeforeValidator(lambda v: (v or "").upper() or None)] = None
    carrier: Annotated[str, BeforeValidator(lambda v: v or "")] = ""
    peak_months: Annotated[frozenset[int], BeforeValidator(_months)] = frozenset()
    peak: Surcharge = 0.0
    fuel_pct: Surcharge = 0.0
    border: Surcharge = 0.0
    weekend: Surcharge = 0.0

    @field_validator("valid_to")
    @classmethod
    def _not_before_start(cls, valid_to: date, info: ValidationInfo) -> date:
        valid_from = info.data.get("valid_from")
        if valid_from is not None and valid_to < valid_from:
            raise _fail(f"valid_to {valid_to} is before valid_from {valid_from}")
        return valid_to

    @field_validator("rate_per_km")
    @classmethod
    def _lane(cls, per_km: float | None, info: ValidationInfo) -> float | None:
        """A lane row: not a band too, both ends, a rate per box and no rate_per_km."""
        data = {**info.data, "rate_per_km": per_km}
        if not {"km_from", "km_to", "rate"} <= data.keys():  # an amount above is the error
            return per_km
        lane = _is_lane(data)
        if lane and _is_band(data):
            raise _fail("a row is a lane (origin, destination) or a km band, not both", "km_from")
        if lane and None in (data["origin"], data["destination"]):
            column = "origin" if data["origin"] is None else "destination"
            raise _fail(f"a lane row needs both origin and destination; no {column}", column)
        if lane and data["rate"] is None:
            raise _fail("a lane row needs a rate per box", "rate")
        if lane and per_km is not None:
            raise _fail("a lane row has a rate per box, not a rate_per_km")
        return per_km

    @field_validator("rate_per_km")
    @classmethod
    def _band(cls, per_km: float | None, info: ValidationInfo) -> float | None:
        """A km band row: both ends, km_to > km_from, a rate_per_km and no rate per box."""
        data = {**info.data, "rate_per_km": per_km}
        if not {"km_from", "km_to", "rate"} <= data.keys() or _is_lane(data):
            return per_km
        if not _is_band(data):
            msg = "give a lane (origin, destination) or a km band (km_from, km_to)"
            raise _fail(msg, "origin")
        km_from, km_to = data["km_from"], data["km_to"]
        if km_from is None or km_to is None:
            column = "km_from" if km_from is None else "km_to"
            raise _fail(f"a km band row needs km_from and km_to; no {column}", column)
        if km_to <= km_from:
            raise _fail(f"km_to {km_to:g} must be more than km_from {km_from:g}", "km_to")
        if per_km is None:
            raise _fail("a km band row needs a rate_per_km (per box and km)")
        if data["rate"] is not None:
            raise _fail("a km band row has a rate_per_km, not a rate per box", "rate")
        return per_km

    @field_validator("country")
    @classmethod
    def _band_country(cls, country: str | None, info: ValidationInfo) -> str | None:
        if country is not None and _is_lane(info.data):
            raise _fail("country belongs to km band rows (a lane's places say it)")
        if country not in (None, "cn", "vn"):
            raise _fail(f"country must be cn or vn (or blank), got {country!r}")
        return country

    @field_validator("peak")
    @classmethod
    def _peak_needs_months(cls, peak: float, info: ValidationInfo) -> float:
        if peak and info.data.get("peak_months") == frozenset():
            raise _fail("a peak surcharge needs its peak_months, such as 10|11|12", "peak_months")
        return peak


def card_row(cells: dict[str, str], file: str, line: int) -> dict[str, Any]:
    """The checked fields of one row (text ``cells`` by column; a missing column is blank).

    Raises
    ------
    DataError
        Naming the file, line and column of the row's first problem.
    """
    try:
        row = CardRow.model_validate({c: cells.get(c, "") for c in CardRow.model_fields})
    except ValidationError as error:
        first = error.errors()[0]
        context = first.get("ctx") or {}
        column = context.get("column") or (str(first["loc"][0]) if first["loc"] else None)
        message = context.get("message") or f"{first['msg']} (got {cells.get(column or '')!r})"
        raise DataError(message, file=file, row=line, column=column) from None
    return dict(row)
