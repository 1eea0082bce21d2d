"""The ``corridor`` command line (typer + rich): flags in, results printed, no logic of its own.

- :mod:`~corridor.cli.common`: the typer app, one-line errors and exit codes, shared options;
- :mod:`~corridor.cli.options`: the options made from the request declarations;
- :mod:`~corridor.cli.tables`: rich tables of quotes and comparisons;
- the commands: :mod:`~corridor.cli.network_commands` (``network``, ``places``, ``gates``),
  :mod:`~corridor.cli.quote_commands` (``quote``, ``pareto``, ``schema``),
  :mod:`~corridor.cli.plan_commands` (``plan``, ``sweep``),
  :mod:`~corridor.cli.scenario_commands` (``scenario``) and
  :mod:`~corridor.cli.web_commands` (``serve``).
"""

from corridor.cli import (  # noqa: F401 - importing a command module registers its commands
    network_commands,
    plan_commands,
    quote_commands,
    scenario_commands,
    web_commands,
)
from corridor.cli.common import app, main

__all__ = ["app", "main"]
