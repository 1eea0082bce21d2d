"""Criticality over every element of the 2026 network with the 2026 sample demand.

Run: ``.venv/bin/python benchmarks/bench_criticality.py`` — one ranking in this process
(``workers=1``) and one on a local pool of two processes, each timed whole (the pool's
process start-up included), with the plan of the sample once as the yardstick; ratios to it.
The two rankings are checked to agree.
"""

import time
import warnings

import corridor

SAMPLE = "data/demand/sample_2026.csv"


def timed(call, *args, **kwargs):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = call(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    network = corridor.load_network(2026)
    base, _ = timed(corridor.plan, SAMPLE, network=network)
    one, ranked = timed(corridor.criticality, SAMPLE, workers=1)
    two, pooled = timed(corridor.criticality, SAMPLE, workers=2)
    assert (
        ranked.ranking["loss_usd_per_day"]
        .round(3)
        .equals(pooled.ranking["loss_usd_per_day"].round(3))
    )
    replanned = int((ranked.ranking["status"] == "ok").sum())
    print(
        f"{len(ranked.ranking)} elements, {replanned} re-planned (the rest carry no flow); "
        f"plan of the sample {base:.2f} s"
    )
    print(f"  workers=1  {one:6.2f} s  {one / base:6.1f}x the plan")
    print(f"  workers=2  {two:6.2f} s  {two / base:6.1f}x the plan  ({one / two:.2f}x faster)")


if __name__ == "__main__":
    main()
