"""What-if scenarios: validated patches to the network, applied purely, and compared.

A scenario file (YAML) names a project and lists operations on the data tables:

```yaml
name: Lao Cai smart border gate
description: clearance capacity x2, logistics cost -20-30 % (Lao Cai economic zone)
source: "laocai-ez-seed; estimate: transload fee x0.75 (midpoint of -20-30 %)"
operations:
  - update: crossings
    id: hekou_kim_thanh
    set: {smart_gate: true}
    scale: {capacity_teu_day: 2, transload_usd_per_teu: 0.75}
```

Operations: ``add`` a row to ``places``, ``legs``, ``transfers`` or ``crossings`` (the same
columns as the CSV files, validated by the same schemas); ``update`` an element (``set``
values, ``scale`` numbers); ``close`` an element from a year (or remove it). Elements are
named by id; transfers as ``place:mode>mode``; tariffs as ``mode:country``
(``rail_1435:any``). :meth:`Scenario.apply` returns a new network
and never changes the one given; scenarios compose by applying them in turn.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    model_validator,
)

from corridor import units
from corridor.data import Where, check_references, check_source, source_keys
from corridor.errors import DataError, ScenarioError, location
from corridor.network import YEARS, Network
from corridor.rows import (
    BorderCrossingRow,
    LegRow,
    PlaceRow,
    Row,
    TariffRow,
    TransferRow,
)
from corridor.scenario.loading import load_yaml, operation_wheres

Table = Literal["places", "legs", "transfers", "crossings", "tariffs"]
_SCHEMAS: dict[str, type[Row]] = {
    "places": PlaceRow,
    "legs": LegRow,
    "transfers": TransferRow,
    "crossings": BorderCrossingRow,
    "tariffs": TariffRow,
}


Factor = Annotated[float, units.FACTOR.validator()]
Growth = Annotated[float, units.GROWTH.validator()]


def _key(table: str, element: Any) -> str:  # noqa: ANN401 - any table's value type
    if table == "tariffs":
        return f"{element.mode.value}:{element.country}"
    if table == "transfers":
        return f"{element.place}:{element.from_mode.value}>{element.to_mode.value}"
    return str(element.id)


class _Operation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Add(_Operation):
    """Add a row (CSV columns as keys, ``source`` included)."""

    add: Table
    row: dict[str, Any]


class Update(_Operation):
    """Change an element: ``set`` new values, ``scale`` numeric ones by a factor."""

    update: Table
    id: str
    set: dict[str, Any] = Field(default_factory=dict)
    scale: dict[str, Factor] = Field(default_factory=dict)
    """Factors (:data:`corridor.units.FACTOR`); a leg's ``speed_kmh`` scales its running time
    by the inverse."""

    @model_validator(mode="after")
    def _set_or_scale(self) -> Update:
        both = sorted(self.set.keys() & self.scale.keys())
        if both:
            msg = f"{', '.join(both)}: both set and scaled; give a value or a factor, not both"
            raise ValueError(msg)
        return self


class Close(_Operation):
    """Close an element from ``year`` on (legs: their ``closes``), or remove it (no year)."""

    close: Table
    id: str
    year: int | None = None


def _operation_kind(value: Any) -> str | None:  # noqa: ANN401 - raw YAML or a model
    """Which operation a mapping is, by its verb key (``add``, ``update`` or ``close``)."""
    if isinstance(value, dict):
        return next((verb for verb in ("add", "update", "close") if verb in value), None)
    return type(value).__name__.lower()


Operation = Annotated[
    Annotated[Add, Tag("add")] | Annotated[Update, Tag("update")] | Annotated[Close, Tag("close")],
    Discriminator(
        _operation_kind,
        custom_error_type="operation_verb",
        custom_error_message="an operation starts with add, update or close (e.g. 'update: legs')",
    ),
]


@dataclass(frozen=True, eq=False)
class _Written:
    """Where a scenario file writes each of its operations (empty for one built in Python).

    Provenance, not value: every ``_Written`` compares equal, so a scenario read from a file
    equals the same scenario built in Python.
    """

    operations: tuple[tuple[object, Where], ...] = ()
    """Each operation (the object itself) with its file, line and cell lines."""

    def of(self, operation: object) -> Where | None:
        """Where ``operation`` is written, or None (not read from a file, or a copy's new one)."""
        return next((where for op, where in self.operations if op is operation), None)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Written)

    def __hash__(self) -> int:
        return hash(_Written)


class Scenario(BaseModel):
    """A named, sourced set of operations on the network (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    description: str = ""
    source: str = Field(min_length=1)
    year: int | None = Field(default=None, ge=YEARS.start, le=YEARS.stop - 1)
    """Year to evaluate the scenario in (default: the baseline's); :func:`compare` sets it
    against the baseline evaluated in the same year."""
    demand_growth: Growth = 1.0
    """Factor on every demand row when the scenario is compared on a demand table."""
    operations: list[Operation] = Field(default_factory=list)
    _written: _Written = PrivateAttr(default_factory=_Written)

    @classmethod
    def from_yaml(cls, path: str | Path) -> Scenario:
        """Read and validate a scenario file.

        The scenario keeps the line of each operation (and of the cells it writes), so that
        :meth:`apply` names them when the data it leaves fail a cross-table check.

        Raises
        ------
        ScenarioError
            Naming the file, the line and the field path of the first problem.
        """
        scenario, node = load_yaml(cls, path)
        wheres = operation_wheres(node, str(path))
        if len(wheres) == len(scenario.operations):
            scenario._written = _Written(tuple(zip(scenario.operations, wheres, strict=True)))
        return scenario

    def apply(self, network: Network) -> Network:
        """A new network with the operations applied; ``network`` is left unchanged.

        Raises
        ------
        ScenarioError
            If an operation names an unknown element or field (with the line of the field or
            the operation in the scenario's file), or leaves the data invalid. A
            cross-table problem names where the offending row was written: for a row this
            scenario wrote, the line (and column) in its file (``operations.N`` if it was
            built in Python); for another row, its CSV file and line, or its scenario file.
        """
        dataset = network.dataset
        tables: dict[str, list[Any]] = {name: list(getattr(dataset, name)) for name in _SCHEMAS}
        # each row (kept alive, so ids are not reused) with where it was written
        origin = {
            id(row): (row, where) for name in _SCHEMAS for where, row in dataset.located(name)
        }
        own: dict[str | None, str | None] = {}  # this scenario's files -> as its errors show them
        keys = source_keys(dataset.data_dir)
        try:
            check_source(self.source, keys)
        except ValueError as error:
            raise ScenarioError(f"scenario {self.name!r}, source: {error}") from None
        for number, op in enumerate(self.operations):
            where = f"scenario {self.name!r}, operations.{number}"
            try:
                _apply(op, tables, keys)
            except (ValueError, KeyError, TypeError, ValidationError) as error:
                raise ScenarioError(self._operation_error(number, op, error)) from None
            written = self._written.of(op) or Where(where)
            own[written.file] = None if written.line is not None else f"operations.{number}"
            for rows in tables.values():
                for row in rows:
                    origin.setdefault(id(row), (row, written))
        located = {
            name: [(origin[id(row)][1], row) for row in rows] for name, rows in tables.items()
        }
        others = {
            name: dataset.located(name)
            for name in ("emissions", "hub_emissions", "cargo_profiles", "rates", "containers")
        }
        try:
            check_references(located | others)
        except DataError as error:
            at = location(own.get(error.file, error.file), error.row, error.column)
            raise ScenarioError(
                f"scenario {self.name!r} leaves the data invalid: "
                + (f"{at}: {error.detail}" if at else error.detail)
            ) from None
        where_now = {name: tuple(w for w, _ in rows) for name, rows in located.items()}
        kept = {place.id for place in tables["places"]}
        removed = [p for p in (*dataset.removed_places, *dataset.places) if p.id not in kept]
        changed: dict[str, Any] = {k: tuple(v) for k, v in tables.items()}
        dataset = dataclasses.replace(
            dataset,
            **changed,
            where=dict(dataset.where) | where_now,
            removed_places=tuple({p.id: p for p in removed}.values()),
        )
        return Network(dataset, self.year if self.year is not None else network.year)

    def _operation_error(self, number: int, op: object, error: Exception) -> str:
        """The message of an operation that failed: ``scenario 'x', line 7, operations.2: ...``.

        The line in the scenario's file is that of the field at fault if the operation writes
        it, else the operation's (none for a scenario built in Python).
        """
        message, field = _message(error)
        written = self._written.of(op)
        line = f"line {written.line_of(field)}, " if written else ""
        return f"scenario {self.name!r}, {line}operations.{number}: {message}"


class _CellError(ValueError):
    """An operation's error about one cell it writes: ``field`` (``id``, ``source``, ...)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def _message(error: Exception) -> tuple[str, str | None]:
    """An operation's error as text, and the field it is about (None: the operation)."""
    if isinstance(error, ValidationError):
        missing = [str(e["loc"][0]) for e in error.errors() if e["type"] == "missing" and e["loc"]]
        if len(missing) > 1:  # all at once, not one per try
            return f"missing fields {', '.join(missing)}", missing[0]
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else None
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}", field
    text = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    return text, getattr(error, "field", None)


def _find(rows: list[Any], table: str, element_id: str) -> int:
    for i, row in enumerate(rows):
        if _key(table, row) == element_id:
            return i
    keys = sorted(_key(table, r) for r in rows)
    close = difflib.get_close_matches(element_id, keys, n=3)
    if close:
        msg = f"no {table[:-1]} {element_id!r}; did you mean {', '.join(map(repr, close))}?"
    else:
        msg = f"no {table[:-1]} {element_id!r} (e.g. {', '.join(keys[:5])}, ...)"
    raise _CellError(msg, "id")


def _check_fields(table: str, current: dict[str, Any], names: Iterable[str]) -> None:
    """Raise ValueError for names that are no field of a row of ``table`` (did you mean)."""
    fields = current.keys() | ({"speed_kmh"} if table == "legs" else set())
    unknown = set(names) - fields
    if unknown:
        msg = f"unknown field(s) {', '.join(sorted(unknown))} for {table}"
        close = [
            match
            for name in sorted(unknown)
            for match in difflib.get_close_matches(name, sorted(fields), n=1)
        ]
        if close:
            msg += f"; did you mean {', '.join(close)}?"
        raise _CellError(msg, min(unknown))


def check_update(network: Network, table: str, element_id: str, fields: Iterable[str]) -> None:
    """Check that ``network`` has the element and its fields an ``update`` would change.

    Raises
    ------
    ScenarioError
        For an unknown element or field, with the closest names (did you mean).
    """
    rows = list(getattr(network.dataset, table))
    try:
        _check_fields(table, dataclasses.asdict(rows[_find(rows, table, element_id)]), fields)
    except ValueError as error:
        raise ScenarioError(_message(error)[0]) from None


def _check_source_cell(row: dict[str, Any], keys: frozenset[str]) -> None:
    """:func:`corridor.data.check_source` on a row an ``add`` writes, as a :class:`_CellError`."""
    try:
        check_source(str(row.get("source", "")), keys)
    except ValueError as error:
        raise _CellError(str(error), "source") from None


def _apply(op: Add | Update | Close, tables: dict[str, list[Any]], keys: frozenset[str]) -> None:
    if isinstance(op, Add):
        _check_source_cell(op.row, keys)
        tables[op.add].append(_SCHEMAS[op.add].model_validate(op.row).to_value())
    elif isinstance(op, Update):
        rows = tables[op.update]
        i = _find(rows, op.update, op.id)
        rows[i] = _SCHEMAS[op.update].model_validate(_updated(op, rows[i])).to_value()
    else:
        rows = tables[op.close]
        i = _find(rows, op.close, op.id)
        if op.year is not None:
            if op.close != "legs":
                msg = f"only legs close from a year; remove the {op.close[:-1]} (no year) instead"
                raise ValueError(msg)
            rows[i] = dataclasses.replace(rows[i], closes=op.year)
            return
        del rows[i]
        if op.close == "places":  # what touches a removed place goes with it
            tables["legs"] = [x for x in tables["legs"] if op.id not in (x.origin, x.destination)]
            tables["transfers"] = [x for x in tables["transfers"] if x.place != op.id]
            tables["crossings"] = [
                x for x in tables["crossings"] if op.id not in (x.cn_place, x.vn_place)
            ]
        elif op.close == "legs":  # and so do the crossings cleared on a removed leg
            tables["crossings"] = [x for x in tables["crossings"] if x.leg != op.id]


def _updated(op: Update, row: object) -> dict[str, Any]:
    """A row's values after an ``update``, as its table's schema reads them.

    A leg's ``speed_kmh`` scaled divides its hours; a leg's ``km`` changed keeps its speed
    (or the speed scaled with it): its hours change in proportion, unless ``hours`` or
    ``speed_kmh`` is set.
    """
    current = dataclasses.asdict(row)  # type: ignore[call-overload]
    changed = op.set.keys() | op.scale.keys()
    _check_fields(op.update, current, changed)
    values: dict[str, Any] = current | op.set
    for name, factor in op.scale.items():
        if name == "speed_kmh":  # a leg keeps its hours: faster by f, hours ÷ f
            if not factor:
                msg = "speed_kmh scales by a factor above 0 (close the leg instead)"
                raise _CellError(msg, name)
            values["hours"] = current["hours"] / factor
            continue
        value = current[name]
        if isinstance(value, bool) or not isinstance(value, (int, float, type(None))):
            msg = f"scale multiplies numbers and {name} is not one: set it instead"
            raise _CellError(msg, name)
        values[name] = value * factor if value is not None else None
    km = values.get("km")  # a km that is no positive number is left to the schema to name
    new_km = "km" in changed and isinstance(km, (int, float)) and km > 0
    if op.update == "legs" and new_km and "hours" not in changed and "speed_kmh" not in op.set:
        values["hours"] *= km / current["km"]  # the same speed, or the speed scaled
    if "speed_kmh" in op.set:
        values.pop("hours", None)
    elif op.update == "legs":
        values["speed_kmh"] = None
    return values


def apply_all(network: Network, scenarios: Iterable[Scenario]) -> Network:
    """Apply scenarios in order (they compose); the last one with a year sets the year."""
    for scenario in scenarios:
        network = scenario.apply(network)
    return network
