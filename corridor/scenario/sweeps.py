"""Scenario sweeps: a grid or Monte Carlo over scenario parameters, planned run by run.

A sweep spec (YAML, validated with pydantic) names a demand table, a year, scenario files
applied first, and the parameters to vary:

```yaml
name: SGR tariff x demand growth
year: 2031
demand: ../demand/sample_2031.csv        # relative to this file
scenarios: []                            # relative to this file, or shipped names
grid:
  demand_growth: [1.0, 1.25, 1.5]
  tariffs.rail_1435:any.usd_per_teu_km: [0.2, 0.31, 0.45]
```

or, instead of ``grid`` (not both), random draws:

```yaml
monte_carlo:
  runs: 200
  seed: 1
  ranges: {crossings.hekou_kim_thanh.capacity_teu_day: [750, 3000]}
```

A parameter is ``demand_growth`` or ``table.id.field`` (the value is set; write
``table.id.field*`` to multiply instead). Before any run, :func:`check_spec` checks once what
every run shares (the data, the scenario files, the demand table, the elements and fields
the parameters name) and raises on a problem there. Each run then applies the scenarios and
parameters to the baseline network, plans the demand, and gives one row of KPIs. Runs go to
a local process pool by default, or to a Dask distributed cluster given its scheduler
address; a failing run (a value that makes the data invalid) gives a row with its error, and
the sweep goes on.

The data folder is not part of the spec: as for :func:`~corridor.network.load_network` and
the other commands, it is given with the sweep (``data_dir``, ``corridor sweep --data`` or
``$CORRIDOR_DATA``; default: the shipped data), so one spec can be swept on several
versions of the data. It is passed to every run, in a local process or on a Dask worker
(which must see the folder at that path).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, cast

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from corridor import units
from corridor.errors import CorridorError, InvalidRequestError, ScenarioError, location
from corridor.model import check_objective
from corridor.network import YEARS, load_network
from corridor.planning import grown_demand, plan, read_demand
from corridor.planning.request import OBJECTIVES as PLAN_OBJECTIVES
from corridor.progress import ProgressCallback
from corridor.scenario.files import find_scenario, shipped_scenario
from corridor.scenario.kpis import plan_kpis
from corridor.scenario.loading import line_at, load_yaml
from corridor.scenario.parallel import check_workers, run_all
from corridor.scenario.patch import (
    Add,
    Close,
    Scenario,
    Table,
    Update,
    apply_all,
    check_update,
)

DEMAND_GROWTH = "demand_growth"
Seconds = Annotated[float, units.SECONDS.validator()]


def _check_growth(name: str, values: Iterable[float]) -> None:
    """Demand growth factors are in :data:`corridor.units.GROWTH`, as a scenario's are."""
    for value in values if name == DEMAND_GROWTH else ():
        if not units.GROWTH.contains(value):
            msg = f"{DEMAND_GROWTH} must be {units.GROWTH.describe()}, got {value:g}"
            raise ValueError(msg)


class MonteCarlo(BaseModel):
    """Random draws: ``runs`` combinations, each parameter uniform in its range, seeded."""

    model_config = ConfigDict(extra="forbid")
    runs: int = Field(gt=0, le=100_000)
    seed: int = 0
    ranges: dict[str, tuple[float, float]]

    @field_validator("ranges")
    @classmethod
    def _parameters(cls, ranges: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        for name, (low, high) in ranges.items():
            _parse_parameter(name)
            if low > high:
                msg = f"{name}: the range [{low:g}, {high:g}] goes down; write [low, high]"
                raise ValueError(msg)
            _check_growth(name, (low, high))
        return ranges


class SweepSpec(BaseModel):
    """A sweep: demand, year, scenarios applied first, and the parameters to vary."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    year: int = Field(default=2026, ge=YEARS.start, le=YEARS.stop - 1)
    demand: Path
    scenarios: list[Path] = Field(default_factory=list)
    objective: str = "cost"
    time_limit_s: Seconds | None = None
    """Time limit of each run's plan, s (none: no limit)."""
    grid: dict[str, list[float]] = Field(default_factory=dict)
    monte_carlo: MonteCarlo | None = None
    _file: str | None = PrivateAttr(default=None)
    _lines: dict[str, int | None] = PrivateAttr(default_factory=dict)

    @field_validator("grid")
    @classmethod
    def _parameters(cls, grid: dict[str, list[float]]) -> dict[str, list[float]]:
        for name, values in grid.items():
            _parse_parameter(name)
            _check_growth(name, values)
        return grid

    @field_validator("objective")
    @classmethod
    def _objective(cls, objective: str) -> str:
        try:
            return check_objective(objective, PLAN_OBJECTIVES)
        except InvalidRequestError as error:
            raise ValueError(str(error)) from None

    @model_validator(mode="after")
    def _grid_or_monte_carlo(self) -> SweepSpec:
        if self.grid and self.monte_carlo is not None:
            msg = "give either grid or monte_carlo, not both"
            raise ValueError(msg)
        return self

    @classmethod
    def from_yaml(cls, path: str | Path) -> SweepSpec:
        """Read a spec; relative paths in it are relative to the file.

        Raises
        ------
        ScenarioError
            Naming the file and the field path of the first problem.
        """
        spec, node = load_yaml(cls, path)
        root = Path(path).resolve().parent
        spec = spec.model_copy(
            update={
                "demand": root / spec.demand,
                "scenarios": [_beside(root, s) for s in spec.scenarios],
            }
        )
        spec._file = str(path)
        spec._lines = {name: line_at(node, (*spec._table, name)) for name in spec.parameters}
        return spec

    @property
    def _table(self) -> tuple[str, ...]:
        """Where the parameters are written: ``grid`` or ``monte_carlo.ranges``."""
        return ("monte_carlo", "ranges") if self.monte_carlo is not None else ("grid",)

    def _where(self, parameter: str) -> str:
        """``spec.yaml, line 8: grid: name`` (``sweep 'x', grid: name`` when not from a file)."""
        at = f"{location(self._file, self._lines.get(parameter))}:" if self._file else None
        return f"{at or f'sweep {self.name!r},'} {'.'.join(self._table)}: {parameter}"

    @property
    def parameters(self) -> list[str]:
        """The names of the parameters varied: the grid's, or the Monte Carlo ranges'."""
        return list(self.monte_carlo.ranges if self.monte_carlo is not None else self.grid)

    def runs(self) -> list[dict[str, float]]:
        """Every run's parameter values: the grid's combinations, or the Monte Carlo draws."""
        if self.monte_carlo is not None:
            rnd = random.Random(self.monte_carlo.seed)
            ranges = self.monte_carlo.ranges
            return [
                {name: rnd.uniform(low, high) for name, (low, high) in ranges.items()}
                for _ in range(self.monte_carlo.runs)
            ]
        names = list(self.grid)
        return [
            dict(zip(names, values, strict=True))
            for values in itertools.product(*(self.grid[n] for n in names))
        ]


def _beside(root: Path, name: Path) -> Path:
    """A spec's scenario as read: the file beside the spec, else a bare name as written.

    A bare name with no file of that name beside the spec is a shipped scenario's, looked
    up in the data folder of the sweep (:func:`_scenario_file`), never in the working
    directory.
    """
    path = root / name
    return name if name.parent == Path() and not path.is_file() else path


def _scenario_file(spec: SweepSpec, path: Path, data_dir: str | Path | None) -> Path:
    """A scenario file of a spec: a path, or a shipped scenario's name in ``data_dir``.

    A spec read from a file holds absolute paths and shipped names only (:func:`_beside`);
    one built in Python may also hold paths relative to the working directory.
    """
    if path.is_absolute():
        return path
    folder = None if data_dir is None else Path(data_dir) / "scenarios"
    return shipped_scenario(path, folder) if spec._file else find_scenario(path, folder)


def _parse_parameter(name: str) -> tuple[str, str, str, bool] | None:
    """``table.id.field[*]`` → (table, id, field, multiply); ``demand_growth`` → None."""
    if name == DEMAND_GROWTH:
        return None
    multiply = name.endswith("*")
    parts = name.rstrip("*").split(".")
    if len(parts) != 3 or parts[0] not in {
        "places",
        "legs",
        "transfers",
        "crossings",
        "tariffs",
    }:
        msg = (
            f"parameter {name!r} must be 'demand_growth' or 'table.id.field' with a table "
            "of places, legs, transfers, crossings, tariffs"
        )
        raise ValueError(msg)
    return parts[0], parts[1], parts[2], multiply


def run_once(
    spec: SweepSpec, params: dict[str, float], data_dir: str | Path | None = None
) -> dict[str, Any]:
    """One run: apply scenarios and parameters, plan the demand, return the KPIs.

    The network is read from ``data_dir`` (default: the shipped data or ``$CORRIDOR_DATA``).

    The KPIs: ``objective_usd_per_day``, what the plan minimises (with unserved demand at
    :data:`~corridor.planning.UNSERVED_PENALTY_USD_PER_TEU`), then :attr:`Plan.totals
    <corridor.planning.Plan.totals>` (``cost_usd_per_day`` is the cost of what is carried only),
    the mode shares of TEU-km and the top bottleneck (:func:`corridor.scenario.kpis.plan_kpis`).
    """
    row: dict[str, Any] = dict(params)
    try:
        operations: list[Add | Update | Close] = []
        for name, value in params.items():
            parsed = _parse_parameter(name)
            if parsed is None:
                continue
            table, element, field, multiply = parsed
            change = {"scale": {field: value}} if multiply else {"set": {field: value}}
            operations.append(Update(update=cast(Table, table), id=element, **change))
        patch = Scenario(name="sweep parameters", source="estimate: sweep", operations=operations)
        files = [_scenario_file(spec, path, data_dir) for path in spec.scenarios]
        scenarios = [Scenario.from_yaml(path) for path in files]
        network = apply_all(load_network(spec.year, data_dir), [*scenarios, patch])
        growth = math.prod(s.demand_growth for s in scenarios)  # a scenario file's own, too
        demand = grown_demand(spec.demand, growth * params.get(DEMAND_GROWTH, 1.0))
        result = plan(
            demand, network=network, objective=spec.objective, time_limit_s=spec.time_limit_s
        )
    except CorridorError as error:
        return row | {"status": type(error).__name__, "message": str(error)}
    return row | {"status": "ok", "message": ""} | plan_kpis(result)


def sweep(
    spec: SweepSpec | str | Path,
    *,
    data_dir: str | Path | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    progress: bool | ProgressCallback = False,
) -> pd.DataFrame:
    """Run every combination of a sweep; one row per run, in the order of :meth:`runs`.

    Parameters
    ----------
    spec
        A :class:`SweepSpec` or the path of its YAML file.
    data_dir
        The data folder every run reads; a relative path is resolved here, before the runs
        go to other processes. Default: :func:`~corridor.data.default_data_dir` of the
        process that runs each run (its ``$CORRIDOR_DATA``, else the shipped data).
    workers
        Local processes, 1 or more (default: one per core); 1 runs in this process.
    dask_address
        A Dask distributed scheduler (``tcp://host:8786``): run there instead.
    progress
        A callback ``(runs done, runs in all)``, or True for a rich progress bar on stderr.

    Raises
    ------
    InvalidRequestError
        For workers not from 1 to :data:`~corridor.scenario.parallel.MAX_WORKERS`, or given
        with a Dask scheduler, or a Dask scheduler that cannot be reached.
    ScenarioError, DataError
        For a malformed spec, or what would fail every run alike (see :func:`check_spec`).
    """
    workers = check_workers(workers, dask_address)
    spec = spec if isinstance(spec, SweepSpec) else SweepSpec.from_yaml(spec)
    data_dir = None if data_dir is None else Path(data_dir).resolve()  # the same for workers
    check_spec(spec, data_dir)
    runs = [(spec, params, data_dir) for params in spec.runs()]
    rows = run_all(
        run_once,
        runs,
        workers=workers,
        dask_address=dask_address,
        progress=progress,
        label=spec.name,
    )
    return pd.DataFrame(rows)


def check_spec(spec: SweepSpec, data_dir: str | Path | None = None) -> None:
    """Check once, before any run, what every run shares: data, scenarios, demand, names.

    The network of the spec's year is loaded from ``data_dir`` (default: the shipped data),
    the scenario files are applied to it in turn, the demand table is read against it and
    every parameter must name an element and a field of it; a problem there would fail
    every run alike. What depends on a run's values (a value that makes the data invalid)
    is left to that run.

    Raises
    ------
    DataError
        For malformed network data or demand table (the ``generalised`` objective needs
        every row's goods value).
    ScenarioError
        For a scenario file that cannot be applied or sets another year than the sweep's
        (every run would silently be planned in that year), or a parameter naming an unknown
        element or field (with the closest names).
    """
    network = load_network(spec.year, data_dir)
    for path in spec.scenarios:
        scenario = Scenario.from_yaml(_scenario_file(spec, path, data_dir))
        if scenario.year is not None and scenario.year != spec.year:
            msg = (
                f"{Path(path).name} sets year {scenario.year} but the sweep is for "
                f"{spec.year}: make the sweep's year {scenario.year} or leave that scenario out"
            )
            raise ScenarioError(msg)
        try:
            network = scenario.apply(network)
        except ScenarioError as error:
            raise ScenarioError(f"{path}: {error}") from None
    read_demand(spec.demand, network, needs_value=spec.objective == "generalised")
    for name in spec.parameters:
        parsed = _parse_parameter(name)
        if parsed is None:
            continue
        table, element, field, _ = parsed
        try:
            check_update(network, table, element, [field])
        except ScenarioError as error:
            raise ScenarioError(f"{spec._where(name)}: {error}") from None
