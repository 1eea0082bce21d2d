"""Rate cards: a forwarder's own buy rates (CSV or Excel) that price legs instead of the tariffs.

:func:`read_rate_card` reads and checks a card once per file version (its size and
modification time); :meth:`RateCard.resolve` resolves it on a network (place names, the chain
of legs of each lane, the legs of each km band); :mod:`corridor.routing.rate_pricing` prices
the legs of a service graph with the rows valid on the quote date. Only per-arc costs change,
so the optimisation stays exact.

A **lane row** (``origin``, ``destination``, ``mode``) prices the legs of the shortest chain of
legs of its mode between its places (one leg, if one joins them), in that direction, its rate
per box spread over them pro rata by km. A **km band row** (``km_from``, ``km_to``,
``country``, ``mode``) prices every leg of its mode whose km lie in the band, in either
direction, at ``rate_per_km`` × km per box. On a leg a card prices, the shipped tariff is not
charged for the box types the row covers, nor its fixed part at the loading onto that leg
(:mod:`corridor.routing.rate_pricing`), so a route that runs a whole lane pays the card rate
and nothing of the shipped tariff. Columns and rules: ``docs/rates-and-depots.md``.
"""

from __future__ import annotations

import difflib
import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING

from corridor.costs import BASE_CURRENCY
from corridor.errors import DataError, UnknownPlaceError
from corridor.model import Mode
from corridor.routing.rate_rows import card_row
from corridor.tables import check_columns, column_key, read_csv_table, read_xlsx_table

if TYPE_CHECKING:
    import pandas as pd

    from corridor.network import Network
    from corridor.routing.rate_pricing import Pricing
    from corridor.service import ServiceArrays

CARD_FILES = (".csv", ".xlsx")
"""The rate-card files :func:`read_rate_card` reads."""
COLUMNS: dict[str, str] = {
    "origin": "lane start: a place id or name (with destination; not with a km band)",
    "destination": "lane end: a place id or name",
    "km_from": "km band: the shortest leg it prices, km (with km_to; not with a lane)",
    "km_to": "km band: legs shorter than this, km",
    "country": "km band: cn or vn, legs within that country (blank: any leg)",
    "mode": "road, rail_1000, rail_1435, river, sea or air",
    "container": "20GP, 40GP, 40HC, 20RF or 40RF (containers.csv); blank: every type",
    "carrier": "who sells the rate (shown in the quote)",
    "currency": "USD, VND or CNY (exchange_rates.csv, the rate dated on or before the quote)",
    "rate": "lane rows: price per box for the whole lane, in currency",
    "rate_per_km": "km band rows: price per box and km, in currency",
    "valid_from": "first day the row applies, 2026-01-01",
    "valid_to": "last day the row applies, 2026-12-31",
    "fuel_pct": "fuel surcharge, % of the rate",
    "border": "per box, when the lane (or a band's leg) crosses the border",
    "weekend": "per box, when the quote date is a Saturday or Sunday",
    "peak": "per box, in the peak months",
    "peak_months": "months of the peak surcharge, 1-12 separated by | (10|11|12)",
    "source": "a note for the reader (ignored)",
}
"""The columns of a rate card and what each holds (headers without case or spaces)."""
REQUIRED = ("mode", "currency", "valid_from", "valid_to")
"""The columns every rate card has."""
MAX_CARDS = 16
"""Rate-card versions kept in memory (each file read once per size and modification time)."""
PER_CENT = 100.0
WEEKEND = (5, 6)
"""``date.weekday()`` of Saturday and Sunday."""


def _today() -> date:
    return date.today()


today: Callable[[], date] = _today
"""The quote date when a quote has no ``ready`` time; replace it in tests."""


@dataclass(frozen=True, slots=True)
class RateRow:
    """One row of a rate card, checked (money in ``currency`` per box)."""

    line: int
    mode: Mode
    currency: str
    valid_from: date
    valid_to: date
    origin: str | None = None
    destination: str | None = None
    km_from: float | None = None
    km_to: float | None = None
    country: str | None = None
    container: str | None = None
    carrier: str = ""
    rate: float | None = None
    rate_per_km: float | None = None
    fuel_pct: float = 0.0
    border: float = 0.0
    weekend: float = 0.0
    peak: float = 0.0
    peak_months: frozenset[int] = frozenset()

    @property
    def is_lane(self) -> bool:
        """A lane row (origin → destination) rather than a km band."""
        return self.origin is not None

    def valid_on(self, on: date) -> bool:
        """Whether the row applies on ``on`` (both ends included)."""
        return self.valid_from <= on <= self.valid_to

    def covers(self, container: str) -> bool:
        """Whether the row prices boxes of type ``container`` (a blank type: every type)."""
        return self.container is None or self.container == container

    def surcharges(self, on: date) -> float:
        """Weekend and peak surcharges per box on ``on``, in :attr:`currency`."""
        weekend = self.weekend if on.weekday() in WEEKEND else 0.0
        return weekend + (self.peak if on.month in self.peak_months else 0.0)


@dataclass(frozen=True, slots=True)
class Link:
    """One link of a lane's chain: a leg or a gate crossing, in the lane's direction."""

    kind: str
    """``leg`` or ``border``."""
    ref: str
    from_place: str
    to_place: str
    km: float


@dataclass
class RateCard:
    """A checked rate card: its rows, and its resolutions on the networks it was used on."""

    file: str
    """The file as given (errors name it)."""
    rows: tuple[RateRow, ...]
    _resolved: dict[int, tuple[Network, Resolved]] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """The file's name, as a quote's steps cite it: ``rates.csv``."""
        return Path(self.file).name

    def resolve(self, net: Network) -> Resolved:
        """The card on ``net``: each lane's places and chain, each band's legs (cached).

        Raises
        ------
        DataError
            Naming the file, line and column: an unknown place (with did-you-mean), container
            type or currency, or a row that prices no leg of its mode (with the places the
            mode reaches).
        """
        cached = self._resolved.get(id(net))
        if cached is None or cached[0] is not net:
            cached = (net, _resolve(self, net))
            self._resolved[id(net)] = cached
        return cached[1]


_CARDS: dict[tuple[int, int, int, int], RateCard] = {}


@dataclass(frozen=True)
class _At:
    """A row of a card, for errors naming its file, line and a column."""

    file: str
    line: int

    def error(self, message: str, column: str) -> DataError:
        return DataError(message, file=self.file, row=self.line, column=column)


def read_rate_card(path: str | Path) -> RateCard:
    """A rate card (CSV or the first sheet of an .xlsx), checked; read once per file version.

    Raises
    ------
    DataError
        Naming the file, line and column of the first problem: an unknown column (with the one
        meant), a missing one, a mode that is none, a date that is none, ``valid_to`` before
        ``valid_from``, a negative or missing rate, a row that is neither a lane nor a band.
    """
    file = str(path)
    where = Path(path)
    if where.suffix.lower() not in CARD_FILES:
        msg = f"a rate card is a .csv or .xlsx file, got {where.name!r}"
        raise DataError(msg, file=file)
    try:
        stat = where.stat()
    except OSError:
        raise DataError("file not found", file=file) from None
    if not S_ISREG(stat.st_mode):
        raise DataError("a folder, not a file", file=file)
    key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    card = _CARDS.get(key)
    if card is None or card.file != file:
        card = RateCard(file, _rows(_table(where), file))
        if len(_CARDS) >= MAX_CARDS:
            _CARDS.pop(next(iter(_CARDS)))
        _CARDS[key] = card
    return card


def _table(path: Path) -> pd.DataFrame:
    table = read_csv_table(path) if path.suffix.lower() == ".csv" else read_xlsx_table(path)
    check_columns(table.columns, str(path))
    table.columns = [column_key(c) for c in table.columns]
    return table


def _rows(table: pd.DataFrame, file: str) -> tuple[RateRow, ...]:
    unknown = sorted(set(table.columns) - COLUMNS.keys())
    if any(";" in str(name) for name in unknown):
        msg = (
            "the header is separated by semicolons; a rate card's CSV is separated by commas "
            "(or save the card as .xlsx)"
        )
        raise DataError(msg, file=file, row=1)
    if unknown:
        hints = [
            f"{close[0]!r} for {name!r}"
            for name in unknown
            if (close := difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6))
        ]
        meant = f"; did you mean {', '.join(hints)}?" if hints else ""
        listed = ", ".join(map(repr, unknown))
        msg = f"unknown column(s) {listed}{meant} (columns: {', '.join(COLUMNS)})"
        raise DataError(msg, file=file, row=1)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        msg = f"no {', '.join(missing)} column; a rate card has {', '.join(REQUIRED)}"
        raise DataError(msg, file=file, row=1)
    rows = tuple(
        _row(int(line), {str(k): str(v).strip() for k, v in cells.items()}, file)
        for line, cells in zip(table.index, table.to_dict("records"), strict=True)
    )
    if not rows:
        raise DataError("no rates: the card has a header and no rows", file=file)
    return rows


def _row(line: int, cells: dict[str, str], file: str) -> RateRow:
    """One row checked (:class:`~corridor.routing.rate_rows.CardRow`); errors name the column."""
    return RateRow(line=line, **card_row(cells, file, line))


# --- a card on a network --------------------------------------------------------------------


@dataclass
class Resolved:
    """A card on one network: each lane row's places and chain, each band row's legs."""

    card: RateCard
    net: Network
    lanes: dict[int, tuple[str, str, tuple[Link, ...]]]
    """Lane rows by line: origin id, destination id and the chain of links."""
    bands: dict[int, tuple[str, ...]]
    """Band rows by line: the ids of the legs in the band."""
    _pricings: dict[tuple[int, date], tuple[ServiceArrays, Pricing]] = field(
        default_factory=dict, repr=False
    )


def _resolve(card: RateCard, net: Network) -> Resolved:
    types = [c.type for c in net.dataset.containers]
    currencies = {BASE_CURRENCY} | {r.currency for r in net.dataset.rates}
    lanes: dict[int, tuple[str, str, tuple[Link, ...]]] = {}
    bands: dict[int, tuple[str, ...]] = {}
    for row in card.rows:
        where = _At(card.file, row.line)
        if row.container is not None and row.container not in types:
            close = difflib.get_close_matches(row.container, types, n=1, cutoff=0.5)
            meant = f"; did you mean {close[0]!r}?" if close else ""
            msg = f"unknown container type {row.container!r}{meant} (types: {', '.join(types)})"
            raise where.error(msg, "container")
        if row.currency not in currencies:
            msg = (
                f"no exchange rate for {row.currency!r}; use one of {', '.join(sorted(currencies))}"
            )
            raise where.error(msg, "currency")
        if row.is_lane:
            ends = [
                _place_id(net, name, card.file, row.line, column)
                for name, column in ((row.origin, "origin"), (row.destination, "destination"))
            ]
            lanes[row.line] = (ends[0], ends[1], _chain(net, row, ends[0], ends[1], card.file))
        else:
            bands[row.line] = _band(net, row, card.file)
    return Resolved(card, net, lanes, bands)


def _place_id(net: Network, name: str | None, file: str, line: int, column: str) -> str:
    try:
        return net.place(str(name)).id
    except UnknownPlaceError as error:
        raise DataError(str(error), file=file, row=line, column=column) from None


def _links(net: Network, mode: Mode) -> dict[str, list[Link]]:
    """The legs and gate crossings of ``mode``, both ways, by the place they leave."""
    out: dict[str, list[Link]] = {}
    for leg in net.legs.values():
        if leg.mode is mode:
            for a, b in ((leg.origin, leg.destination), (leg.destination, leg.origin)):
                out.setdefault(a, []).append(Link("leg", leg.id, a, b, leg.km))
    for crossing in net.crossings.values():
        if crossing.mode is mode and crossing.leg is None:
            for a, b in (
                (crossing.cn_place, crossing.vn_place),
                (crossing.vn_place, crossing.cn_place),
            ):
                out.setdefault(a, []).append(Link("border", crossing.id, a, b, crossing.km))
    return out


def _chain(
    net: Network, row: RateRow, origin: str, destination: str, file: str
) -> tuple[Link, ...]:
    """The lane's leg if one joins its places, else the shortest chain by km (Dijkstra)."""
    where = _At(file, row.line)
    if origin == destination:
        raise where.error("origin and destination are the same place", "destination")
    links = _links(net, row.mode)
    direct = [k for k in links.get(origin, []) if k.kind == "leg" and k.to_place == destination]
    if direct:
        return (min(direct, key=lambda k: (k.km, k.ref)),)
    best: dict[str, float] = {origin: 0.0}
    back: dict[str, Link] = {}
    queue: list[tuple[float, str]] = [(0.0, origin)]
    while queue:
        km, place = heapq.heappop(queue)
        if place == destination:
            break
        if km > best[place]:
            continue
        for link in links.get(place, []):
            if km + link.km < best.get(link.to_place, math.inf):
                best[link.to_place] = km + link.km
                back[link.to_place] = link
                heapq.heappush(queue, (km + link.km, link.to_place))
    if destination not in back:
        reached = sorted(net.places[p].name for p in best if p != origin)
        mode = row.mode.value
        if origin not in links:
            served = sorted(net.places[p].name for p in links)
            msg = (
                f"{net.places[origin].name} has no {mode} leg in {net.year}; {mode} reaches "
                f"{', '.join(served) or 'no place'}"
            )
            raise where.error(msg, "origin")
        msg = (
            f"no chain of {mode} legs joins {net.places[origin].name} and "
            f"{net.places[destination].name} in {net.year}; from {net.places[origin].name}, "
            f"{mode} reaches {', '.join(reached)}"
        )
        raise where.error(msg, "destination")
    chain = [back[destination]]
    while chain[-1].from_place != origin:
        chain.append(back[chain[-1].from_place])
    return tuple(reversed(chain))


def _band(net: Network, row: RateRow, file: str) -> tuple[str, ...]:
    assert row.km_from is not None
    assert row.km_to is not None
    of_mode = [leg for leg in net.legs.values() if leg.mode is row.mode]
    within = [
        leg
        for leg in of_mode
        if (row.country is None or net.leg_country(leg) == row.country)
        and row.km_from <= leg.km < row.km_to
    ]
    if not within:
        where = f" in {row.country}" if row.country else ""
        kms = sorted(
            leg.km for leg in of_mode if row.country is None or net.leg_country(leg) == row.country
        )
        have = f"its legs{where} run {kms[0]:g}-{kms[-1]:g} km" if kms else f"it has no leg{where}"
        msg = (
            f"no {row.mode.value} leg{where} of {row.km_from:g} to {row.km_to:g} km in "
            f"{net.year}; {have}"
        )
        raise DataError(msg, file=file, row=row.line, column="km_from")
    return tuple(leg.id for leg in within)


def check_lane(
    resolved: Resolved,
    lane: tuple[str, str],
    on: date,
    types: tuple[str, ...],
    modes: set[str] | None,
) -> None:
    """Refuse a quote on ``lane`` whose card rows (box ``types``, ``modes``) are all out of date.

    ``modes`` None: all modes. The error names the row and the date.
    """
    card = resolved.card
    rows = [
        row
        for row in card.rows
        if row.is_lane
        and resolved.lanes[row.line][:2] == lane
        and any(row.covers(kind) for kind in types)
        and (modes is None or row.mode.value in modes)
    ]
    if not rows or any(row.valid_on(on) for row in rows):
        return
    expired = [row for row in rows if row.valid_to < on]
    if expired:
        row = max(expired, key=lambda r: r.valid_to)
        msg = f"the rate expired on {row.valid_to} (quote date {on})"
        raise DataError(msg, file=card.file, row=row.line, column="valid_to")
    row = min(rows, key=lambda r: r.valid_from)
    msg = f"the rate is valid from {row.valid_from} (quote date {on})"
    raise DataError(msg, file=card.file, row=row.line, column="valid_from")


def unused_notes(card: RateCard, on: date) -> tuple[str, ...]:
    """Notes for the rows not used on ``on``: expired ones, and ones that start later."""
    notes = []
    expired = [row for row in card.rows if row.valid_to < on]
    later = [row for row in card.rows if row.valid_from > on]
    if expired:
        lines = ", ".join(str(row.line) for row in expired)
        last = max(row.valid_to for row in expired)
        notes.append(
            f"{card.name} row(s) {lines} expired before the quote date {on} (the latest on "
            f"{last}): not used; the legs they would price are priced as the rest of the card "
            "or the shipped estimates"
        )
    if later:
        lines = ", ".join(str(row.line) for row in later)
        first = min(row.valid_from for row in later)
        notes.append(
            f"{card.name} row(s) {lines} start after the quote date {on} (the first on "
            f"{first}): not used"
        )
    return tuple(notes)


def request_date(ready: datetime | None) -> date:
    """The quote date: the ready time's date (on the origin's clock), else :func:`today`."""
    return ready.date() if ready is not None else today()


__all__ = [
    "COLUMNS",
    "RateCard",
    "RateRow",
    "check_lane",
    "read_rate_card",
    "request_date",
    "today",
    "unused_notes",
]
