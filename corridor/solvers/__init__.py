"""The optimisers, on numbers only: no places, modes or money here.

- :mod:`~corridor.solvers.arrays`: the one array form of a graph (:class:`GraphArrays`);
- :mod:`~corridor.solvers.shortest`: the cheapest path as a unit min-cost flow (OR-Tools);
- :mod:`~corridor.solvers.dijkstra`: Dijkstra searches (scipy) for bounds and pricing;
- :mod:`~corridor.solvers.rcsp`: the cheapest path within resource limits, exact;
- :mod:`~corridor.solvers.zero_one`: its 0-1 model, with CP-SAT and HiGHS back ends;
- :mod:`~corridor.solvers.colgen`: multi-commodity flow over paths by column generation.

Each module imports its own solver library, and nothing here is imported by ``import
corridor``: a plain quote loads only the min-cost flow.
"""
