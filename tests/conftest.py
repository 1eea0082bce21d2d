"""Shared fixtures: the shipped network and an editable copy of the data folder."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from corridor import Network, load_network
from corridor.data import default_data_dir

# The CLI tests set the terminal width per call (COLUMNS); rich fixes the width for good when
# COLUMNS and LINES are both in the environment as the console is made (pytest-xdist's
# workers export 80 and 24), so they go before a test module imports the CLI.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)
# The dataset cache (corridor.cache) of a test run is its own, not the user's ~/.cache.
os.environ["CORRIDOR_CACHE"] = tempfile.mkdtemp(prefix="corridor-test-cache-")


@pytest.fixture(scope="session")
def network() -> Network:
    return load_network(2026)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped data folder that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target


EditCell = Callable[[str, int, str, str], int]


@pytest.fixture
def edit_cell(data_copy: Path) -> EditCell:
    """Set one cell: ``edit_cell(file, row_index, column, value)``; returns the file line."""

    def edit(file: str, row_index: int, column: str, value: str) -> int:
        path = data_copy / file
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
        rows[row_index][column] = value
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        return row_index + 2  # header is line 1

    return edit
