"""The Python code blocks in README.md and docs/*.md run as written."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corridor.cli import app

ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CLI_DOCS = (
    "typer",
    "corridor.cli",
    "utils",
    "docs",
    "--name",
    "corridor",
    "--title",
    "Command line",
)
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def test_the_readme_has_code():
    assert BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_code_blocks_run(path: Path, capsys, tmp_path, monkeypatch):
    """Run in a scratch folder (files the examples write land there) that sees data/ and
    examples/ (the example rate card)."""
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in BLOCK.findall(path.read_text(encoding="utf-8")):
        exec(compile(block, str(path), "exec"), namespace)
    capsys.readouterr()


def _readme_quotes() -> list[list[str]]:
    """The `corridor quote` lines of the README, without comments and [optional] parts."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return [
        shlex.split(re.sub(r"\[[^\]]*\]", "", line), comments=True)[1:]
        for line in lines
        if line.startswith("corridor quote ")
    ]


@pytest.mark.parametrize("args", _readme_quotes(), ids=" ".join)
def test_readme_quote_examples_work(args, tmp_path, monkeypatch):
    """Every README quote runs, and none is a via gate the route does not cross."""
    monkeypatch.chdir(tmp_path)  # --map/--out files land here
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "without crossing there" not in " ".join(result.stdout.split())


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_site_builds_without_warnings(tmp_path):
    result = _run("mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "corridor.routing.pareto" in api  # mkdocstrings rendered the docstrings
    sources = (tmp_path / "site" / "sources" / "index.html").read_text(encoding="utf-8")
    assert "laocai-ez-seed" in sources  # data/SOURCES.md published


def test_cli_reference_is_current(tmp_path):
    """docs/cli.md is typer's reference of the CLI; regenerate it with `make docs`."""
    result = _run(*CLI_DOCS, "--output", str(tmp_path / "cli.md"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cli.md").read_text(encoding="utf-8") == (
        ROOT / "docs" / "cli.md"
    ).read_text(encoding="utf-8"), "run `make docs` to regenerate docs/cli.md"
