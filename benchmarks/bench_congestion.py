"""Congestion: iterations of the equilibrium to a 1e-4 gap, and time, at growing demand.

Run: ``.venv/bin/python benchmarks/bench_congestion.py`` — the 2026 sample demand × 1, 1.5
and 2: the plan under hard capacities as the yardstick, then ``corridor.congestion`` (the
system optimum LP and the Frank-Wolfe equilibrium), each timed in this process; the
equilibrium's iterations and gap, and the three most loaded elements' queues.
"""

import time
import warnings

import corridor

SAMPLE = "data/demand/sample_2026.csv"


def main() -> None:
    network = corridor.load_network(2026)
    corridor.plan(SAMPLE, network=network)  # solver imports out of the timings
    for growth in (1.0, 1.5, 2.0):
        table = corridor.planning.grown_demand(SAMPLE, growth)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            corridor.plan(table, network=network)
        base = time.perf_counter() - start
        start = time.perf_counter()
        result = corridor.congestion(SAMPLE, network=network, growth=growth)
        seconds = time.perf_counter() - start
        print(
            f"demand x{growth:g}: plan {base:.2f} s; congestion {seconds:.2f} s "
            f"({seconds / base:.1f}x), equilibrium {result.iterations} iterations to gap "
            f"{result.relative_gap:.1e}"
        )
        for element, row in result.elements.head(3).iterrows():
            print(
                f"    {element}: equilibrium {row['equilibrium_teu_per_day']:,.0f} TEU/day, "
                f"queue {row['equilibrium_delay_hours']:.1f} h; optimum "
                f"{row['system_teu_per_day']:,.0f} TEU/day, {row['system_delay_hours']:.1f} h"
            )


if __name__ == "__main__":
    main()
