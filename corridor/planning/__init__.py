"""Planning many flows under capacities: demand → request → arc or path model → plan.

- :mod:`~corridor.planning.demand`: reading and growing demand tables;
- :mod:`~corridor.planning.request`: :class:`PlanRequest`, every plan option declared once;
- :mod:`~corridor.planning.capacities`: which capacity an arc uses, the unserved penalty;
- :mod:`~corridor.planning.arc_model`: the arc-based LP / MIP (GLOP, HiGHS), with ±1 TEU/day
  re-solves of the saturated capacities;
- :mod:`~corridor.planning.path_model`: the same LP over paths, by column generation;
- :mod:`~corridor.planning.planner`: :func:`plan`, which picks the model;
- :mod:`~corridor.planning.result`: :class:`Plan`.
"""

from typing import TYPE_CHECKING

from corridor.lazy import lazy_names

if TYPE_CHECKING:  # imported on first use: the models load their solvers
    from corridor.planning.capacities import UNSERVED_PENALTY_USD_PER_TEU
    from corridor.planning.demand import Demand, grown_demand, read_demand
    from corridor.planning.planner import plan
    from corridor.planning.request import PlanRequest
    from corridor.planning.result import Plan

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "corridor.planning.capacities": ("UNSERVED_PENALTY_USD_PER_TEU",),
        "corridor.planning.demand": ("Demand", "grown_demand", "read_demand"),
        "corridor.planning.planner": ("plan",),
        "corridor.planning.request": ("PlanRequest",),
        "corridor.planning.result": ("Plan",),
    },
)

__all__ = [
    "UNSERVED_PENALTY_USD_PER_TEU",
    "Demand",
    "Plan",
    "PlanRequest",
    "grown_demand",
    "plan",
    "read_demand",
]
