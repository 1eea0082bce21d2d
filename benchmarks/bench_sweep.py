"""A 200-run scenario sweep on the corridor: one process against two local workers.

Run: ``.venv/bin/python benchmarks/bench_sweep.py``. The spec varies demand growth (5), the
standard-gauge tariff (4) and the Kim Thanh gate capacity (10) over the 2031 sample demand.
"""

import time
from pathlib import Path

from corridor.scenario import SweepSpec, sweep

DATA = Path(__file__).resolve().parent.parent / "data"


def main():
    spec = SweepSpec(
        name="bench",
        year=2031,
        demand=DATA / "demand" / "sample_2031.csv",
        grid={
            "demand_growth": [0.8, 1.0, 1.2, 1.4, 1.6],
            "tariffs.rail_1435:any.usd_per_teu_km": [0.2, 0.31, 0.45, 0.6],
            "crossings.hekou_kim_thanh.capacity_teu_day*": [0.25 * k for k in range(1, 11)],
        },
    )
    assert len(spec.runs()) == 200
    times = {}
    for workers in (1, 2):
        start = time.perf_counter()
        results = sweep(spec, workers=workers)
        times[workers] = time.perf_counter() - start
        assert (results["status"] == "ok").all()
        print(f"{workers} worker(s): {times[workers]:.1f} s for 200 runs")
    print(f"speed-up on 2 workers: {times[1] / times[2]:.2f}×")


if __name__ == "__main__":
    main()
