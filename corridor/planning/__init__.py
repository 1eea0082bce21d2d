"""Planning many flows under capacities: demand → request → arc or path model → plan.

- :mod:`~corridor.planning.demand`: reading and growing demand tables;
- :mod:`~corridor.planning.request`: :class:`PlanRequest`, every plan option declared once;
- :mod:`~corridor.planning.capacities`: which capacity an arc uses, the unserved penalty;
- :mod:`~corridor.planning.arc_model`: the arc-based LP / MIP (GLOP, HiGHS), with ±1 TEU/day
  re-solves of the saturated capacities;
- :mod:`~corridor.planning.path_model`: the same LP over paths, by column generation;
- :mod:`~corridor.planning.planner`: :func:`plan`, which picks the model;
- :mod:`~corridor.planning.result`: :class:`Plan`;
- :mod:`~corridor.planning.assignment`: :func:`congestion`, queues at gates and terminals:
  the system optimum (an LP) and the user equilibrium (Frank-Wolfe).
"""

from typing import TYPE_CHECKING

from corridor.lazy import lazy_names

if TYPE_CHECKING:  # imported on first use: the models load their solvers
    from corridor.planning.assignment import Congestion, congestion
    from corridor.planning.capacities import UNSERVED_PENALTY_USD_PER_TEU
    from corridor.planning.demand import Demand, grown_demand, read_demand
    from corridor.planning.planner import plan
    from corridor.planning.request import PlanRequest
    from corridor.planning.result import Plan

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "corridor.planning.assignment": ("Congestion", "congestion"),
        "corridor.planning.capacities": ("UNSERVED_PENALTY_USD_PER_TEU",),
        "corridor.planning.demand": ("Demand", "grown_demand", "read_demand"),
        "corridor.planning.planner": ("plan",),
        "corridor.planning.request": ("PlanRequest",),
        "corridor.planning.result": ("Plan",),
    },
)

__all__ = [
    "UNSERVED_PENALTY_USD_PER_TEU",
    "Congestion",
    "Demand",
    "Plan",
    "PlanRequest",
    "congestion",
    "grown_demand",
    "plan",
    "read_demand",
]
