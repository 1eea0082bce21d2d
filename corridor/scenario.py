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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import numpy as np
import pandas as pd
import yaml
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

from corridor.data import (
    BorderCrossingRow,
    LegRow,
    PlaceRow,
    TariffRow,
    TransferRow,
    Where,
    _check_references,
    check_source,
    default_data_dir,
    read_csv_table,
    read_text,
    source_keys,
)
from corridor.errors import (
    DataError,
    InvalidRequestError,
    ScenarioError,
    UnknownPlaceError,
    location,
)
from corridor.model import blank, check_month, check_objective
from corridor.network import YEARS, Network
from corridor.planning import Plan, grown_demand, plan, read_demand
from corridor.planning.request import OBJECTIVES as PLAN_OBJECTIVES
from corridor.routing import OBJECTIVES as QUOTE_OBJECTIVES
from corridor.routing import quote_many

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Table = Literal["places", "legs", "transfers", "crossings", "tariffs"]
_SCHEMAS = {
    "places": PlaceRow,
    "legs": LegRow,
    "transfers": TransferRow,
    "crossings": BorderCrossingRow,
    "tariffs": TariffRow,
}


def _key(table: str, element: Any) -> str:  # noqa: ANN401 - any table's value type
    if table == "tariffs":
        return f"{element.mode.value}:{element.country}"
    if table == "transfers":
        return f"{element.place}:{element.from_mode.value}>{element.to_mode.value}"
    return element.id


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
    scale: dict[str, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    """Factors, 0 or more; a leg's ``speed_kmh`` scales its running time by the inverse."""

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
    demand_growth: float = Field(default=1.0, gt=0)
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
        wheres = _operation_wheres(node, str(path))
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
        others = {name: dataset.located(name) for name in ("emissions", "cargo_profiles", "rates")}
        try:
            _check_references(located | others)
        except DataError as error:
            at = location(own.get(error.file, error.file), error.row, error.column)
            raise ScenarioError(
                f"scenario {self.name!r} leaves the data invalid: "
                + (f"{at}: {error.detail}" if at else error.detail)
            ) from None
        where_now = {name: tuple(w for w, _ in rows) for name, rows in located.items()}
        kept = {place.id for place in tables["places"]}
        removed = [p for p in (*dataset.removed_places, *dataset.places) if p.id not in kept]
        dataset = dataclasses.replace(
            dataset,
            **{k: tuple(v) for k, v in tables.items()},
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


ModelT = TypeVar("ModelT", bound=BaseModel)


def load_yaml(model: type[ModelT], path: str | Path) -> tuple[ModelT, yaml.Node | None]:
    """A YAML file as a pydantic model, and its node tree (which knows each node's line).

    Raises
    ------
    ScenarioError
        Naming the file, the line and the field path of the first problem.
    """
    path = Path(path)
    try:
        loader = yaml.SafeLoader(read_text(path))
        try:
            node = loader.get_single_node()
            raw = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except DataError as error:  # not UTF-8
        raise ScenarioError(str(error)) from None
    except yaml.MarkedYAMLError as error:  # one line: where, and what the parser met
        mark = error.problem_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = error.problem or "a syntax error"
        if error.context and error.context_mark:
            what += f" {error.context} from line {error.context_mark.line + 1}"
        raise ScenarioError(f"{path}{where}: not valid YAML: {what}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    if raw is None:
        raise ScenarioError(f"{path}: the file is empty")
    try:
        return model.model_validate(raw), node
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        at = location(str(path), line_at(node, first["loc"]))
        message = first["msg"].removeprefix("Value error, ")  # a validator's own message
        if first["type"] == "extra_forbidden" and len(first["loc"]) == 1:
            close = difflib.get_close_matches(str(first["loc"][0]), model.model_fields, n=1)
            message += f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError(f"{at}: {where}: {message}") from None


def line_at(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The line (from 1) of the YAML node at a pydantic error's ``loc``.

    Parts that name no node are passed over: a missing field gives the line of the mapping
    that lacks it, and a union's tag (``update`` in ``operations.0.update.set``, also a key
    whose value is a plain name) is not followed while the path goes on. A key written twice
    is its last (the value PyYAML keeps); an alias gives the line of its anchor.
    """
    for depth, part in enumerate(loc, 1):
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in reversed(node.value) if k.value == str(part)), None)
            if found is not None and (depth == len(loc) or not isinstance(found, yaml.ScalarNode)):
                node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if 0 <= part < len(node.value) else node
    return None if node is None else node.start_mark.line + 1


def _operation_wheres(node: yaml.Node | None, file: str) -> list[Where]:
    """Where each item of a scenario file's ``operations`` list is written.

    Its line (from 1), and the lines of the cells it names: ``id`` and the keys of ``row``,
    ``set`` and ``scale``.
    """
    items = next(
        (
            value
            for key, value in (node.value if isinstance(node, yaml.MappingNode) else [])
            if key.value == "operations"
        ),
        None,
    )
    if not isinstance(items, yaml.SequenceNode):
        return []
    wheres = []
    for item in items.value:
        cells: dict[str, int] = {}
        for key, value in item.value if isinstance(item, yaml.MappingNode) else []:
            if key.value == "id":
                cells["id"] = key.start_mark.line + 1
            elif key.value in {"row", "set", "scale"} and isinstance(value, yaml.MappingNode):
                cells |= {
                    cell.value: cell.start_mark.line + 1
                    for cell, _ in value.value
                    if isinstance(cell, yaml.ScalarNode)
                }
        wheres.append(Where(file, item.start_mark.line + 1, cells))
    return wheres


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


def _check_update(network: Network, table: str, element_id: str, fields: Iterable[str]) -> None:
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
    values = current | op.set
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


# --- comparison -------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """KPIs side by side (one row per case) and the OD pairs whose best route changed.

    ``kpis`` has a row per baseline year (``baseline`` for the network given, ``baseline
    2028`` for another year a scenario is evaluated in) and a row per scenario, whose
    ``compared_with`` names the baseline row of its year.
    """

    kpis: pd.DataFrame
    changes: pd.DataFrame
    scenarios: tuple[Scenario, ...] = ()
    """The scenarios compared, in the order of their KPI rows (after the baseline rows)."""
    notes: tuple[str, ...] = ()
    """What a reader must know to read the figures (a scenario evaluated in its own year)."""

    def chart(self) -> Figure:
        """A bar chart of the KPIs' change from the baseline (see :mod:`corridor.charts`)."""
        from corridor.charts import comparison_chart

        return comparison_chart(self)

    def to_html(self, title: str = "Scenario comparison") -> str:
        """A self-contained HTML report (see :func:`corridor.report.comparison_html`)."""
        from corridor.report import comparison_html

        return comparison_html(self, self.scenarios, title=title)


BASELINE = "baseline"
"""Case name of the baseline network given to :func:`compare`."""


def compare(
    baseline: Network,
    scenarios: Sequence[Scenario],
    *,
    shipments: pd.DataFrame | Sequence[dict[str, Any]] | None = None,
    demand: pd.DataFrame | str | Path | None = None,
    objective: str = "cost",
    month: int | None = None,
) -> Comparison:
    """Run the baseline and each scenario on the same shipments and/or demand table.

    ``shipments`` are quoted one by one (any :func:`corridor.quote` options per row);
    ``demand`` is planned under capacities (scaled by each scenario's ``demand_growth``);
    both by ``objective`` (``cost`` or ``generalised``; quotes alone also ``time`` or ``co2``),
    and in ``month`` (1–12: its seasonal legs and peak clearance times) if given.
    The ``mean_*`` KPIs are over the shipments quoted in every case compared
    (``shipments_compared``; a baseline of a year no scenario is evaluated in is not
    compared), so a shipment that fails in one case does not shift the others' means;
    :attr:`Comparison.notes` names the failures.

    A scenario is compared with the baseline of the year it is evaluated in. One that sets
    its own ``year`` (the dual-gauge link in 2028, say) is not set against the baseline
    network's year, which would add the network's changes between the two years to the
    project's: the baseline's data are evaluated in that year too (case ``baseline 2028``),
    on the same shipments and demand, and :attr:`Comparison.notes` says so.

    Raises
    ------
    ScenarioError
        With neither shipments nor demand, two scenarios of one name or one named as a
        baseline case (``baseline``), or if a scenario cannot be applied.
    DataError
        For a demand table a case cannot read (the message names the case).
    InvalidRequestError
        For an objective the quotes or plans do not know, or a month that is not 1–12.
    UnknownPlaceError
        For a shipment's origin or destination that no case's network has in service, before
        any case runs (with suggestions, or when it opens); a place that only some cases
        lack gives a note.
    """
    if shipments is None and demand is None:
        msg = "compare needs shipments, a demand table or both"
        raise ScenarioError(msg)
    _check_names(scenarios)
    allowed = PLAN_OBJECTIVES if demand is not None else QUOTE_OBJECTIVES
    what = "a demand table" if demand is not None else "shipments"
    objective = check_objective(objective, allowed, f" with {what}")
    check_month(month)
    in_month = {} if month is None else {"month": month}
    if isinstance(demand, (str, Path)):  # once: a file's own errors are no case's
        demand = read_csv_table(demand)
    cases, notes = _cases(baseline, scenarios)
    pairs = [(name, against) for name, _, _, against in cases if against is not None]
    quotes = {}
    if shipments is not None:
        _check_places(shipments, [network for _, network, _, _ in cases])
        quotes = {
            name: quote_many(shipments, network=network, objective=objective, **in_month)
            for name, network, _, _ in cases
        }
        _raise_if_every_shipment_fails_alike(quotes[BASELINE])
    common = _quoted_everywhere(quotes, pairs)
    if shipments is not None:
        notes += _shipment_notes(quotes, int(common.sum()))
    unread: set[str] = set()
    if demand is not None:
        unread = _check_demand(demand, cases, pairs, objective, notes)
    kpis, routes = [], {}
    for name, network, scenario, against in cases:
        row: dict[str, Any] = {"case": name, "year": network.year, "compared_with": against}
        if shipments is not None:
            table = quotes[name]
            ok = table[common & (table["status"] == "ok")]
            routes[name] = table[["origin", "destination", "modes", "gates", "places"]]
            row |= {
                "quoted": int((table["status"] == "ok").sum()),
                "failed": int((table["status"] != "ok").sum()),
                "shipments_compared": len(ok),
                "mean_cost_usd": ok["cost_usd"].mean(),
                "mean_planned_hours": ok["planned_hours"].mean(),
                "mean_co2e_kg": ok["co2e_kg"].mean(),
            }
        if demand is not None and name not in unread:
            growth = scenario.demand_growth if scenario else 1.0
            result = plan(
                grown_demand(demand, growth),
                network=network,
                objective=objective,
                marginal=True,
                month=month,
            )
            row |= _plan_kpis(result)
        kpis.append(row)
    return Comparison(pd.DataFrame(kpis), _changes(routes, pairs), tuple(scenarios), tuple(notes))


_Case = tuple[str, Network, Scenario | None, str | None]
"""A case of a comparison: its name, network, scenario (None: a baseline) and the name of
the baseline case it is compared with."""


def _cases(baseline: Network, scenarios: Sequence[Scenario]) -> tuple[list[_Case], list[str]]:
    """The baseline, a baseline for each other year a scenario sets, then the scenarios.

    Also the notes that say which scenario is compared with the baseline of its own year.
    """
    cases: list[_Case] = [(BASELINE, baseline, None, None)]
    by_year = {baseline.year: BASELINE}
    notes = []
    patched = [(s, s.apply(baseline)) for s in scenarios]
    for s, network in patched:
        if network.year not in by_year:
            by_year[network.year] = f"{BASELINE} {network.year}"
            cases.append(
                (by_year[network.year], Network(baseline.dataset, network.year), None, None)
            )
        if network.year != baseline.year:
            notes.append(
                f"{s.name!r} sets year {network.year}: compared with the baseline of "
                f"{network.year} ({by_year[network.year]!r}), not of {baseline.year}, on the "
                "same shipments and demand"
            )
    cases += [(s.name, network, s, by_year[network.year]) for s, network in patched]
    return cases, notes


def _check_demand(
    demand: pd.DataFrame,
    cases: list[_Case],
    pairs: list[tuple[str, str]],
    objective: str,
    notes: list[str],
) -> set[str]:
    """Read the demand table against every case's network before planning any.

    A problem every case has is the table's own: its error as :func:`plan` raises it. One
    that only some cases have (a place a scenario removes or adds, or that opens in one
    case's year) is an error naming the first such case, unless that case is a baseline no
    scenario is compared with: its plan is then left out, with a note. Returns the cases
    left out.

    Raises
    ------
    DataError
        As said, with ``.problems`` holding each row's error.
    """
    compared = _compared(pairs)
    needs_value = objective == "generalised"
    failed: dict[str, DataError] = {}
    for name, network, _, _ in cases:
        try:
            read_demand(demand, network, needs_value=needs_value)
        except DataError as error:
            failed[name] = error
    if not failed:
        return set()
    seen = {tuple((p.row, p.column, p.detail) for p in e.problems) for e in failed.values()}
    if len(failed) == len(cases) and len(seen) == 1:
        raise next(iter(failed.values()))
    for name, error in failed.items():
        if name in compared:
            raise error.within(f"case {name!r}")
        notes.append(f"{name!r} is not compared and cannot read the demand table: {error}")
    return set(failed)


def _plan_kpis(result: Plan) -> dict[str, Any]:
    """A plan's KPIs in a comparison: objective, totals, mode shares, top bottleneck."""
    split = result.mode_split / result.mode_split.sum()
    return (
        {"plan_objective_usd_per_day": result.objective_usd_per_day}
        | {f"plan_{k}": v for k, v in result.totals.items()}
        | {f"share_{mode}": share for mode, share in split.items()}
        | {"top_bottleneck": _top_bottleneck(result)}
    )


def _check_places(
    shipments: pd.DataFrame | Sequence[dict[str, Any]], networks: Sequence[Network]
) -> None:
    """Raise for a shipment's origin or destination that is a place in no case's network.

    A place that only some cases lack (removed by a scenario, or open in one case's year
    only) is left to the quotes: a failure there is a note, not an error.

    Raises
    ------
    UnknownPlaceError
        As :func:`corridor.quote` would for the first case: with did-you-mean suggestions,
        or a :class:`PlaceNotOpenError` saying when the place opens.
    """
    rows = shipments.to_dict("records") if isinstance(shipments, pd.DataFrame) else shipments
    for row in rows:
        for name in (row.get("origin"), row.get("destination")):
            if not isinstance(name, str) or not name.strip():
                continue  # missing or malformed: quote_many reports it row by row
            errors = []
            for network in networks:
                try:
                    network.place(name)
                except UnknownPlaceError as error:
                    errors.append(error)
                else:
                    break
            else:
                raise errors[0]


def _check_names(scenarios: Sequence[Scenario]) -> None:
    """Raise for two scenarios of one name, or one named as a baseline case.

    The KPI rows, routes and charts are keyed by case name.
    """
    seen: set[str] = set()
    for scenario in scenarios:
        name = scenario.name
        if name in seen:
            msg = f"two scenarios are named {name!r}: give each its own name to compare them"
            raise ScenarioError(msg)
        if name == BASELINE or re.fullmatch(rf"{BASELINE} \d+", name):
            msg = f"a scenario cannot be named {name!r}, the name of a baseline case"
            raise ScenarioError(msg)
        seen.add(name)


def _compared(pairs: list[tuple[str, str]]) -> set[str]:
    """The cases some comparison uses, from the (scenario, its baseline) ``pairs``.

    A baseline of a year in which no scenario is evaluated is not among them; without
    scenarios, the baseline is.
    """
    return {case for pair in pairs for case in pair} or {BASELINE}


def _quoted_everywhere(quotes: dict[str, pd.DataFrame], pairs: list[tuple[str, str]]) -> pd.Series:
    """Which shipments (rows) were quoted in every case compared: the set the means are over.

    ``pairs``: (scenario case, its baseline case). A baseline of a year in which no scenario
    is evaluated is not compared (without scenarios, the baseline is).
    """
    tables = [t for case, t in quotes.items() if case in _compared(pairs)]
    if not tables:
        return pd.Series(dtype=bool)
    return pd.concat([t["status"] == "ok" for t in tables], axis=1).all(axis=1)


def _shipment_notes(quotes: dict[str, pd.DataFrame], common: int) -> list[str]:
    """A note per case with failed quotes: which, why, and what the means are over.

    ``common`` is the number of shipments quoted in every case compared.
    """
    notes = []
    for case, table in quotes.items():
        failed = table[table["status"] != "ok"]
        if failed.empty:
            continue
        first = failed.iloc[0]
        where = (
            f"the means are over the {common} shipment{'s' * (common != 1)} quoted in every "
            "case compared"
            if common
            else "no shipment was quoted in every case compared: no means"
        )
        notes.append(
            f"{case!r}: {len(failed)} of {len(table)} shipments failed (first: "
            f"{_named(first['origin'])} → {_named(first['destination'])}: {first['message']}); "
            f"{where}"
        )
    return notes


def _named(place: object) -> str:
    """A shipment's origin or destination as written, ``(none)`` for a blank cell."""
    return "(none)" if blank(place) else str(place)


KPI_INTEGERS = ("year", "quoted", "failed", "shipments_compared")
"""KPIs that count (printed without decimals)."""


def format_kpis(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KPI table as text, one row per KPI and one column per case, for people to read.

    Shares as percent; counts and years as integers; hours to 0.1; other numbers to 3
    decimals between 0 and 1, else (0 included) to the unit with thousands separators; no
    ``-0``; missing values blank.
    """
    table = kpis.set_index("case")
    text = {}
    for name, column in table.items():
        text[name] = [_format_kpi(str(name), value) for value in column]
    return pd.DataFrame(text, index=table.index).T


def _format_kpi(name: str, value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    if name.startswith("share_"):
        return f"{round(number * 100, 1) + 0.0:.1f} %"
    if name in KPI_INTEGERS:
        return str(round(number))
    digits = 1 if name.endswith("_hours") else 3 if 0 < abs(number) < 1 else 0
    return f"{round(number, digits) + 0.0:,.{digits}f}"


def _top_bottleneck(result: Plan) -> str:
    """The saturated capacity whose next TEU/day saves most; empty when none saves anything.

    Re-solved values, so a degenerate LP's choice among equal duals shows as no change.
    """
    top = result.bottlenecks.head(1)
    if top.empty:
        return ""
    row = top.iloc[0]
    saving = row["marginal_saving_usd"]
    if np.isnan(saving):  # not re-solved (column generation): the LP's shadow price
        return f"{row['ref']} {row['direction']} (shadow price {row['shadow_price_usd']:,.0f})"
    if saving <= 0:
        return ""
    return f"{row['ref']} {row['direction']} (+1 TEU/day saves {saving:,.0f} USD/day)"


def _raise_if_every_shipment_fails_alike(table: pd.DataFrame) -> None:
    """Raise the request error every baseline shipment got, as the comparison's own.

    The generalised objective without goods values, say: an error, not a note per case.
    """
    errors = set(zip(table["status"], table["message"], strict=True))
    if len(errors) == 1:
        status, message = errors.pop()
        if status == InvalidRequestError.__name__:
            raise InvalidRequestError(f"every shipment: {message}")


def _changes(routes: dict[str, pd.DataFrame], pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """Shipments (by row) whose best route differs from the baseline's of the same year.

    ``pairs``: (scenario case, the baseline case it is compared with).
    """
    columns = ["case", "origin", "destination", "before", "after"]
    if not routes:
        return pd.DataFrame(columns=columns)
    rows = []
    for case, against in pairs:
        base, table = routes[against], routes[case]
        for (_, old), (_, new) in zip(base.iterrows(), table.iterrows(), strict=True):
            if _same_route(old, new):
                continue
            before, after = _describe(old), _describe(new)
            if before == after:  # the same modes and gates, through other places
                before, after = _describe(old, places=True), _describe(new, places=True)
            rows.append(
                {
                    "case": case,
                    "origin": new["origin"],
                    "destination": new["destination"],
                    "before": before,
                    "after": after,
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _same_route(old: pd.Series, new: pd.Series) -> bool:
    """Whether two quoted rows took the same route: modes, gates and places (or neither)."""
    return all(
        (pd.isna(old[c]) and pd.isna(new[c])) or old[c] == new[c]
        for c in ("modes", "gates", "places")
    )


def _describe(route: pd.Series, *, places: bool = False) -> str:
    """``rail_1435 → road via hekou_kim_thanh``; with ``places``, the places it passes too."""
    if pd.isna(route.get("modes")):
        return "no route"
    gates = route.get("gates") or ""
    text = f"{route['modes']}" + (f" via {gates}" if gates else "")
    return text + (f" ({route['places']})" if places else "")


def shipped_scenarios(folder: str | Path | None = None) -> list[Path]:
    """The scenario files shipped in ``data/scenarios`` (or in ``folder``)."""
    root = Path(folder) if folder else default_data_dir() / "scenarios"
    return sorted(root.glob("*.yaml"))


def find_scenario(name: str | Path, folder: str | Path | None = None) -> Path:
    """A scenario file by path, or by the name of a shipped one (as ``scenario list`` prints).

    ``name`` is taken as a path if that file exists; otherwise a bare name (no folder) is
    looked up in ``folder`` (default ``data/scenarios``), with or without ``.yaml``.

    Raises
    ------
    ScenarioError
        If neither exists, with the closest shipped names.

    Examples
    --------
    >>> find_scenario("lao-cai-smart-gate").name
    'lao-cai-smart-gate.yaml'
    """
    path = Path(name)
    return path if path.is_file() else shipped_scenario(path, folder)


def shipped_scenario(name: str | Path, folder: str | Path | None = None) -> Path:
    """A shipped scenario by its name (``folder``, default ``data/scenarios``), ``.yaml`` or not.

    Raises
    ------
    ScenarioError
        If there is none of that name (``file not found``), with the closest shipped names;
        a name with a folder in it is no shipped scenario's.
    """
    path = Path(name)
    shipped = {p.name: p for p in shipped_scenarios(folder)}
    if path.parent == Path():
        for candidate in (path.name, f"{path.name}.yaml"):
            if candidate in shipped:
                return shipped[candidate]
    msg = f"{path}: file not found"
    close = difflib.get_close_matches(path.name, list(shipped), n=3)
    if path.parent == Path() and close:
        msg += f", nor a shipped scenario; did you mean {', '.join(close)}?"
    raise ScenarioError(msg)


def check_file(path: str | Path, network: Network) -> Scenario:
    """Read a scenario file and apply it to ``network``, as :func:`compare` will.

    Reading checks the format; applying checks that every element and field it names exists
    and that the data stay valid (the baseline is left unchanged).

    Raises
    ------
    ScenarioError
        Naming the file and the first problem.
    """
    scenario = Scenario.from_yaml(path)
    try:
        scenario.apply(network)
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from None
    return scenario


__all__ = [
    "Add",
    "Close",
    "Comparison",
    "Scenario",
    "Update",
    "apply_all",
    "check_file",
    "compare",
    "find_scenario",
    "format_kpis",
    "shipped_scenarios",
]
