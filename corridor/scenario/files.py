"""Scenario files: the shipped ones, finding one by name, and checking one against a network."""

from __future__ import annotations

import difflib
from pathlib import Path

from corridor.data import default_data_dir
from corridor.errors import ScenarioError
from corridor.network import Network
from corridor.scenario.patch import Scenario


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
