"""Network elements as scenarios name them: names for people, flows, what a scenario changes.

The flow a plan puts on an element, the elements a scenario adds, updates or closes, and a
plan's capacities by name.

Elements are named by id (legs, crossings, places), transfers as ``place:mode>mode`` and
tariffs as ``mode:country``, as in scenario files. Names are looked up in the whole dataset,
so an element that is not in service in a plan's year (a line that opens later) is named too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.planning import Plan
    from corridor.scenario.patch import Scenario

MODE_WORDS = {
    "road": "road",
    "rail_1000": "metre-gauge rail",
    "rail_1435": "standard-gauge rail",
    "river": "river",
    "sea": "sea",
    "air": "air",
}
"""Modes as people name them."""


def transfer_key(place: str, a: str, b: str) -> str:
    """A transfer's id as scenarios name it (``lao_cai_station:road>rail_1435``)."""
    return f"{place}:{a}>{b}"


def element_flows(result: Plan) -> dict[str, float]:
    """TEU/day through each leg, crossing and transfer of a plan (both directions together).

    A transfer is counted under both of its keys (``place:a>b`` and ``place:b>a``).
    """
    flows: dict[str, float] = defaultdict(float)
    for arc in result.arcs.to_dict("records"):
        kind, ref, teu = str(arc["kind"]), str(arc["ref"]), float(arc["teu_per_day"])
        if kind in ("leg", "border"):
            flows[ref] += teu
        elif kind == "transfer":
            place, a, b = str(arc["from_place"]), str(arc["from_mode"]), str(arc["to_mode"])
            flows[transfer_key(place, a, b)] += teu
            flows[transfer_key(place, b, a)] += teu
    return dict(flows)


def element_flow(result: Plan, kind: str, element: str) -> float:
    """TEU/day a plan puts on one element (``kind``: a scenario table name).

    A place: the TEU/day arriving there by a leg or crossing or starting there; a tariff
    (``mode:country``): the TEU/day on the legs of that mode.
    """
    if kind == "places":
        arcs = result.arcs
        arriving = arcs["kind"].isin(["leg", "border"]) & (arcs["to_place"] == element)
        starting = (arcs["kind"] == "access") & (arcs["from_place"] == element)
        return float(arcs.loc[arriving | starting, "teu_per_day"].sum())
    if kind == "tariffs":
        mode = element.split(":", 1)[0]
        arcs = result.arcs
        return float(
            arcs.loc[(arcs["kind"] == "leg") & (arcs["mode"] == mode), "teu_per_day"].sum()
        )
    return element_flows(result).get(element, 0.0)


def place_name(network: Network, place: str) -> str:
    """A place's name, from the whole dataset (a place not open in the year too)."""
    if place in network.places:
        return network.places[place].name
    for known in (*network.dataset.places, *network.dataset.removed_places):
        if known.id == place:
            return known.name
    return place


def element_name(network: Network, kind: str, element: str) -> str:
    """A person's name for an element (``kind``: a scenario table name), without its id.

    Examples
    --------
    >>> from corridor import load_network
    >>> net = load_network(2026)
    >>> element_name(net, "legs", "rail1435_sgr_lao_cai_yen_vien")
    'standard-gauge rail Lao Cai station – Yen Vien station'
    >>> element_name(net, "transfers", "lao_cai_station:road>rail_1435")
    'road ⇄ standard-gauge rail transfer at Lao Cai station'
    """
    dataset = network.dataset
    if kind == "legs":
        leg = next((x for x in dataset.legs if x.id == element), None)
        if leg is not None:
            a, b = place_name(network, leg.origin), place_name(network, leg.destination)
            return f"{MODE_WORDS.get(leg.mode.value, leg.mode.value)} {a} – {b}"
    elif kind == "crossings":
        crossing = next((x for x in dataset.crossings if x.id == element), None)
        if crossing is not None:
            return crossing.name
    elif kind == "transfers":
        place, modes = element.split(":", 1)
        a, _, b = modes.partition(">")
        words = f"{MODE_WORDS.get(a, a)} ⇄ {MODE_WORDS.get(b, b)}"
        return f"{words} transfer at {place_name(network, place)}"
    elif kind == "places":
        return place_name(network, element)
    elif kind == "tariffs":
        mode, _, country = element.partition(":")
        where = "" if country == "any" else f" in {country}"
        return f"the {MODE_WORDS.get(mode, mode)} tariff{where}"
    return element


def changed_elements(scenario: Scenario) -> list[tuple[str, str]]:
    """The (table, id) of each element a scenario adds, updates or closes, in order, once."""
    from corridor.scenario.patch import Add, Update

    found: list[tuple[str, str]] = []
    for op in scenario.operations:
        if isinstance(op, Add):
            found.append((op.add, _row_key(op.add, op.row)))
        elif isinstance(op, Update):
            found.append((op.update, op.id))
        else:
            found.append((op.close, op.id))
    return list(dict.fromkeys(found))


def _row_key(table: str, row: dict[str, Any]) -> str:
    """The id of a row an ``add`` writes, as scenarios name it."""
    if table == "transfers":
        return transfer_key(
            str(row.get("place")), str(row.get("from_mode")), str(row.get("to_mode"))
        )
    if table == "tariffs":
        return f"{row.get('mode')}:{row.get('country')}"
    return str(row.get("id"))


def capacity_name(network: Network, element: str, ref: str, direction: str) -> str:
    """A capacity of :attr:`Plan.capacities <corridor.planning.Plan.capacities>` by name.

    ``road Hanoi – Lang Son, from Hanoi``; ``Huu Nghi – Youyiguan road gate, both
    directions``; ``road ⇄ standard-gauge rail transfer at Pingxiang``.
    """
    if element == "transfer":
        a, _, b = direction.partition("↔")
        return element_name(network, "transfers", transfer_key(ref, a, b))
    kind = "legs" if element == "leg" else "crossings"
    if direction.startswith("from "):
        direction = f"from {place_name(network, direction.removeprefix('from '))}"
    return f"{element_name(network, kind, ref)}, {direction}"


def named_bottleneck(result: Plan, text: str) -> str:
    """A ``top_bottleneck`` KPI of ``result`` with the capacity's name before its id.

    ``pingxiang_dong_dang_rail from pingxiang (+1 TEU/day saves 170 USD/day)`` becomes
    ``Pingxiang – Dong Dang railway, from Pingxiang (pingxiang_dong_dang_rail): +1 TEU/day
    saves 170 USD/day``; a text that is not the plan's top bottleneck is returned as it is.
    """
    top = result.bottlenecks.head(1)
    if top.empty or not text:
        return text
    row = top.iloc[0]
    prefix = f"{row['ref']} {row['direction']} ("
    if not text.startswith(prefix) or not text.endswith(")"):
        return text
    name = capacity_name(result.network, row["element"], row["ref"], row["direction"])
    return f"{name} ({row['ref']}): {text[len(prefix) : -1]}"
