"""The marginal re-solves of a plan (``corridor plan``'s ±1 TEU/day values), before and after.

Run: ``.venv/bin/python benchmarks/bench_marginal.py [repeats]`` (default 3). The corridor
2026 network with 1,000 random OD rows (``bench_plan.random_demand``, seed 3) is planned:
without marginal values (the yardstick), with them as shipped, and with them as they were
solved before (GLOP presolve on for the plan, so that the first re-solve starts cold, the
primal simplex for the re-solves, and the simplex basis of every re-solve read into Python),
in one process, alternating; the median of each and its ratio to the yardstick are printed.
The values of both ways are checked to be equal.
"""

import statistics
import sys
import time
import warnings
from contextlib import contextmanager

from bench_plan import random_demand  # beside this script
from ortools.glop import parameters_pb2 as glop_parameters
from ortools.math_opt.python import mathopt

import corridor
from corridor.planning import arc_model


@contextmanager
def as_before():
    """The re-solves as they were: the basis parsed, the plan's own solve with presolve."""
    wrap, solve_parameters = arc_model._NoBasis, arc_model.mathopt.SolveParameters

    class Presolved(mathopt.SolveParameters):
        def __setattr__(self, name, value):
            if name == "glop":  # GLOP's defaults: the primal simplex
                value = glop_parameters.GlopParameters()
            if name != "presolve":  # the plan's solve keeps GLOP's default presolve
                super().__setattr__(name, value)

    arc_model._NoBasis = lambda inner: inner
    arc_model.mathopt.SolveParameters = Presolved
    try:
        yield
    finally:
        arc_model._NoBasis, arc_model.mathopt.SolveParameters = wrap, solve_parameters


def timed(network, table, **options):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = corridor.plan(table, network=network, **options)
    return time.perf_counter() - start, result


def main(repeats: int) -> None:
    network = corridor.load_network(2026)
    table = random_demand(network, 1000)
    times: dict[str, list[float]] = {
        "plan, no marginal values": [],
        "marginal, before": [],
        "marginal, now": [],
    }
    for _ in range(repeats):
        times["plan, no marginal values"].append(timed(network, table)[0])
        with as_before():
            seconds, before = timed(network, table, marginal=True)
        times["marginal, before"].append(seconds)
        seconds, now = timed(network, table, marginal=True)
        times["marginal, now"].append(seconds)
        columns = ["marginal_saving_usd", "marginal_cost_usd"]
        difference = (before.capacities[columns] - now.capacities[columns]).abs().max().max()
        assert not difference > 1e-6, difference  # NaN (nothing saturated) passes
    base = statistics.median(times["plan, no marginal values"])
    saturated = int(now.capacities["marginal_saving_usd"].notna().sum())
    print(f"corridor 2026, 1,000 OD rows, {saturated} saturated capacities; {repeats} runs each")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:28s} {median:6.2f} s  {median / base:5.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
