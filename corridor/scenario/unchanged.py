"""Why a scenario leaves a plan (nearly) as it was: a sentence for :attr:`Comparison.notes`.

A project that changes nothing in the plan is a finding, not a failure, but a reader needs
the reason: the elements it changes carry no flow (or are not in service in the year, or run
only in some months), or they carry flow without being short of capacity, while the
capacity that binds is elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from corridor.planning.result import BINDING
from corridor.scenario.elements import (
    capacity_name,
    changed_elements,
    element_flow,
    element_name,
    transfer_key,
)

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.planning import Plan
    from corridor.scenario.patch import Scenario

NEARLY_UNCHANGED_PERCENT = 0.5
"""A plan whose objective, cost, CO2e and TEU-km all move by less than this (percent of the
baseline's), and whose unserved demand moves by less than this percent of the demand, is
nearly unchanged."""
SHOWN_ELEMENTS = 3
"""Elements no flow uses that a sentence names together (the rest are counted)."""
IDLE_TEU_PER_DAY = 0.05
"""An element with less flow than this (TEU/day, shown as 0.0) carries none."""
MONTHS = 12
"""Months of a year: a leg that runs in fewer is seasonal."""


def plan_change_percent(base: Plan, new: Plan) -> float:
    """The largest change, percent, of a plan's objective, cost, CO2e, TEU-km and unserved TEU.

    Unserved TEU/day are measured against the TEU/day demanded (carried plus unserved), since
    a baseline often leaves none unserved.
    """
    old, now = base.totals, new.totals
    pairs = [
        (base.objective_usd_per_day, new.objective_usd_per_day),
        *((old[k], now[k]) for k in ("cost_usd_per_day", "co2e_kg_per_day", "teu_km_per_day")),
    ]
    changes = [abs(b - a) / abs(a) * 100 if a else (0.0 if a == b else np.inf) for a, b in pairs]
    demanded = old["teu_per_day"] + old["unserved_teu_per_day"]
    unserved = abs(now["unserved_teu_per_day"] - old["unserved_teu_per_day"])
    changes.append(unserved / demanded * 100 if demanded else 0.0)
    return float(max(changes))


def why_unchanged(
    scenario: Scenario,
    base: Plan,
    new: Plan,
    *,
    against: str = "baseline",
) -> str | None:
    """A sentence on why ``scenario`` leaves the plan (nearly) unchanged; None if it does not.

    ``base`` is the plan of the baseline it is compared with (named ``against``), ``new`` the
    scenario's. The sentence names the elements the scenario changes (with their ids), says
    whether any flow of either plan uses them (TEU/day, and how full their capacity is), and
    names the capacity that binds instead: the scenario plan's top bottleneck (what one more
    TEU/day of it saves, USD/day) and how many capacities are saturated.
    """
    change = plan_change_percent(base, new)
    if change >= NEARLY_UNCHANGED_PERCENT:
        return None
    objective = new.objective_usd_per_day - base.objective_usd_per_day
    if change == 0:
        how = "leaves the plan unchanged"
    else:
        percent = objective / base.objective_usd_per_day * 100 if base.objective_usd_per_day else 0
        moved = (
            f"objective {objective:+,.0f} USD/day, {percent:+.2g} %"
            if round(objective)
            else "the objective as it was"
        )
        how = (
            f"leaves the plan nearly unchanged ({moved}; no total moves by "
            f"{NEARLY_UNCHANGED_PERCENT} % or more)"
        )
    parts = [f"{scenario.name!r} {how} against {against!r}"]
    elements = changed_elements(scenario)
    parts.append(_uses(elements, base, new) if elements else "it changes no element")
    parts.append(_binding(new, {element for _, element in elements}))
    if new.objective == "cost" and _saves_time_only(scenario):
        parts.append(
            "By cost alone the hours it saves do not count: compare with the generalised "
            "objective (--objective generalised) to weigh them"
        )
    return ". ".join(_capital(part) for part in parts) + "."


TIME_FIELDS = ("speed_kmh", "hours", "transload_hours", "hours_p50", "hours_p90")
"""Fields (or the start of their names) that change an element's hours only."""


def _saves_time_only(scenario: Scenario) -> bool:
    """Whether every operation of ``scenario`` updates hours or speeds only."""
    from corridor.scenario.patch import Update

    fields = [
        name
        for op in scenario.operations
        for name in (op.set.keys() | op.scale.keys() if isinstance(op, Update) else {""})
    ]
    return bool(fields) and all(name.startswith(TIME_FIELDS) for name in fields)


def _capital(text: str) -> str:
    """``text`` with its first letter in capitals (a sentence)."""
    return text[:1].upper() + text[1:]


def _uses(elements: list[tuple[str, str]], base: Plan, new: Plan) -> str:
    """What the changed elements are and which flows use them.

    Elements no flow uses, for one reason, are named together (the first
    :data:`SHOWN_ELEMENTS`, the rest counted); each used element gets its TEU/day.
    """
    network = new.network
    idle: dict[str, list[str]] = {}
    used = []
    for kind, element in elements:
        name = f"{element_name(network, kind, element)} ({element})"
        before, after = element_flow(base, kind, element), element_flow(new, kind, element)
        if before < IDLE_TEU_PER_DAY and after < IDLE_TEU_PER_DAY:
            idle.setdefault(_idle(kind, element, base.network, new), []).append(name)
            continue
        full = _fullest(new, kind, element)
        used.append(
            f"{name} carries {before:,.1f} TEU/day in the baseline plan and {after:,.1f} in "
            "the scenario's" + (f", {full}" if full else "")
        )
    said = used[:]
    for reason, names in idle.items():
        shown = ", ".join(names[:SHOWN_ELEMENTS])
        more = len(names) - SHOWN_ELEMENTS
        if more > 0:
            shown += f" and {more} more"
        them = "it" if len(names) == 1 else "them"
        said.append(f"no flow uses {shown} in either plan ({reason.format(them=them)})")
    return ". ".join(_capital(part) for part in said)


def _idle(kind: str, element: str, base_network: Network, new: Plan) -> str:
    """Why an element may carry nothing: not in service in the year, seasonal, or dearer.

    ``{them}`` in the text stands for the element or elements.
    """
    network = new.network
    absent = f"not in service in {network.year}"
    tables = {"legs": network.legs, "crossings": network.crossings, "places": network.places}
    if kind in tables and element not in tables[kind]:
        return absent
    if kind == "transfers":
        keys = {
            transfer_key(t.place, t.from_mode.value, t.to_mode.value) for t in network.transfers
        }
        keys |= {
            transfer_key(t.place, t.to_mode.value, t.from_mode.value) for t in network.transfers
        }
        if element not in keys:
            return absent
    if kind == "legs" and new.month is None:
        old = base_network.legs.get(element)
        if len(network.legs[element].months) < MONTHS:
            return "running in some months only: a plan for the whole year leaves {them} out"
        if old is not None and len(old.months) < MONTHS:
            return "running all year now, yet no route through {them} is cheaper than the plan's"
    return "no route through {them} is cheaper than the routes the plan takes"


def _fullest(result: Plan, kind: str, element: str) -> str:
    """How full an element's capacity is in a plan (its fullest direction), or ``""``."""
    capacities = result.capacities
    if kind == "transfers":
        place = element.split(":", 1)[0]
        rows = capacities[(capacities["element"] == "transfer") & (capacities["ref"] == place)]
    elif kind in ("legs", "crossings"):
        rows = capacities[
            capacities["element"].isin(["leg", "border"]) & (capacities["ref"] == element)
        ]
    else:
        return ""
    if rows.empty:
        return "with no capacity limit in the data"
    top = rows.loc[rows["utilisation"].idxmax()]
    state = "saturated" if top["utilisation"] >= BINDING else "not saturated"
    return (
        f"at {top['utilisation']:.0%} of its {top['capacity_teu_day']:,.0f} TEU/day "
        f"({top['direction']}), {state}"
    )


def _binding(result: Plan, changed: set[str]) -> str:
    """The capacity that binds in a plan: its top bottleneck, and how many are saturated."""
    bottlenecks = result.bottlenecks
    if bottlenecks.empty:
        return "no capacity binds in the scenario's plan: each flow takes its cheapest route"
    row = bottlenecks.iloc[0]
    value = row["marginal_saving_usd"]
    worth = row["shadow_price_usd"] if np.isnan(value) else value
    name = capacity_name(result.network, row["element"], row["ref"], row["direction"])
    count = len(bottlenecks)
    where = "" if row["ref"] in changed else " elsewhere"
    return (
        f"the capacity that binds is{where}: {name} ({row['ref']}), where one more TEU/day "
        f"saves {worth:,.0f} USD/day, the first of {count} saturated "
        f"capacit{'ies' if count != 1 else 'y'}"
    )
