"""Fuzzing: any input gives a result or a CorridorError, never another exception or a hang.

Random CSV tables and YAML documents go through the loaders, random option sets through
``quote``, ``pareto`` and ``plan``, and sampled command lines through the CLI, whose contract
is exit 0, or one ``error: ...`` line on stderr with exit 1 (no answer) or 2 (bad input).
The time bound is the hypothesis deadline of each example (``conftest.py``); ``event``
labels each outcome (``--hypothesis-show-statistics`` shows how many examples were answered).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from corridor import CorridorError, Scenario, load_network, pareto, plan, quote
from corridor.cli import main
from corridor.data import default_data_dir
from corridor.options import flag_of, options_of
from corridor.planning.demand import COLUMN_RANGES, OPTIONAL_COLUMNS, read_demand
from corridor.routing.request import QuoteRequest
from tests.fuzz.strategies import (
    PLACES,
    any_value,
    awkward_floats,
    awkward_text,
    csv_text,
    mostly,
    place_names,
    yaml_text,
)

NETWORK = load_network(2026)
FOLDER = Path(tempfile.mkdtemp(prefix="corridor-fuzz-"))

QUOTE_FIELDS = [n for n in options_of(QuoteRequest) if n not in {"origin", "destination"}]
SANE = {
    "teu": st.sampled_from([1, 2, 40.5]),
    "cargo": st.sampled_from(["general", "reefer", "dangerous", "bulk", "oversize"]),
    "objective": st.sampled_from(["cost", "time", "co2", "generalised"]),
    "deadline": st.sampled_from([24, "72h", "3d", 1000]),
    "max_transshipments": st.sampled_from([0, 1, 3]),
    "via": st.lists(st.sampled_from(PLACES), max_size=2),
    "avoid": st.lists(st.sampled_from(["Hanoi", "hekou_kim_thanh", "Yen Vien"]), max_size=2),
    "modes": st.lists(st.sampled_from(["road", "rail_1000", "river", "air"]), max_size=3),
    "month": st.sampled_from([1, 6, 12]),
    "alternatives": st.sampled_from([1, 2, 3]),
    "tonnes": st.sampled_from([5, 20.5, 36]),
    "value_usd": st.sampled_from([0, 50_000, 2e6]),
    "carbon_price_usd_per_t": st.sampled_from([0, 80, 500]),
    "confidence": st.sampled_from([0.5, 0.9]),
    "samples": st.sampled_from([1, 50, 500]),
    "seed": st.sampled_from([0, 7]),
    "year": st.sampled_from([2026, 2031]),
    "ready": st.sampled_from(["2026-12-01T08:00", "2027-01-01T00:30+07:00"]),
}
"""Values a forwarder would give, by option."""
TIME_LIMITS = st.sampled_from([0, 1, -1, float("nan"), float("inf"), "x", 1e308])
"""Time limits stay small: the fuzz checks answers, not long searches."""


@st.composite
def options(draw: st.DrawFn, fields: list[str]) -> dict[str, object]:
    """Sane values of some of ``fields``, and in half the draws one field of any value."""
    chosen: dict[str, object] = {"time_limit_s": draw(st.sampled_from([1, 2]))}
    sane = sorted(SANE.keys() & set(fields))
    for name in draw(st.lists(st.sampled_from(sane), unique=True, max_size=5)):
        chosen[name] = draw(SANE[name])
    if draw(st.booleans()):
        name = draw(st.sampled_from([*fields, "time_limit_s"]))
        chosen[name] = draw(TIME_LIMITS if name == "time_limit_s" else any_value)
    return chosen


def answers_or_refuses(call: object, *args: object, **kwargs: object) -> None:
    """``call`` returns, or raises a CorridorError; any other exception fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # warnings are allowed; they are not answers
        try:
            call(*args, **kwargs)  # type: ignore[operator]
        except CorridorError as error:
            event(f"refused: {type(error).__name__}")
        else:
            event("answered")


ENDS = mostly(st.sampled_from(PLACES), place_names, 9)


@given(origin=ENDS, destination=ENDS, chosen=options(QUOTE_FIELDS))
def test_quote_answers_or_refuses(origin, destination, chosen):
    answers_or_refuses(quote, origin, destination, network=NETWORK, **chosen)


@given(
    origin=ENDS,
    destination=ENDS,
    objectives=mostly(
        st.lists(st.sampled_from(["cost", "time", "co2"]), min_size=2, max_size=3, unique=True),
        st.lists(st.sampled_from(["cost", "time", "co2", "x"]), max_size=4),
    ),
    chosen=options(["teu", "cargo", "deadline", "max_transshipments", "month", "via", "avoid"]),
)
def test_pareto_answers_or_refuses(origin, destination, objectives, chosen):
    answers_or_refuses(
        pareto, origin, destination, objectives=objectives, network=NETWORK, **chosen
    )


DEMAND_COLUMNS = ["origin", "destination", *COLUMN_RANGES, *OPTIONAL_COLUMNS]


@given(
    text=csv_text(["origin", "destination", "teu_per_day"], DEMAND_COLUMNS[3:]),
    objective=st.sampled_from(["cost", "generalised", "x"]),
)
def test_a_demand_table_is_planned_or_refused(text, objective):
    path = FOLDER / "demand.csv"
    path.write_text(text, "utf-8")
    answers_or_refuses(read_demand, path, NETWORK)
    answers_or_refuses(plan, path, network=NETWORK, objective=objective, time_limit_s=5)


@given(rows=st.lists(st.dictionaries(st.sampled_from(DEMAND_COLUMNS), any_value), max_size=4))
def test_demand_rows_as_python_values_are_planned_or_refused(rows):
    answers_or_refuses(plan, rows, network=NETWORK, time_limit_s=5)


@given(text=yaml_text())
def test_a_scenario_file_applies_or_is_refused(text):
    path = FOLDER / "scenario.yaml"
    path.write_text(text, "utf-8")
    answers_or_refuses(lambda: Scenario.from_yaml(path).apply(NETWORK))


DATA = FOLDER / "data"
shutil.copytree(default_data_dir(), DATA)
LEGS = (DATA / "legs.csv").read_text("utf-8")


@given(text=csv_text(LEGS.splitlines()[0].split(","), []))
def test_a_broken_data_table_loads_or_names_its_cell(text):
    """A legs table with random rows after the real ones: the network loads, or a DataError."""
    rows = text.split("\n", 1)[1] if "\n" in text else ""
    (DATA / "legs.csv").write_text(LEGS + rows, "utf-8")
    answers_or_refuses(load_network, 2026, DATA)


FLAGS = [flag_of(n, options_of(QuoteRequest)[n]) for n in QUOTE_FIELDS]


@given(
    command=st.sampled_from([["quote"], ["pareto"]]),
    ends=st.lists(place_names, min_size=0, max_size=3),
    flags=st.lists(
        st.tuples(
            st.sampled_from([f for f in FLAGS if f] + ["--bogus", "--json", "--year"]),
            st.one_of(awkward_text, awkward_floats.map(repr), st.sampled_from(PLACES)),
        ),
        max_size=3,
    ),
)
def test_the_cli_exits_cleanly_with_one_line_on_error(command, ends, flags):
    args = [*command, *ends]
    for flag, value in flags:
        args += [flag] if flag == "--json" else [flag, value]
    if not any(flag == "--time-limit" for flag, _ in flags):
        args += ["--time-limit", "2"]
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        pytest.raises(SystemExit) as exited,
    ):
        main(args)  # as the corridor command runs, usage errors included
    code, message = exited.value.code, stderr.getvalue()
    event(f"exit {code}")
    assert code in (0, 1, 2), (args, message)
    lines = message.splitlines()
    assert all(line.startswith(("warning: ", "note: ", "error: ")) for line in lines), args
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == (1 if code else 0), (args, message)  # one line says what is wrong
    assert not errors or lines[-1] == errors[0], (args, message)  # and it comes last
