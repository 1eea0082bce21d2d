"""The shape of the package: modules under their own names, no cycles, light imports, one
request object, results that agree, solver statuses mapped honestly, the dataset cache."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import json
import pkgutil
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType, SimpleNamespace

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import corridor
from corridor import (
    InvalidRequestError,
    NoRouteError,
    PlanRequest,
    QuoteRequest,
    SolverError,
    compare,
    load_network,
    plan,
    quote,
)
from corridor.cli import app
from corridor.options import flag_of, options_of
from corridor.scenario import Scenario
from corridor.solvers import shortest, zero_one
from corridor.solvers.arrays import GraphArrays
from corridor.solvers.rcsp import Resource, constrained_path

PACKAGE = Path(corridor.__file__).parent
DEMAND = PACKAGE.parent / "data" / "demand"
MOST_LINES = 600
runner = CliRunner()


def _modules() -> list[str]:
    names = ["corridor"]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="corridor."):
        names.append(info.name)
    return names


# --- modules -------------------------------------------------------------------------


def test_every_module_is_importable_under_its_own_name():
    """`import corridor.x as m` gives the module x, never a function that shadows it."""
    for name in _modules():
        module = importlib.import_module(name)
        assert isinstance(module, ModuleType), name
        parent, _, leaf = name.rpartition(".")
        if parent:
            assert getattr(importlib.import_module(parent), leaf) is module, name


def test_the_short_functions_are_at_the_top_and_in_all():
    for name in corridor.__all__:
        assert getattr(corridor, name) is not None
    assert corridor.quote is importlib.import_module("corridor.routing.search").quote
    assert corridor.sweep is importlib.import_module("corridor.scenario.sweeps").sweep
    assert {"sweep", "read_demand", "apply_all", "SolverError"} <= set(corridor.__all__)
    with pytest.raises(AttributeError, match="no attribute 'qoute'"):
        _ = corridor.qoute


def _module_imports(name: str, *, in_functions: bool = True) -> set[str]:
    """The corridor modules ``name`` imports, at its top and (``in_functions``) inside its
    functions (an import on first use is still a dependency), not for type checking only."""
    module = importlib.import_module(name)
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body} | {
        id(child) for node in tree.body if isinstance(node, ast.If) for child in node.body
    }
    typing_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for child in ast.walk(node)
    }
    known = set(_modules())
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only or (not in_functions and id(node) not in top):
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & known
            found |= submodules
            if len(submodules) < len(node.names):  # names from the module itself
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m in known and m != name}


def test_no_import_cycle_among_modules_or_packages():
    """No two modules import each other, even inside functions; no two packages import each
    other at import time (a result's map() or chart() imports its renderer when called)."""
    modules = nx.DiGraph()
    for name in _modules():
        for target in _module_imports(name):
            modules.add_edge(name, target)
    assert nx.is_directed_acyclic_graph(modules), nx.find_cycle(modules)

    def unit(name: str) -> str:  # corridor.routing.problem -> corridor.routing
        return ".".join(name.split(".")[:2])

    on_import = nx.DiGraph(
        (name, target)
        for name in _modules()
        for target in _module_imports(name, in_functions=False)
    )
    packages = nx.DiGraph()
    for a, b in on_import.edges:
        if unit(a) != unit(b) and unit(a) != "corridor" and not a.endswith("__init__"):
            packages.add_edge(unit(a), unit(b))
    packages.remove_nodes_from(["corridor"])
    assert nx.is_directed_acyclic_graph(packages), nx.find_cycle(packages)


def test_no_module_is_over_600_lines():
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert not long


HEAVY = (
    "ortools.math_opt.python.mathopt",
    "ortools.sat.python.cp_model",
    "scipy.sparse.csgraph",
    "folium",
    "geopandas",
    "matplotlib",
    "pandas",  # tables are built when asked for (to_frame, a demand table), not to quote
    "fastapi",  # the HTTP service: only `corridor serve` and corridor.web import them
    "uvicorn",
    "starlette",
)


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint([m for m in {HEAVY!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_import_corridor_and_a_plain_quote_load_no_solver_map_or_chart_library():
    assert _loaded_after("import corridor") == []
    cli_quote = (
        "import sys\nfrom corridor.cli import main\n"
        "sys.argv = ['corridor', 'quote', 'Kunming', 'Hai Phong']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert _loaded_after(cli_quote) == []
    assert "ortools.sat.python.cp_model" in _loaded_after(
        "import corridor\ncorridor.quote('Kunming', 'Hai Phong', deadline=40)"
    )


# --- one request object ----------------------------------------------------------------


def test_every_quote_option_is_a_flag_of_quote_and_a_keyword_of_quote_many():
    shown = runner.invoke(app, ["quote", "--help"], terminal_width=200).stdout
    for name, declared in options_of(QuoteRequest).items():
        flag = flag_of(name, declared)
        if flag is not None:
            assert flag in shown, flag
    shown = runner.invoke(app, ["plan", "--help"], terminal_width=200).stdout
    for name, declared in options_of(PlanRequest).items():
        flag = flag_of(name, declared)
        if flag is not None:
            assert flag in shown, flag


def test_a_request_object_quotes_as_its_keywords(network):
    request = QuoteRequest("Kunming", "Hai Phong", teu=2, deadline="2d", cargo="Reefer")
    assert request.deadline == 48 and request.cargo.value == "reefer"
    assert quote(request, network=network).to_dict() == (
        quote("Kunming", "Hai Phong", teu=2, deadline=48, cargo="reefer", network=network).to_dict()
    )
    with pytest.raises(InvalidRequestError, match="did you mean 'deadline' for 'dedline'"):
        quote("Kunming", "Hai Phong", dedline=48)
    with pytest.raises(InvalidRequestError, match="give a QuoteRequest alone"):
        quote(request, "Hanoi")
    with pytest.raises(InvalidRequestError, match="did you mean 'method' for 'methd'"):
        plan(DEMAND / "sample_2026.csv", methd="arcs")


def test_a_time_limit_is_on_every_solve(network):
    """A request's time limit bounds all its exact searches together, and only those."""
    with pytest.raises(SolverError, match="time limit of 0 s reached") as caught:
        quote("Kunming", "Hai Phong", alternatives=4, time_limit_s=0, network=network)
    assert caught.value.time_limit
    assert quote("Kunming", "Hai Phong", time_limit_s=0, network=network).cost_usd > 0  # flow
    # a deadline the cheapest route meets needs no search: no time is needed
    assert quote("Kunming", "Hanoi", deadline=1000, time_limit_s=0, network=network).km > 0
    with pytest.raises(InvalidRequestError, match="time_limit_s must be from 0 to 86,400 s"):
        quote("Kunming", "Hai Phong", time_limit_s=-1, network=network)


# --- results agree -----------------------------------------------------------------------


def test_quote_plan_and_comparison_agree_on_their_methods(network):
    q = quote("Kunming", "Hai Phong", network=network)
    reefer = {
        "origin": "Kunming",
        "destination": "Tien Son ICD",
        "cargo": "dangerous",
        "teu_per_day": 5,
    }
    p = plan([*pd.read_csv(DEMAND / "sample_2031.csv").to_dict("records"), reefer], year=2031)
    c = compare(
        network,
        [Scenario(name="none", source="estimate: a test", operations=[])],
        shipments=[{"origin": "Kunming", "destination": "Hanoi"}],
    )
    for result in (q, p, c):
        json.dumps(result.to_dict())  # JSON-safe
        assert isinstance(result.to_frame(), pd.DataFrame)
        assert isinstance(result.explain(), str)
        assert isinstance(result.notes, tuple)
        assert "\n" not in repr(result) and len(repr(result)) < 300
    assert any("unserved whatever the capacities" in note for note in p.notes)
    assert p.explain().count("note: ") == len(p.notes)
    assert p.to_frame().equals(p.routes)
    with pytest.warns(DeprecationWarning, match="to_frames"):
        assert set(p.to_frames()) >= {"arcs", "capacities", "routes"}
    for result in (q, p):
        assert callable(result.map) and callable(result.chart)


# --- solver statuses ---------------------------------------------------------------------


def _line(n: int) -> GraphArrays:
    return GraphArrays(n, np.arange(n - 1, dtype=np.int32), np.arange(1, n, dtype=np.int32))


class _Flow:
    """A min-cost-flow solver that ends with ``status``, as OR-Tools' would on its own."""

    OPTIMAL, INFEASIBLE, BAD_RESULT, BAD_COST_RANGE = "OPTIMAL", "INFEASIBLE", "BAD_RESULT", "BCR"
    status = "BAD_RESULT"

    def add_arcs_with_capacity_and_unit_cost(self, *_):
        pass

    def set_nodes_supplies(self, *_):
        pass

    def solve(self):
        return SimpleNamespace(name=self.status) if self.status == "BAD_RESULT" else self.status


@pytest.mark.parametrize(("status", "raised"), [("BAD_RESULT", SolverError), ("INFEASIBLE", None)])
def test_min_cost_flow_statuses(monkeypatch, status, raised):
    flow = type("Flow", (_Flow,), {"status": status})
    monkeypatch.setattr(shortest.min_cost_flow, "SimpleMinCostFlow", flow)
    if raised is SolverError:
        with pytest.raises(SolverError, match="SimpleMinCostFlow failed with status BAD_RESULT"):
            shortest.cheapest_path(_line(3), np.ones(2), source=0, sink=2)
    else:  # infeasible is no route, never a solver failure
        with pytest.raises(shortest.NoFlowError):
            shortest.cheapest_path(_line(3), np.ones(2), source=0, sink=2)


def _exact_model(**limits):
    """A 4-vertex graph whose cheapest path breaks the deadline: the 0-1 model must close it."""
    graph = GraphArrays(4, np.array([0, 0, 1, 2, 0], np.int32), np.array([1, 2, 3, 3, 3], np.int32))
    cost = np.array([1.0, 2.0, 1.0, 2.0, 10.0])
    hours = np.array([5.0, 1.0, 5.0, 1.0, 1.0])
    return constrained_path(
        graph, cost, [Resource("hours", hours, 3.0)], source=0, sink=3, **limits
    )


@pytest.mark.parametrize(
    ("status", "match", "time_limit"),
    [
        ("MODEL_INVALID", "CP-SAT failed with status MODEL_INVALID", False),
        ("UNKNOWN", "CP-SAT proved no optimum within the time limit", True),
    ],
)
def test_cp_sat_statuses(monkeypatch, status, match, time_limit):
    real = zero_one.cp_model.CpSolver

    class Solver(real):
        def solve(self, model, *_):
            return getattr(zero_one.cp_model, status)

    monkeypatch.setattr(zero_one.cp_model, "CpSolver", Solver)
    monkeypatch.setattr("corridor.solvers.rcsp._larac", lambda *a, **k: (None, 0.0, -np.inf))
    with pytest.raises(SolverError, match=match) as caught:
        _exact_model()
    assert caught.value.time_limit is time_limit and caught.value.status == status
    assert not isinstance(caught.value, NoRouteError)


def test_highs_statuses(monkeypatch):
    mathopt = zero_one.mathopt
    stopped = SimpleNamespace(
        termination=SimpleNamespace(
            reason=mathopt.TerminationReason.NO_SOLUTION_FOUND, limit=mathopt.Limit.TIME
        )
    )
    monkeypatch.setattr(zero_one, "CP_SAT_MAX_ARCS", 0)
    monkeypatch.setattr(zero_one.mathopt, "solve", lambda *a, **k: stopped)
    monkeypatch.setattr("corridor.solvers.rcsp._larac", lambda *a, **k: (None, 0.0, -np.inf))
    with pytest.raises(SolverError, match="HiGHS .* proved no optimum within the time limit"):
        _exact_model(time_limit_s=5)
    failed = SimpleNamespace(
        termination=SimpleNamespace(
            reason=mathopt.TerminationReason.NUMERICAL_ERROR, limit=mathopt.Limit.UNDETERMINED
        )
    )
    monkeypatch.setattr(zero_one.mathopt, "solve", lambda *a, **k: failed)
    with pytest.raises(SolverError, match="failed with status NUMERICAL_ERROR") as caught:
        _exact_model()
    assert not caught.value.time_limit


def test_an_infeasible_exact_model_is_no_route_not_a_solver_error(monkeypatch):
    monkeypatch.setattr("corridor.solvers.rcsp._larac", lambda *a, **k: (None, 0.0, -np.inf))
    assert _exact_model().path == [1, 3]  # 3 h, 4 USD: the 0-1 model's optimum


def test_a_quote_says_which_solver_stopped(monkeypatch, network):
    real = zero_one.cp_model.CpSolver

    class Solver(real):
        def solve(self, model, *_):
            return zero_one.cp_model.MODEL_INVALID

    monkeypatch.setattr(zero_one.cp_model, "CpSolver", Solver)
    with pytest.raises(SolverError, match="CP-SAT failed"):
        quote("Kunming", "Hai Phong", alternatives=4, network=network)
    result = runner.invoke(app, ["quote", "Kunming", "Hai Phong", "--alternatives", "4"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: OR-Tools CP-SAT failed with status MODEL_INVALID")


# --- the dataset cache ------------------------------------------------------------------


def test_a_network_is_read_from_the_cache_until_a_data_file_changes(
    data_copy, edit_cell, tmp_path, monkeypatch
):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CORRIDOR_CACHE", str(cache))
    first = load_network(2026, data_copy)
    entries = list(cache.glob("dataset-*.pickle"))
    assert len(entries) == 1
    # a new process reads the entry: the same dataset, without the CSV files' validation
    from corridor import cache as cache_module

    key = cache_module.dataset_key(data_copy.resolve())
    monkeypatch.setattr("corridor.data.load_dataset", lambda *_: pytest.fail("read again"))
    again = cache_module.cached_dataset(data_copy.resolve(), key)
    assert again == first.dataset
    monkeypatch.undo()
    monkeypatch.setenv("CORRIDOR_CACHE", str(cache))
    leg = next(i for i, leg in enumerate(first.dataset.legs) if leg.km > 100)
    edit_cell("legs.csv", leg, "km", str(first.dataset.legs[leg].km + 1))
    changed = load_network(2026, data_copy)
    assert changed.dataset.legs[leg].km == first.dataset.legs[leg].km + 1
    assert len(list(cache.glob("dataset-*.pickle"))) == 2


def test_a_broken_cache_entry_or_folder_is_skipped(data_copy, tmp_path, monkeypatch):
    from corridor import cache as cache_module

    folder = data_copy.resolve()
    key = cache_module.dataset_key(folder)
    monkeypatch.setenv("CORRIDOR_CACHE", str(tmp_path))
    (tmp_path / f"dataset-{key}.pickle").write_bytes(b"not a pickle")
    assert cache_module.cached_dataset(folder, key).places
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("CORRIDOR_CACHE", str(blocked))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cache_module.cached_dataset(folder, key).places
    monkeypatch.setenv("CORRIDOR_CACHE", "off")
    assert cache_module.cache_dir() is None


def test_the_request_fields_are_declared_once():
    """Each field of a request carries its declaration; nothing else lists the options."""
    for request in (QuoteRequest, PlanRequest):
        for field in dataclasses.fields(request):
            assert field.metadata["option"].help.endswith((".", ")")), field.name


def test_the_budget_is_shared_by_the_searches_of_one_request(monkeypatch):
    """Every 0-1 solve gets what is left of the request's limit, and a spent limit stops it."""
    clock = iter(range(100))
    monkeypatch.setattr("corridor.solvers.rcsp.time.monotonic", lambda: float(next(clock)))
    monkeypatch.setattr("corridor.solvers.rcsp._larac", lambda *a, **k: (None, 0.0, -np.inf))
    seen = []
    real = zero_one._cp_sat

    def spy(search, *args, **kwargs):
        seen.append(search.stop_at)
        return real(search, *args, **kwargs)

    monkeypatch.setattr(zero_one, "_cp_sat", spy)
    with pytest.raises(SolverError, match="time limit of 1 s reached") as caught:
        _exact_model(time_limit_s=1)  # starts at 0, must end at 1; the first look is at 1
    assert caught.value.time_limit and seen == [1.0]  # the end fixed when the search began


def test_compare_and_sweeps_take_a_time_limit(network, tmp_path):
    nothing = Scenario(name="nothing", source="estimate: a test", operations=[])
    with pytest.raises(SolverError, match="no plan found within 0 s: time limit") as caught:
        compare(network, [nothing], demand=DEMAND / "sample_2026.csv", time_limit_s=0)
    assert caught.value.time_limit
    shipment = [{"origin": "Kunming", "destination": "Hanoi", "deadline": 40}]
    limited = compare(network, [nothing], shipments=shipment, time_limit_s=0)
    assert limited.kpis["failed"].tolist() == [1, 1]
    assert "time limit of 0 s reached" in limited.notes[0]
    assert compare(network, [nothing], shipments=shipment).kpis["failed"].tolist() == [0, 0]
    from corridor.scenario import SweepSpec, sweep

    spec = SweepSpec(name="t", demand=DEMAND / "sample_2026.csv", grid={"demand_growth": [1]})
    assert sweep(spec, workers=1)["status"].tolist() == ["ok"]
    stopped = sweep(spec.model_copy(update={"time_limit_s": 0}), workers=1)
    assert stopped["status"].tolist() == ["SolverError"]


def test_an_unreadable_cache_entry_is_read_again(data_copy, tmp_path, monkeypatch):
    """A pickle of another protocol or one that fails as it loads is skipped, not raised."""
    from corridor import cache as cache_module

    folder = data_copy.resolve()
    key = cache_module.dataset_key(folder)
    monkeypatch.setenv("CORRIDOR_CACHE", str(tmp_path))
    entry = tmp_path / f"dataset-{key}.pickle"
    for broken in (b"\x80\x09", b"cbuiltins\nint\n(S'x'\ntR."):  # protocol 9; int('x')
        entry.write_bytes(broken)
        assert cache_module.cached_dataset(folder, key).places
    assert not list(tmp_path.glob("*.tmp"))
    assert entry.stat().st_mode & 0o777 == 0o644


def test_quote_many_refuses_alternatives_and_tells_true_from_one(network):
    with pytest.raises(InvalidRequestError, match="^alternatives is not supported by quote_many$"):
        corridor.quote_many([{"origin": "Kunming", "destination": "Hanoi"}], alternatives=2)
    rows = [
        {"origin": "Kunming", "destination": "Hanoi", "teu": 1},
        {"origin": "Kunming", "destination": "Hanoi", "teu": True},
    ]
    table = corridor.quote_many(rows, network=network)
    assert table["status"].tolist() == ["ok", "InvalidRequestError"]


def test_cli_flags_for_bools_solver_errors_and_request_warnings(tmp_path):
    plain = runner.invoke(app, ["plan", str(DEMAND / "sample_2026.csv"), "--no-integer"])
    assert plain.exit_code == 0, plain.output
    stopped = runner.invoke(
        app, ["quote", "Kunming", "Hai Phong", "--alternatives", "4", "--time-limit", "0"]
    )
    assert stopped.exit_code == 1
    assert stopped.stderr.endswith("allow more time (--time-limit)\n")
    demand = tmp_path / "demand.csv"
    pd.read_csv(DEMAND / "sample_2026.csv").assign(year=2026).to_csv(demand, index=False)
    warned = runner.invoke(app, ["plan", str(demand)])
    assert warned.exit_code == 0
    assert "column(s) year ignored" in warned.stderr  # a table's column stays a column


def test_the_cli_quotes_new_year_on_the_origins_clock():
    """16:30 UTC on 31 December is 2027 in Kunming: the CLI, as the library, quotes it on the
    2027 network (it took the first year of the corridor's clocks and refused)."""
    args = ["quote", "Kunming", "Hanoi", "--ready", "2026-12-31T16:30+00:00", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["year"] == 2027
    assert quote("Kunming", "Hanoi", ready="2026-12-31T16:30+00:00").year == 2027
