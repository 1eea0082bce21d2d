"""Every script in examples/ runs and prints what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))


def run(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_there_are_examples():
    assert EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path: Path):
    assert run(path).strip()


def test_cheapest_route_crosses_the_gauge_break():
    output = run(Path(__file__).parent.parent / "examples" / "cheapest_route.py")
    assert "hekou_north: rail_1435 → rail_1000" in output
    assert "border    Hekou North – Lao Cai railway bridge" in output
    assert output.rstrip().splitlines()[-1].startswith("Total: ")
