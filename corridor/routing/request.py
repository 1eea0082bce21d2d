"""The quote request: every option of a quote declared once, with its unit, default and check.

:class:`QuoteRequest` is the one place a quote option lives. :func:`corridor.quote`,
:func:`corridor.pareto` and :func:`corridor.quote_many` (one request per row) take its fields
as keywords; the command line's flags (:mod:`corridor.cli.options`) and the request's JSON
schema (:func:`corridor.schema.request_schema`) are made from the same declarations. Adding an
option means one field here plus its use in :mod:`corridor.routing.problem`.

Each field carries an :class:`Option`: one line of help with the unit, the check that
coerces and validates a value (naming the field in its error), how a table cell is read,
and the command-line flag. What needs the network (place names, a year's places, the same
origin and destination) is checked when the request is solved.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

from corridor import units
from corridor.errors import InvalidRequestError, RequestWarning, caller_stacklevel
from corridor.model import (
    LOCAL_TIME,
    CargoClass,
    Mode,
    Place,
    blank,
    check_objective,
)
from corridor.network import DEFAULT_YEAR, YEARS
from corridor.options import (
    REQUIRED,
    check_fields,
    choice,
    hours,
    month_number,
    number,
    option,
    optional,
    seconds,
    table_cell,
    unknown_options,
    whole,
    whole_in,
    yes_no,
)
from corridor.uncertainty import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    from corridor.network import Network

Objective = Literal["cost", "time", "co2", "generalised"]
OBJECTIVES: tuple[str, ...] = get_args(Objective)
DEFAULT_TIME_LIMIT_S = 30.0
"""Time limit of a quote's exact solves, s (a plain cheapest route takes about a millisecond;
the limit guards deadline, alternative and Pareto searches on large networks)."""
MAX_ALTERNATIVES = 100
"""The most distinct routes one quote lists."""
MAX_SAMPLES = 100_000
"""The most draws of one quote's transit-time simulation."""
MAX_TRANSSHIPMENTS = 100
"""The largest limit on mode changes (a route on the corridor makes a handful)."""

_E = TypeVar("_E", CargoClass, Mode)


# --- value checks: each coerces one value or raises InvalidRequestError naming it ----------


def _confidence(value: object, name: str) -> float:
    level = number(value, name)
    if not 0 < level < 1:
        msg = f"{name} must be between 0 and 1 (exclusive), got {level:g}"
        raise InvalidRequestError(msg)
    return level


def _place(value: object, name: str) -> str | Place:
    if not isinstance(value, str | Place):
        msg = f"{name} must be a place name or id, got {value!r}"
        raise InvalidRequestError(msg)
    return value


def names(value: object, name: str) -> tuple[str | Place, ...]:
    """One name as a tuple of one; names as a tuple (so ``via="Yen Vien"`` is one place).

    Raises
    ------
    InvalidRequestError
        Naming ``name``, if ``value`` is not a name or an iterable of names (``via=5``).
    """
    items = [value] if isinstance(value, str) else value
    if isinstance(items, Iterable):
        listed = tuple(items)
        if all(isinstance(item, str | Place) for item in listed):
            return listed
    msg = f"{name} must be a name or a list of names, got {value!r}"
    raise InvalidRequestError(msg)


def _modes(value: object, name: str) -> tuple[Mode, ...]:
    listed = names(value, name)
    if not listed:
        msg = f"{name} is empty: give at least one mode, or leave it out for every mode"
        raise InvalidRequestError(msg)
    choose = choice(Mode)
    return tuple(dict.fromkeys(choose(item, "mode") for item in listed))


def _box_items(value: object) -> list[tuple[object, object]]:
    """``(type, count)`` pairs as given, or [] when ``value`` is no way of writing boxes."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split("|") if part.strip()]
    if isinstance(value, Mapping):
        return list(value.items())
    if not isinstance(value, Iterable):
        return []
    items: list[tuple[object, object]] = []
    for item in value:
        if isinstance(item, str):
            kind, _, count = item.partition(":")
            items.append((kind, count.strip() or 1))
        elif isinstance(item, tuple | list) and len(item) == len(("type", "count")):
            items.append((item[0], item[1]))
        else:
            return []
    return items


def containers(value: object, name: str) -> tuple[tuple[str, int], ...]:
    """Boxes by type: ``{"40HC": 2}``, ``["40HC", "20GP:3"]`` or text ``40HC:2|20GP``.

    A count is at most 10,000 boxes (the most TEU a shipment may have).

    Returns ``(type, count)`` pairs in the order given, a type named twice counted once with
    both counts; types are upper-cased (``40hc`` is ``40HC``). Whether the data has the type
    is checked when the request is solved.

    >>> containers({"40hc": 2}, "containers"), containers("40HC:2|20GP", "containers")
    ((('40HC', 2),), (('40HC', 2), ('20GP', 1)))
    """
    items = _box_items(value)
    if not items:
        msg = f"{name} must map container types to counts, like {{'40HC': 2}}, got {value!r}"
        raise InvalidRequestError(msg)
    boxes: dict[str, int] = {}
    for kind, count in items:
        if not isinstance(kind, str) or not kind.strip():
            msg = f"{name}: a container type is a name such as 40HC, got {kind!r}"
            raise InvalidRequestError(msg)
        number_of = whole(
            int(count) if isinstance(count, str) and count.isdigit() else count,
            f"{name}[{kind.strip().upper()}]",
            1,
            10_000,
        )
        key = kind.strip().upper()
        boxes[key] = boxes.get(key, 0) + number_of
    return tuple(boxes.items())


def _currency(value: object, name: str) -> str:
    """A currency code such as ``VND`` (any case): three letters, as ISO 4217 writes them.

    Whether the data has a rate for it is checked when the request is solved.
    """
    code = value.strip().upper() if isinstance(value, str) else None
    if code is None or len(code) != len("USD") or not code.isalpha():
        msg = f"{name} must be a three-letter currency code such as USD, VND or CNY, got {value!r}"
        raise InvalidRequestError(msg)
    return code


def check_card_request(value: object, name: str) -> str:
    """A rate card's path (text or a ``Path``); the card is read when the request is solved."""
    if isinstance(value, PurePath):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        msg = f"{name} must be the path of a rate card (.csv or .xlsx), got {value!r}"
        raise InvalidRequestError(msg)
    return value.strip()


def _objective(value: object, name: str) -> str:
    del name
    return check_objective(value, OBJECTIVES)


def ready_time(value: object, name: str = "ready") -> datetime:
    """A ready time: a ``datetime``, or ISO text such as ``"2026-12-01T08:00"``."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # TypeError: not text (a number from a table, say)
        msg = f"{name} must be a date and time like 2026-12-01T08:00, got {value!r}"
        raise InvalidRequestError(msg) from None


# --- declarations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRequest:
    """One shipment to quote and the options of its route: what :func:`corridor.quote` takes.

    Every field is checked when the request is made (``InvalidRequestError`` naming the
    field); :attr:`fields` lists them with their help and units. Build one directly, or let
    :func:`corridor.quote` build it from keywords.

    Examples
    --------
    >>> r = QuoteRequest("Kunming", "Hai Phong", teu=2, deadline="3d")
    >>> r.deadline, r.cargo.value
    (72.0, 'general')
    >>> QuoteRequest("Kunming", "Hai Phong", teu="two")
    Traceback (most recent call last):
    ...
    corridor.errors.InvalidRequestError: teu must be a number, got 'two'
    """

    origin: str | Place = option(
        REQUIRED,
        "Origin: place id or name (English, Vietnamese, Chinese), a gazetteer town or "
        "coordinates 'lat,lon' (reached by an estimated road drayage).",
        _place,
        flag=None,
        json_type=str,
    )
    destination: str | Place = option(
        REQUIRED,
        "Destination: place id or name, a gazetteer town or coordinates 'lat,lon'.",
        _place,
        flag=None,
        json_type=str,
    )
    teu: float = option(1.0, "Volume, TEU.", units.TEU, cell="number")
    containers: tuple[tuple[str, int], ...] | None = option(
        None,
        "Boxes by type instead of TEU: {'40HC': 2} (types in containers.csv: 20GP, 40GP, "
        "40HC, 20RF, 40RF); each mode prices a box as the data says (a 40' truck costs as a "
        "20'). Command line: --container 40HC --count 2, or --container 40HC:2 (repeat).",
        optional(containers),
        cell="text",
        flag="--container",
        cli_type=list[str],
        json_type=dict[str, int] | None,
    )
    alternatives: int = option(
        1,
        "Number of distinct routes, best first: they differ in transshipment points, gates "
        "or mode sequence.",
        whole_in(1, MAX_ALTERNATIVES),
        cell=None,
    )
    tonnes: float | None = option(
        None,
        "Gross weight, t, for CO2e (at most 36 t per TEU); default the cargo class payload.",
        optional(units.TONNES),
        cell="number",
    )
    cargo: CargoClass = option(
        CargoClass.GENERAL,
        "Cargo class: general, reefer, dangerous, bulk or oversize.",
        choice(CargoClass),
        cli_type=str,
    )
    value_usd: float | None = option(
        None,
        "Goods value, USD, for the generalised objective's value of time; default: the "
        "cargo class's default value per TEU (cargo_classes.csv) × TEU.",
        optional(units.USD),
        cell="number",
    )
    objective: str = option(
        "generalised",
        "What to minimise: generalised (USD + value of time × P50 hours + carbon price × "
        "CO2e, the default), cost (USD), time (P50 hours) or co2 (kg CO2e).",
        _objective,
        json_type=Objective,
    )
    deadline: float | None = option(
        None,
        "Latest arrival after the cargo is ready, hours (P50): 72, or text 72h, 3d.",
        optional(hours),
        cli_type=str | None,
        json_type=float | str | None,
    )
    confidence: float | None = option(
        None,
        "With a deadline: least simulated probability of arriving within it (0-1).",
        optional(_confidence),
        cell="number",
    )
    max_transshipments: int | None = option(
        None,
        "Most mode changes on the way (a gauge break is one).",
        optional(whole_in(0, MAX_TRANSSHIPMENTS)),
        cell="number",
    )
    via: tuple[str | Place, ...] = option(
        (),
        "Places to pass through, in order (repeat).",
        names,
        cell="list",
        cli_type=list[str],
        json_type=list[str],
    )
    avoid: tuple[str | Place, ...] = option(
        (),
        "Places or border-crossing ids the route must not use (repeat).",
        names,
        cell="list",
        cli_type=list[str],
        json_type=list[str],
    )
    modes: tuple[Mode, ...] | None = option(
        None,
        "The only modes the route may use (repeat); road still loads and unloads.",
        optional(_modes),
        cell="list",
        flag="--mode",
        cli_type=list[str],
        json_type=list[Mode] | None,
    )
    cbta: bool = option(
        False,
        "The shipper holds GMS CBTA permits: trucks may drive across the gates that allow "
        "direct trucking; without, road cargo is transloaded at the gate.",
        yes_no,
    )
    currency: str = option(
        "USD",
        "Currency of the costs: USD, VND or CNY, at the latest rate of exchange_rates.csv "
        "dated on or before the ready date (the rate and its date are in the quote).",
        _currency,
    )
    rates: str | None = option(
        None,
        "A rate card (.csv or .xlsx): your own buy rates per box by lane or km band, which "
        "price the legs they cover instead of the shipped tariffs (docs: Your own rates).",
        optional(check_card_request),
        json_type=str | None,
    )
    year: int | None = option(
        None,
        "Network year (default: the year of ready, else 2026).",
        optional(whole_in(None)),
        cell=None,
    )
    month: int | None = option(
        None,
        "Month of travel, 1-12 (seasonal legs, peak clearance); default: legs running all year.",
        optional(month_number),
        cell="number",
    )
    ready: datetime | None = option(
        None,
        "When the cargo is ready, on the origin's clock or with a UTC offset: 2026-12-01T08:00.",
        optional(ready_time),
        cli_type=str | None,
    )
    carbon_price_usd_per_t: float = option(
        0.0,
        "Carbon price, USD per t CO2e (the generalised objective).",
        units.USD_PER_T_CO2E,
        cell="number",
        flag="--carbon-price",
    )
    samples: int = option(
        DEFAULT_SAMPLES,
        "Draws of the transit-time simulation (P50, P90, on time).",
        whole_in(1, MAX_SAMPLES),
        cell="number",
    )
    seed: int = option(
        DEFAULT_SEED,
        "Seed of the transit-time simulation (the same seed, the same figures).",
        whole_in(0),
        cell="number",
    )
    time_limit_s: float = option(
        DEFAULT_TIME_LIMIT_S,
        "Time limit of the exact searches (deadline, alternatives, Pareto), s.",
        seconds,
        cell="number",
        flag="--time-limit",
    )

    def __post_init__(self) -> None:
        check_fields(self)
        if self.confidence is not None and self.deadline is None:
            msg = (
                f"confidence {self.confidence:g} needs a deadline: it is the chance of arriving "
                "within it"
            )
            raise InvalidRequestError(msg)
        if self.objective != "generalised":
            _warn_unused(
                self.objective,
                value_usd=self.value_usd,
                carbon_price_usd_per_t=self.carbon_price_usd_per_t,
            )

    @classmethod
    def of(cls, origin: object, destination: object, **options: Any) -> QuoteRequest:  # noqa: ANN401
        """A request from keywords; an unknown keyword is an error naming the one meant."""
        unknown = options.keys() - _QUOTE_FIELDS
        if unknown:
            raise InvalidRequestError(unknown_options(unknown, cls, "option(s)"))
        return cls(origin, destination, **options)  # type: ignore[arg-type]

    @classmethod
    def from_row(cls, row: Mapping[str, object], **defaults: Any) -> QuoteRequest:  # noqa: ANN401
        """A request from a table row (cells as :class:`Option` ``cell`` says) over defaults.

        An empty cell (None, NaN, "") leaves the option at its default; a ``source`` column
        (a citation, as in the shipped tables) is ignored.

        Raises
        ------
        InvalidRequestError
            For a column that is no option (naming the one meant), a missing origin or
            destination, or a cell of the wrong kind (naming the column).
        """
        cells = {k: table_cell(cls, k, v) for k, v in row.items() if k != "source" and not blank(v)}
        unknown = cells.keys() - _QUOTE_FIELDS
        if unknown:
            raise InvalidRequestError(unknown_options(unknown, cls))
        if "origin" not in cells or "destination" not in cells:
            msg = "each request needs an origin and a destination"
            raise InvalidRequestError(msg)
        return cls(**(defaults | cells))


_QUOTE_FIELDS = frozenset(f.name for f in dataclasses.fields(QuoteRequest))


def _warn_unused(objective: str, **generalised_only: float | None) -> None:
    """Warn of options given that only the generalised objective uses (nothing is lost)."""
    given = [name for name, value in generalised_only.items() if value]
    if given:
        verb, pronoun = ("is", "it") if len(given) == 1 else ("are", "they")
        warnings.warn(
            f"{' and '.join(given)} {verb} used only by the generalised objective, so {pronoun} "
            f"{verb} ignored here (objective {objective!r})",
            RequestWarning,
            stacklevel=caller_stacklevel(),
        )


def request_year(
    year: int | None = None,
    ready: datetime | str | None = None,
    network: Network | None = None,
) -> int:
    """The network year of a request: ``year``, else ``ready``'s year, else the network's or 2026.

    A ``ready`` with a UTC offset is in the year of the corridor's clocks (UTC+7 and UTC+8),
    which differ for an hour at New Year; the quote then takes the origin's (see
    :func:`corridor.quote`).

    Raises
    ------
    InvalidRequestError
        If ``year`` is not a whole number, ``ready`` not a date and time, or ``ready`` falls
        in another year than ``year`` or the ``network`` given (a 2031 shipment is not quoted
        on the 2026 network).

    Examples
    --------
    >>> request_year(ready="2031-07-01T08:00"), request_year(), request_year(2030)
    (2031, 2026, 2030)
    """
    year = None if year is None else whole(year, "year")
    when = None if ready is None else ready_time(ready)
    if when is not None:
        # with a UTC offset: the year on the corridor's clocks (both but for an hour a year)
        years = sorted(
            {when.astimezone(zone).year for zone in LOCAL_TIME.values()}
            if when.tzinfo is not None
            else {when.year}
        )
        if not set(years) <= set(YEARS):
            msg = (
                f"ready={when.isoformat()} is in {max(years)}; the network covers "
                f"{YEARS.start} to {YEARS.stop - 1}"
            )
            raise InvalidRequestError(msg)
        if year is not None and year not in years:
            msg = (
                f"year={year} contradicts ready={when.isoformat()}: leave the year out or "
                f"give {years[-1]}"
            )
            raise InvalidRequestError(msg)
        if network is not None and network.year not in years:
            msg = (
                f"ready={when.isoformat()} is in {years[-1]} but the network given is for "
                f"{network.year}"
            )
            raise InvalidRequestError(msg)
        return year if year is not None else network.year if network is not None else years[0]
    if year is not None:
        return year
    return network.year if network is not None else DEFAULT_YEAR
