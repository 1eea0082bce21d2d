"""What-if scenarios: patches to the network, their files, comparisons and sweeps.

- :mod:`~corridor.scenario.patch`: :class:`Scenario` (add, update, close elements), applied as
  a pure function to a network; :func:`apply_all`;
- :mod:`~corridor.scenario.loading`: YAML read into pydantic models, errors with file and line;
- :mod:`~corridor.scenario.files`: shipped scenarios, finding and checking a file;
- :mod:`~corridor.scenario.comparison`: :func:`compare` and :class:`Comparison`;
- :mod:`~corridor.scenario.kpis`: the KPIs of a plan and of quotes, one definition for
  comparisons and sweeps;
- :mod:`~corridor.scenario.sweeps`: :func:`sweep`, grids and Monte Carlo on a local pool or
  a Dask cluster;
- :mod:`~corridor.scenario.ranking`: :func:`criticality`, elements ranked by the loss
  their closure causes;
- :mod:`~corridor.scenario.parallel`: running many plans (in process, a pool, Dask).
"""

from corridor.scenario.comparison import Comparison, compare
from corridor.scenario.files import check_file, find_scenario, shipped_scenarios
from corridor.scenario.patch import Add, Close, Scenario, Update, apply_all
from corridor.scenario.ranking import Criticality, criticality
from corridor.scenario.sweeps import SweepSpec, sweep

__all__ = [
    "Add",
    "Close",
    "Comparison",
    "Criticality",
    "Scenario",
    "SweepSpec",
    "Update",
    "apply_all",
    "check_file",
    "compare",
    "criticality",
    "find_scenario",
    "shipped_scenarios",
    "sweep",
]
