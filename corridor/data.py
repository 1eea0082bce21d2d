"""Read and validate the corridor data tables.

Each CSV file in the data folder is read row by row; every row is checked by a pydantic
schema (types, units, ranges, no NaN) and then the tables are checked against each other
(unknown place references, duplicates, modes a place does not serve, missing tariffs, source
keys not in ``SOURCES.md``, a leg or crossing shorter than the straight line between its
places: :mod:`corridor.distance`); the leg lines of ``leg_geometry.geojson`` are read and
checked against their legs by :mod:`corridor.geometry`. Every problem raises
:class:`~corridor.errors.DataError` naming the file, the line (1 is the header) and the column.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corridor.distance import places_km
from corridor.errors import DataError, location
from corridor.geometry import Line, read_lines
from corridor.model import (
    BorderCrossing,
    CargoClass,
    CargoProfile,
    ContainerType,
    Country,
    EmissionFactor,
    ExchangeRate,
    HubEmission,
    Leg,
    Mode,
    Place,
    Status,
    Tariff,
    Transfer,
    VolumeDelay,
)
from corridor.names import check_unique_names
from corridor.tables import TABLE_FILES, read_text

logger = logging.getLogger(__name__)

DATA_DIR_ENV = "CORRIDOR_DATA"
"""Environment variable naming another data folder."""

SOURCES_FILE = "SOURCES.md"
ESTIMATE_PREFIX = "estimate:"
_SOURCE_KEY = re.compile(r"^- \*\*([a-z0-9][a-z0-9.-]*)\*\*:", re.MULTILINE)


def default_data_dir() -> Path:
    """The folder the data is read from: ``$CORRIDOR_DATA`` or the shipped ``data/``."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"


# --- reading ------------------------------------------------------------------------------


def source_keys(data_dir: Path) -> frozenset[str]:
    """The bibliography keys defined in ``SOURCES.md``."""
    path = data_dir / SOURCES_FILE
    if not path.is_file():
        raise DataError("file not found", file=str(path))
    return frozenset(_SOURCE_KEY.findall(read_text(path, SOURCES_FILE)))


def check_source(cell: str, keys: frozenset[str]) -> None:
    """Check a ``source`` cell: ``key; key#detail; estimate: how derived``.

    Raises
    ------
    ValueError
        If a key is not in ``keys`` or the cell has neither a key nor an estimate.
    """
    cited, _, estimate = cell.partition(ESTIMATE_PREFIX)
    if _ and not estimate.strip():
        msg = "'estimate:' must say how the figure was derived"
        raise ValueError(msg)
    items = [item.strip() for item in cited.split(";") if item.strip()]
    if not items and not _:
        msg = "needs a source key from SOURCES.md or 'estimate: <how derived>'"
        raise ValueError(msg)
    for item in items:
        key = item.split("#", 1)[0]
        if key not in keys:
            msg = f"source key {key!r} is not in {SOURCES_FILE}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Where:
    """Where a table row was written, for error messages.

    A CSV row has its file name and line (1 is the header); a row a scenario operation wrote
    has the scenario file, the operation's line and the lines of the cells it wrote
    (``cells``, column → line), or a label such as ``scenario 'x', operations.1`` as its
    ``file`` and no line if the scenario was built in Python.
    """

    file: str | None
    line: int | None = None
    cells: Mapping[str, int] = field(default_factory=dict, hash=False)

    def line_of(self, column: str | None) -> int | None:
        """The line of ``column``'s cell if known, else the row's."""
        return self.cells.get(column, self.line) if column else self.line

    def error(self, message: str, column: str | None = None) -> DataError:
        """A :class:`DataError` at this row (and at ``column``'s cell)."""
        return DataError(message, file=self.file, row=self.line_of(column), column=column)

    def relative_to(self, other: Where, column: str | None = None) -> str:
        """``line 7`` if ``other`` is in the same file, else ``legs.csv, line 7``.

        The line is ``column``'s cell's if known, else the row's.
        """
        line = self.line_of(column)
        return location(None if self.file == other.file and line is not None else self.file, line)


@dataclass(frozen=True, slots=True)
class Dataset:
    """All corridor tables, validated, for every year (filtering by year is the Network's job)."""

    places: tuple[Place, ...]
    legs: tuple[Leg, ...]
    transfers: tuple[Transfer, ...]
    crossings: tuple[BorderCrossing, ...]
    tariffs: tuple[Tariff, ...]
    emissions: tuple[EmissionFactor, ...]
    cargo_profiles: tuple[CargoProfile, ...]
    rates: tuple[ExchangeRate, ...]
    volume_delay: tuple[VolumeDelay, ...]
    data_dir: Path
    where: Mapping[str, tuple[Where, ...]] = field(default_factory=dict, compare=False, repr=False)
    """Where each row of each table was written (by table name, in row order), for errors."""
    removed_places: tuple[Place, ...] = ()
    """Places a scenario removed, so that naming one says so (never another place's name)."""
    lines: Mapping[str, Line] = field(default_factory=dict, compare=False, repr=False)
    """Leg lines by leg id, (lon, lat) from the leg's origin (:mod:`corridor.geometry`)."""
    line_sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """The ``source`` of each leg line, by leg id."""
    containers: tuple[ContainerType, ...] = ()
    """Container types (``containers.csv``): TEU, tare, payload and price factors."""
    hub_emissions: tuple[HubEmission, ...] = ()
    """Hub (terminal) emissions per tonne handled by kind of place (``hub_emissions.csv``)."""

    def located(self, table: str) -> list[tuple[Where, Any]]:
        """The rows of ``table`` with where each was written (the file only, if not known)."""
        rows = getattr(self, table)
        where = self.where.get(table, ())
        if len(where) != len(rows):
            where = (Where(TABLE_FILES[table]),) * len(rows)
        return list(zip(where, rows, strict=True))


def load_dataset(data_dir: str | Path | None = None) -> Dataset:
    """Read and validate every table in ``data_dir`` (default: :func:`default_data_dir`).

    Raises
    ------
    DataError
        If ``data_dir`` is not a directory; on the first problem found, naming file, line
        and column.
    """
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    if not folder.is_dir():
        kind = "is not a directory" if folder.exists() else "does not exist"
        msg = f"data directory {folder} {kind}"
        raise DataError(msg)
    from corridor.rows import SCHEMAS, read_table  # pydantic: only when the files are read

    keys = source_keys(folder)
    tables: dict[str, list[tuple[Where, Any]]] = {}
    for attribute, schema in SCHEMAS.items():
        rows = read_table(folder / schema.file, schema)
        for line, row in rows:
            try:
                check_source(row.source, keys)
            except ValueError as error:
                raise DataError(str(error), file=schema.file, row=line, column="source") from None
        tables[attribute] = [(Where(schema.file, line), row.to_value()) for line, row in rows]
    check_references(tables)
    _check_volume_delay(tables)  # at load only: a scenario may remove an element it names
    lines, line_sources = read_lines(  # at load only, as the volume-delay functions
        folder,
        {leg.id: leg for _, leg in tables["legs"]},
        {place.id: place for _, place in tables["places"]},
        lambda cell: check_source(cell, keys),
    )
    values = {name: tuple(value for _, value in rows) for name, rows in tables.items()}
    where = {name: tuple(w for w, _ in rows) for name, rows in tables.items()}
    dataset = Dataset(
        data_dir=folder, where=where, lines=lines, line_sources=line_sources, **values
    )
    logger.debug(
        "loaded %d places and %d legs from %s", len(dataset.places), len(dataset.legs), folder
    )
    return dataset


def _fail(where: Where, column: str, message: str) -> DataError:
    return where.error(message, column)


def _unique(
    rows: Iterable[tuple[Where, Any]],
    key: Callable[[Any], str | tuple[str, ...]],
    column: str,
) -> None:
    """Check a key is unique; a key of several cells is printed as plain values."""
    seen: dict[object, Where] = {}
    for where, value in rows:
        k = key(value)
        if k in seen:
            text = repr(k) if isinstance(k, str) else " ".join(k)
            first = seen[k].relative_to(where, column)
            raise _fail(where, column, f"duplicate {text} (first on {first})")
        seen[k] = where


def check_references(tables: dict[str, list[tuple[Where, Any]]]) -> None:
    """Cross-table checks: unique keys, known places, served modes, complete tariffs."""
    _check_unique(tables)
    places: dict[str, Place] = {p.id: p for _, p in tables["places"]}
    legs: dict[str, Leg] = {leg.id: leg for _, leg in tables["legs"]}
    _check_places(tables["places"])
    _check_legs(tables["legs"], places)
    _check_transfers(tables["transfers"], places)
    _check_crossings(tables["crossings"], places, legs)
    _check_cross_border_legs(tables["legs"], tables["crossings"], places)
    for where, crossing in tables["crossings"]:  # one cleared on a leg: the leg has the km
        if crossing.leg is None:
            _check_not_shorter(
                where, crossing.km, places[crossing.cn_place], places[crossing.vn_place]
            )
    _check_complete(tables)


def _check_volume_delay(tables: dict[str, list[tuple[Where, Any]]]) -> None:
    """Each volume-delay row names ``*`` or an element of its kind, once."""
    known = {
        "crossings": {c.id for _, c in tables["crossings"]},
        "transfers": {
            f"{t.place}:{a.value}>{b.value}"
            for _, t in tables["transfers"]
            for a, b in ((t.from_mode, t.to_mode), (t.to_mode, t.from_mode))
        },
    }
    _unique(tables["volume_delay"], lambda v: (v.kind, v.element), "element")
    for where, row in tables["volume_delay"]:
        if row.element != "*" and row.element not in known[row.kind]:
            close = difflib.get_close_matches(row.element, known[row.kind], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise _fail(where, "element", f"no {row.kind[:-1]} {row.element!r}{hint}")


def _check_unique(tables: dict[str, list[tuple[Where, Any]]]) -> None:
    _unique(tables["places"], lambda p: p.id, "id")
    _unique(tables["legs"], lambda leg: leg.id, "id")
    _unique(tables["crossings"], lambda c: c.id, "id")
    _unique(
        tables["transfers"],
        lambda t: (t.place, "/".join(sorted((t.from_mode.value, t.to_mode.value)))),
        "to_mode",
    )
    _unique(tables["tariffs"], lambda t: (t.mode.value, t.country), "country")
    _unique(tables["emissions"], lambda e: e.mode.value, "mode")
    _unique(tables["cargo_profiles"], lambda c: c.cargo.value, "cargo")
    _unique(tables["rates"], lambda r: (r.currency, r.date), "date")
    _unique(tables["containers"], lambda c: c.type, "type")
    _unique(tables.get("hub_emissions", []), lambda h: h.kind.value, "kind")


def unknown_place(place_id: str, places: Iterable[str]) -> str:
    """``unknown place 'sapa'; did you mean 'sa_pa_airport'?``: close ids, or ids it begins.

    Ids are compared without their underscores too, so ``sapa`` finds ``sa_pa_airport``.
    """
    ids = sorted(places)
    bare = place_id.replace("_", "").lower()
    close = difflib.get_close_matches(place_id, ids, n=3)
    close += [i for i in ids if i.replace("_", "").startswith(bare) and i not in close]
    message = f"unknown place {place_id!r}"
    return message + (f"; did you mean {', '.join(map(repr, close[:3]))}?" if close else "")


def _served(
    places: dict[str, Place], place_id: str, mode: Mode, *, where: Where, column: str
) -> Place:
    """The place ``place_id``, checked to exist and to serve ``mode``."""
    if place_id not in places:
        raise _fail(where, column, unknown_place(place_id, places))
    place = places[place_id]
    if mode not in place.modes:
        raise _fail(
            where,
            column,
            f"place {place_id!r} does not serve mode "
            f"{mode.value!r} (add it to its modes in places.csv)",
        )
    return place


def _check_places(rows: list[tuple[Where, Place]]) -> None:
    check_unique_names(rows)  # over every year: a later place's alias clashes when it opens
    at: dict[tuple[float, float], str] = {}
    for where, place in rows:
        other = at.setdefault((place.lat, place.lon), place.id)
        if other != place.id:
            raise _fail(where, "lat", f"same coordinates as {other!r}")
        if place.status is not Status.OPEN and place.opens is None:
            raise _fail(where, "opens", "a place that is not open needs its opening year")


def _check_legs(rows: list[tuple[Where, Leg]], places: dict[str, Place]) -> None:
    for where, leg in rows:
        _served(places, leg.origin, leg.mode, where=where, column="origin")
        _served(places, leg.destination, leg.mode, where=where, column="destination")
        if leg.origin == leg.destination:
            raise _fail(where, "destination", "a leg must join two different places")
        if leg.status is not Status.OPEN and leg.opens is None:
            raise _fail(where, "opens", "a leg that is not open needs its opening year")
        if leg.opens is not None and leg.closes is not None and leg.closes <= leg.opens:
            raise _fail(where, "closes", "closes must be after opens")
        _check_not_shorter(where, leg.km, places[leg.origin], places[leg.destination])


def _check_not_shorter(where: Where, km: float, a: Place, b: Place) -> None:
    """A leg or crossing of ``km`` is at least as long as the straight line from ``a`` to ``b``.

    Both figures are in the message, the line to 0.01 km where 0.1 would not tell them apart.
    """
    line = places_km(a, b)
    if km < line:
        digits = 1 if round(line, 1) > km else 2
        raise _fail(
            where,
            "km",
            f"{km:g} km is shorter than the {line:.{digits}f} km straight line between "
            f"{a.id!r} and {b.id!r} (great circle between their places.csv coordinates): "
            "correct the km or the coordinates",
        )


def _check_transfers(rows: list[tuple[Where, Transfer]], places: dict[str, Place]) -> None:
    for where, transfer in rows:
        if transfer.place not in places:
            raise _fail(where, "place", unknown_place(transfer.place, places))
        _served(
            places,
            transfer.place,
            transfer.from_mode,
            where=where,
            column="from_mode",
        )
        _served(places, transfer.place, transfer.to_mode, where=where, column="to_mode")
        if transfer.from_mode == transfer.to_mode:
            raise _fail(where, "to_mode", "a transfer joins two different modes")
        if transfer.hours_p90 < transfer.hours_p50:
            raise _fail(where, "hours_p90", "P90 hours below P50 hours")


def _check_crossings(
    rows: list[tuple[Where, BorderCrossing]], places: dict[str, Place], legs: dict[str, Leg]
) -> None:
    for where, crossing in rows:
        cn = _served(
            places,
            crossing.cn_place,
            crossing.mode,
            where=where,
            column="cn_place",
        )
        vn = _served(
            places,
            crossing.vn_place,
            crossing.mode,
            where=where,
            column="vn_place",
        )
        if cn.country is not Country.CN:
            raise _fail(where, "cn_place", f"{cn.id!r} is not in China")
        if vn.country is not Country.VN:
            raise _fail(where, "vn_place", f"{vn.id!r} is not in Vietnam")
        for direction in ("cn_vn", "vn_cn"):
            p50 = getattr(crossing, f"hours_p50_{direction}")
            if getattr(crossing, f"hours_p90_{direction}") < p50:
                raise _fail(where, f"hours_p90_{direction}", "P90 hours below P50 hours")
        if crossing.open_hour >= crossing.close_hour:
            raise _fail(where, "close_hour", "close_hour must be after open_hour")
        if crossing.mode is Mode.ROAD and crossing.trucks is None:
            raise _fail(where, "trucks", "road gates say 'cross' or 'transload'")
        if crossing.leg is not None:
            _check_crossing_leg(crossing, legs, where)


def _check_crossing_leg(crossing: BorderCrossing, legs: dict[str, Leg], where: Where) -> None:
    """A crossing cleared on a leg: the leg exists, has the crossing's mode and places."""
    leg = legs.get(crossing.leg or "")
    if leg is None:
        raise _fail(where, "leg", f"unknown leg {crossing.leg!r}")
    if leg.mode is not crossing.mode:
        raise _fail(
            where,
            "leg",
            f"leg {leg.id!r} is by {leg.mode.value}, the crossing by {crossing.mode.value}",
        )
    if {leg.origin, leg.destination} != {crossing.cn_place, crossing.vn_place}:
        raise _fail(
            where,
            "leg",
            f"leg {leg.id!r} joins {leg.origin!r} and {leg.destination!r}, not the "
            f"crossing's {crossing.cn_place!r} and {crossing.vn_place!r}",
        )


def _check_cross_border_legs(
    legs: list[tuple[Where, Leg]],
    crossings: list[tuple[Where, BorderCrossing]],
    places: dict[str, Place],
) -> None:
    """A leg between a Chinese and a Vietnamese place needs a crossing cleared on it."""
    cleared = {crossing.leg for _, crossing in crossings}
    for where, leg in legs:
        if places[leg.origin].country is places[leg.destination].country:
            continue
        if leg.id not in cleared:
            raise _fail(
                where,
                "destination",
                f"leg crosses the border: add a row to border_crossings.csv with leg {leg.id!r} "
                "(its clearance hours and fee)",
            )


def _check_complete(tables: dict[str, list[tuple[Where, Any]]]) -> None:
    """Every mode in use has a tariff and an emission factor; every cargo class a profile."""
    used_modes = {leg.mode for _, leg in tables["legs"]}
    for mode in sorted(used_modes - {t.mode for _, t in tables["tariffs"]}):
        raise DataError(f"no tariff for mode {mode.value!r}", file=TABLE_FILES["tariffs"])
    for mode in sorted(used_modes - {e.mode for _, e in tables["emissions"]}):
        raise DataError(
            f"no emission factor for mode {mode.value!r}", file=TABLE_FILES["emissions"]
        )
    hubs = {h.kind for _, h in tables.get("hub_emissions", [])}
    handling = {place.kind for _, place in tables["places"] if len(place.modes) > 1}
    for kind in sorted(handling - hubs, key=lambda k: k.value):
        raise DataError(
            f"no hub emissions for places of kind {kind.value!r}",
            file=TABLE_FILES["hub_emissions"],
        )
    missing = set(CargoClass) - {c.cargo for _, c in tables["cargo_profiles"]}
    if missing:
        names = ", ".join(sorted(c.value for c in missing))
        raise DataError(
            f"no profile for cargo class(es) {names}", file=TABLE_FILES["cargo_profiles"]
        )
