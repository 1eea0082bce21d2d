"""A planner's question: what if the standard-gauge railway slips from 2030 to 2035.

Plans the 2031 sample demand (Lao Cai flows at the USD 10 bn target) with the railway open,
then with it delayed, and with the Lao Cai smart gate on top of the delay.
Run with ``.venv/bin/python examples/planner_sgr_2030.py``.
"""

from pathlib import Path

import corridor
from corridor.scenario import Scenario, apply_all

DATA = Path(__file__).resolve().parent.parent / "data"
demand = DATA / "demand" / "sample_2031.csv"
delay = Scenario.from_yaml(DATA / "scenarios" / "sgr-delayed-2035.yaml")
smart_gate = Scenario.from_yaml(DATA / "scenarios" / "lao-cai-smart-gate.yaml")

baseline = corridor.load_network(2031)
cases = {
    "SGR open (baseline)": baseline,
    "SGR delayed to 2035": delay.apply(baseline),
    "delayed + smart gate": apply_all(baseline, [delay, smart_gate]),
}
# marginal=True re-solves each saturated capacity at +1 TEU/day: the bottleneck ranking then
# does not depend on which of several equally optimal shadow prices the solver returns
plans = {
    name: corridor.plan(demand, network=network, marginal=True) for name, network in cases.items()
}

# the objective counts unserved demand at its penalty; the cost is what the carried TEU pay
base = plans["SGR open (baseline)"].objective_usd_per_day
for name, result in plans.items():
    totals = result.totals
    rail = result.mode_split.get("rail_1435", 0) / result.mode_split.sum()
    top = result.bottlenecks.iloc[0]
    print(
        f"{name}: objective {result.objective_usd_per_day:,.0f} USD/day "
        f"({result.objective_usd_per_day - base:+,.0f}), "
        f"{totals['cost_usd_per_day']:,.0f} USD/day paid for "
        f"{totals['teu_per_day']:,.0f} TEU/day ({totals['unserved_teu_per_day']:,.0f} unserved), "
        f"{totals['co2e_kg_per_day'] / 1000:,.0f} t CO2e/day, standard gauge {rail:.0%} of "
        f"TEU-km, top bottleneck {top['ref']} {top['direction']} (one more TEU/day saves "
        f"{top['marginal_saving_usd']:,.0f} USD/day)"
    )
