"""Private: path-based multi-commodity flow by column generation (OR-Tools MathOpt + GLOP).

The restricted master LP has one variable per generated path (TEU/day on that path) and one
unserved slack per commodity; its rows are each commodity's demand (``paths + unserved =
demand``) and the capacity groups (``Σ uses × flow ≤ capacity``) that have been found
violated (row generation): the master starts with no capacity row; after each solve, the load
of every capacity group is computed from the path flows and the groups loaded beyond capacity
(by more than :data:`ROW_TOLERANCE`) become rows, and the master is re-solved (dual simplex
from the last basis, the new rows' slacks basic) until no capacity is exceeded. A capacity
that is not a row has dual 0 in the master, which is what the full LP allows as well since
its flow is within capacity; most capacities of a congested network never become rows.

Pricing: an arc's reduced cost is its cost per TEU minus the dual of its capacity row (≤ 0 in
a minimisation, so the weight stays ≥ 0 and Dijkstra applies: ``scipy.sparse.csgraph``, one
tree per origin, lightest of parallel arcs, searched no farther than the shortest of the
commodity's paths in the master, and shared with forked worker processes on large
problems). A path whose reduced cost is below its demand
row's dual by more than :data:`TOLERANCE` (relative) enters the master, which GLOP re-solves
from its last basis (MathOpt incremental solve, primal simplex); a path idle (no flow, positive
reduced cost) for :data:`DROP_AFTER` rounds leaves it and can re-enter. Pricing is
stabilised by dual smoothing (Wentges 1997, α adapting as in Pessoa et al. 2018): the paths
are shortest at ``α × centre + (1 − α) × duals``, the centre being the capacity duals with the
best Lagrangian bound so far, and enter when their reduced cost at the master's own duals is
negative; only when none does is pricing repeated at the master's duals. The loop ends when no
capacity is exceeded and no commodity has such a path: the restricted master's optimum is
then feasible for the full path LP (all capacities), and its duals (0 for the absent rows)
are feasible for the full dual (every path prices ≥ its demand dual, every capacity dual
≤ 0), so it is the exact LP optimum of the full path formulation. Commodities with a
deadline price over paths within their planned hours only, exactly
(:func:`corridor.solvers.rcsp.constrained_path`).

Large masters (:data:`FIRST_ORDER_GROUPS`) are solved by PDLP instead
(:class:`_FirstOrderMaster`): its flows, scaled down to be feasible, bound the optimum from
above, pricing's Lagrangian value bounds it from below, and the loop stops when the two are
within :data:`GAP`.
"""

from corridor.solvers.colgen.loop import solve
from corridor.solvers.colgen.types import Column, Commodity, Solution

__all__ = ["Column", "Commodity", "Solution", "solve"]
