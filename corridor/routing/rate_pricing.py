"""A rate card's prices on a service graph: the legs it covers, and no fixed part to load them.

:func:`card_pricing` prices a graph with the rows of a card (:mod:`corridor.routing.rates`)
valid on the quote date, for every container type of the data (cached per graph and date);
:func:`priced` gives a quote its graph and columns. On a leg a card prices, the shipped tariff
is not charged for the box types the row covers, nor its fixed part at the loading onto that
leg: where priced legs start, the graph gets one extra vertex per place, mode and covered
container types (``"<place>|rates:<n>"``) that the loading arcs reach without the fixed part
and that leads only onto those legs (and one before the gate crossing a lane starts with), so
a route that runs a whole lane pays the card rate and nothing of the shipped tariff. Those
legs lead to such vertices too, from which only card legs for the same types, gates,
transfers and unloading go on: a run that goes on onto a shipped leg is loaded with the fixed
part. The
solver sees per-arc costs only: the optimum stays exact.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from corridor.costs import exchange_rate
from corridor.errors import DataError
from corridor.model import CargoClass, ContainerType
from corridor.routing.rates import (
    PER_CENT,
    RateCard,
    RateRow,
    Resolved,
    check_lane,
    read_rate_card,
    request_date,
    unused_notes,
)
from corridor.routing.result import SHIPPED, Step
from corridor.service import ServiceArrays

if TYPE_CHECKING:
    from corridor.model import Shipment
    from corridor.network import Network

MAX_PRICINGS = 64
"""Priced service graphs kept per resolved card (graph × date)."""


@dataclass(frozen=True)
class Price:
    """What a card row charges one box on one arc: USD, and the text the step shows."""

    usd: float
    label: str
    line: int
    valid_to: date
    """The row's last valid day."""


@dataclass
class Pricing:
    """A card's prices on one service graph and date, for every container type of the data.

    Arc indices are the augmented graph's (:attr:`arrays`): the graph's own arcs, then
    :attr:`source` copies (the loadings without the tariff's fixed part, and the priced legs
    from the extra vertices).
    """

    card: str
    """The card's file name, as steps cite it."""
    arrays: ServiceArrays
    source: np.ndarray
    """For each arc, the arc of the original graph it is (a copy of)."""
    tariffs: dict[int, dict[str, Price]]
    """Per arc, per box type: the card price replacing the arc's tariff (legs)."""
    surcharges: dict[int, dict[str, Price]]
    """Per arc, per box type: a border surcharge added (crossings)."""
    waived: dict[int, tuple[str, ...]]
    """Loading copies: the box types whose tariff fixed part is not charged."""
    notes: tuple[str, ...]
    """Rows not used on the date (expired or not yet valid)."""
    table: CardTable
    """The card's changes as arrays, for :func:`card_columns`."""
    base: ServiceArrays
    """The original graph."""
    _indexed: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    _labels: dict[tuple[str, ...], dict[int, str]] = field(default_factory=dict, repr=False)

    def label(self, arc: int, types: tuple[str, ...]) -> str:
        """What priced ``arc`` for boxes of ``types``: :attr:`Step.priced_by`."""
        if any(kind in self.waived.get(arc, ()) for kind in types):
            return f"{SHIPPED}, no tariff fixed part ({self.card} prices the next leg)"
        by = self.tariffs.get(arc, {})
        priced = [by[kind].label for kind in types if kind in by]
        text = "; ".join(dict.fromkeys(priced)) if priced else SHIPPED
        if priced and len(priced) < len(types):
            text += f"; {SHIPPED} for {', '.join(k for k in types if k not in by)}"
        extra = self.surcharges.get(arc, {})
        added = [extra[kind].label for kind in types if kind in extra]
        return f"{text} + {'; '.join(dict.fromkeys(added))}" if added else text

    def labelled(
        self, steps: tuple[Step, ...], path: list[int], shipment: Shipment
    ) -> tuple[Step, ...]:
        """``steps`` (one per arc of ``path``) with what priced each (:attr:`Step.priced_by`)."""
        types = box_types(shipment.cargo, shipment.containers)
        known = self._labels.setdefault(types, {})
        labels = [
            known[a] if a in known else known.setdefault(a, self.label(a, types)) for a in path
        ]
        names = [f.name for f in dataclasses.fields(Step) if f.name != "priced_by"]
        return tuple(
            step
            if label == SHIPPED
            else Step(**{n: getattr(step, n) for n in names}, priced_by=label)
            for step, label in zip(steps, labels, strict=True)
        )

    def valid_to(self, path: list[int], shipment: Shipment) -> date | None:
        """The earliest last day of the rows pricing ``path`` for the shipment's boxes."""
        types = box_types(shipment.cargo, shipment.containers)
        days = [
            prices[kind].valid_to
            for a in path
            for prices in (self.tariffs.get(a, {}), self.surcharges.get(a, {}))
            for kind in types
            if kind in prices
        ]
        return min(days, default=None)

    def indexed(self, column: np.ndarray) -> np.ndarray:
        """``column`` of the original graph on the augmented one (the graph's own: cached)."""
        kept = self._indexed.get(id(column))
        if kept is not None and kept[0] is column:
            return kept[1]
        values: np.ndarray = np.asarray(column)[self.source]
        if any(column is own for own in self.base.columns.values()):
            self._indexed[id(column)] = (column, values)
        return values

    @functools.cached_property
    def twins(self) -> dict[int, list[int]]:
        """Each arc with copies, and each copy, mapped to the arcs that are the same step."""
        alike: dict[int, list[int]] = {}
        for copy in range(len(self.source)):
            original = int(self.source[copy])
            if original != copy:
                alike.setdefault(original, [original]).append(copy)
        return {arc: group for group in alike.values() for arc in group}


def box_types(cargo: CargoClass, boxes: Iterable[tuple[str, int]] | None) -> tuple[str, ...]:
    """The box types a shipment is priced as: its containers, else 20' boxes (20GP, 20RF)."""
    if boxes is not None:
        return tuple(sorted({kind for kind, _ in boxes}))
    return ("20RF",) if cargo is CargoClass.REEFER else ("20GP",)


def card_pricing(
    card: RateCard,
    net: Network,
    arrays: ServiceArrays,
    *,
    on: date,
    types: tuple[str, ...],
    lane: tuple[str, str] | None = None,
    modes: Iterable[str] | None = None,
) -> Pricing:
    """The card's prices on ``arrays`` on ``on`` (cached per graph and date).

    ``types`` are the shipment's box types, whose rows for the requested ``lane`` (of the
    quote's ``modes``; None: all) must not all have expired; the pricing holds every type of
    ``containers.csv``.

    Raises
    ------
    DataError
        If every row for the requested ``lane`` (origin, destination ids) covering the
        shipment's boxes has expired (or starts later), naming the row and the date; if
        two lane rows (or two km bands) price one leg for one container type on the date,
        naming both rows (whatever the shipment's boxes: the card contradicts itself).
    """
    resolved = card.resolve(net)
    if lane is not None:
        check_lane(resolved, lane, on, types, None if modes is None else set(modes))
    key = (id(arrays), on)
    cached = resolved._pricings.get(key)
    if cached is None or cached[0] is not arrays:
        if len(resolved._pricings) >= MAX_PRICINGS:
            resolved._pricings.pop(next(iter(resolved._pricings)))
        cached = (arrays, _pricing(resolved, arrays, on))
        resolved._pricings[key] = cached
    return cached[1]


def _fx(net: Network, currency: str, on: date) -> tuple[float, str]:
    """Units of ``currency`` per USD on ``on``, and how a step states it."""
    rate = exchange_rate(net.dataset.rates, currency, on)
    if rate is None:
        return 1.0, ""
    return rate.per_usd, f"{rate.per_usd:,.6g} {currency} per USD of {rate.date}"


def _pricing(  # noqa: PLR0912, PLR0915
    resolved: Resolved, arrays: ServiceArrays, on: date
) -> Pricing:
    card, net = resolved.card, resolved.net
    types = [c.type for c in net.dataset.containers]
    valid = [row for row in card.rows if row.valid_on(on)]
    # (leg id, from place, to place) -> lane prices; leg id -> band rows
    lane_prices: dict[tuple[str, str, str], list[tuple[RateRow, float, str]]] = {}
    border_prices: dict[tuple[str, str, str], list[tuple[RateRow, float, str]]] = {}
    band_rows: dict[str, list[RateRow]] = {}
    fx_text: dict[str, str] = {}
    for row in valid:
        per_usd, stated = _fx(net, row.currency, on)
        fx = f"; at {stated}" if stated else ""
        fx_text[row.currency] = fx
        if row.is_lane:
            origin, destination, chain = resolved.lanes[row.line]
            legs = [link for link in chain if link.kind == "leg"]
            total_km = math.fsum(link.km for link in legs)
            assert row.rate is not None
            whole = row.rate * (1 + row.fuel_pct / PER_CENT) + row.surcharges(on)
            crosses = net.places[origin].country != net.places[destination].country
            for link in legs:
                share = link.km / total_km if total_km else 1.0 / len(legs)
                part = f"; {link.km:g} of {total_km:g} km" if len(legs) > 1 else ""
                lane_prices.setdefault((link.ref, link.from_place, link.to_place), []).append(
                    (row, whole * share / per_usd, part + fx)
                )
            gates = [link for link in chain if link.kind == "border"]
            if crosses and row.border:
                # the surcharge on the lane's gate; a lane crossing on a leg (a flight): on it
                where = (
                    gates[:1]
                    or [
                        link
                        for link in legs
                        if net.places[link.from_place].country != net.places[link.to_place].country
                    ][:1]
                )
                for link in where:
                    border_prices.setdefault((link.ref, link.from_place, link.to_place), []).append(
                        (row, row.border / per_usd, "; border surcharge" + fx)
                    )
        else:
            for leg_id in resolved.bands[row.line]:
                band_rows.setdefault(leg_id, []).append(row)

    tariffs: dict[int, dict[str, Price]] = {}
    surcharges: dict[int, dict[str, Price]] = {}

    def conflict(rows: list[RateRow], what: str, kind: str) -> DataError:
        lines = sorted(r.line for r in rows)
        msg = (
            f"rows {lines[0]} and {lines[1]} both price {what} for {kind} on {on}; keep one "
            "(or give them other dates or container types)"
        )
        return DataError(msg, file=card.file, row=lines[1])

    for arc, (_, _, data) in enumerate(arrays.arcs):
        if data["kind"] == "leg":
            key = (data["ref"], data["from_place"], data["to_place"])
            what = f"the {data['mode']} leg {data['from_place']} → {data['to_place']}"
            for kind in types:
                lanes = [p for p in lane_prices.get(key, []) if p[0].covers(kind)]
                if len(lanes) > 1:
                    raise conflict([p[0] for p in lanes], what, kind)
                if lanes:
                    row, usd, text = lanes[0]
                    tariffs.setdefault(arc, {})[kind] = Price(
                        usd, _label(card, row, text), row.line, row.valid_to
                    )
                    continue
                bands = [r for r in band_rows.get(data["ref"], []) if r.covers(kind)]
                if len(bands) > 1:
                    raise conflict(bands, what, kind)
                if bands:
                    row = bands[0]
                    per_usd, _ = _fx(net, row.currency, on)
                    assert row.rate_per_km is not None
                    price = row.rate_per_km * data["km"] * (1 + row.fuel_pct / PER_CENT)
                    price += row.surcharges(on)
                    ends = {
                        net.places[data["from_place"]].country,
                        net.places[data["to_place"]].country,
                    }
                    price += row.border if len(ends) > 1 else 0.0
                    text = f"; {data['km']:g} km × {row.rate_per_km:g}{fx_text[row.currency]}"
                    tariffs.setdefault(arc, {})[kind] = Price(
                        price / per_usd, _label(card, row, text), row.line, row.valid_to
                    )
        if data["kind"] in {"border", "leg"}:
            key = (data["ref"], data["from_place"], data["to_place"])
            for kind in types:
                extra = [p for p in border_prices.get(key, []) if p[0].covers(kind)]
                if len(extra) > 1:
                    raise conflict(
                        [p[0] for p in extra], f"the border surcharge on {data['ref']}", kind
                    )
                if extra:
                    row, usd, text = extra[0]
                    surcharges.setdefault(arc, {})[kind] = Price(
                        usd, _label(card, row, text), row.line, row.valid_to
                    )

    # extra vertices: a loading onto a priced leg (or onto the lane's gate crossing just
    # before it), without the tariff's fixed part
    vertices = list(arrays.vertices)
    index = dict(arrays.index)
    arcs = list(arrays.arcs)
    source = list(range(len(arcs)))
    tails, heads = list(arrays.tails), list(arrays.heads)
    waived: dict[int, tuple[str, ...]] = {}
    into: dict[tuple[str, str], list[int]] = {}
    for arc, (_, head, data) in enumerate(arrays.arcs):
        if data["kind"] in {"access", "transfer"}:
            into.setdefault(head, []).append(arc)

    def vertex(at: tuple[str, str]) -> tuple[str, str]:
        made = (f"{at[0]}|rates:{len(vertices)}", at[1])
        index[made] = len(vertices)
        vertices.append(made)
        return made

    def add(tail: tuple[str, str], head: tuple[str, str], original: int) -> int:
        arcs.append((tail, head, arrays.arcs[original][2]))
        source.append(original)
        tails.append(index[tail])
        heads.append(index[head])
        return len(arcs) - 1

    # a run on card legs, loaded without the fixed part: at each place it goes on only by
    # legs priced for its types (or a gate); any other arc ends it (a shipped leg after it
    # is a new loading, with the fixed part)
    runs: dict[tuple[tuple[str, str], tuple[str, ...]], tuple[str, str]] = {}
    pending: list[tuple[tuple[str, str], tuple[str, ...]]] = []

    def run(at: tuple[str, str], covered: tuple[str, ...]) -> tuple[str, str]:
        if (at, covered) not in runs:
            runs[at, covered] = vertex(at)
            pending.append((at, covered))
        return runs[at, covered]

    # one entry per place, mode and covered types: its loadings skip the fixed part for
    # those types and it leads onto the legs priced for them (and from a lane's gate)
    entries: dict[tuple[tuple[str, str], tuple[str, ...]], tuple[str, str]] = {}
    gated: dict[tuple[int, tuple[str, str]], tuple[str, str]] = {}
    for arc in sorted(tariffs):
        tail, head, _ = arrays.arcs[arc]
        crossings = _gate_before(resolved, tariffs[arc].values(), arrays, arc)
        if "|" in tail[0] or (tail not in into and not crossings):  # aboard a train; no loading
            continue
        covered = tuple(sorted(tariffs[arc]))
        starts = []
        if (tail, covered) not in entries:
            entries[tail, covered] = vertex(tail)
            starts.append((tail, entries[tail, covered]))
        entry = entries[tail, covered]
        tariffs[add(entry, run(head, covered), arc)] = tariffs[arc]
        for crossing in crossings:
            if (crossing, entry) not in gated:
                before = gated[crossing, entry] = vertex(arrays.arcs[crossing][0])
                add(before, entry, crossing)
                starts.append((arrays.arcs[crossing][0], before))
        for at, start in starts:
            for loading in into.get(at, []):
                waived[add(arrays.arcs[loading][0], start, loading)] = covered
    out: dict[tuple[str, str], list[int]] = {}
    for arc, (tail, _, _) in enumerate(arcs):  # the graph's arcs and the loadings' copies
        out.setdefault(tail, []).append(arc)
    while pending:
        at, covered = pending.pop()
        for arc in out.get(at, []):
            head, kind, original = arcs[arc][1], arcs[arc][2]["kind"], source[arc]
            if kind == "leg" and set(covered) <= tariffs.get(arc, {}).keys():
                tariffs[add(runs[at, covered], run(head, covered), arc)] = tariffs[arc]
            elif kind == "border":
                add(runs[at, covered], run(head, covered), arc)
            elif kind != "leg":  # unloading, or a transfer (onto a card leg: as waived)
                twin = add(runs[at, covered], head, original)
                if arc in waived:
                    waived[twin] = waived[arc]
    copied = np.array(source, dtype=np.int64)
    augmented = ServiceArrays(
        n=len(vertices),
        tails=np.array(tails, dtype=np.int32),
        heads=np.array(heads, dtype=np.int32),
        columns={name: values[copied] for name, values in arrays.columns.items()},
        vertices=vertices,
        index=index,
        arcs=arcs,
    )
    for arc, by in list(surcharges.items()):  # a copied crossing pays the surcharge too
        for copy in np.flatnonzero(copied == arc):
            surcharges[int(copy)] = by
    return Pricing(
        card.name,
        augmented,
        copied,
        tariffs,
        surcharges,
        waived,
        unused_notes(card, on),
        _card_table(net, arrays, copied, tariffs=tariffs, waived=waived, surcharges=surcharges),
        arrays,
    )


def _gate_before(
    resolved: Resolved, prices: Iterable[Price], arrays: ServiceArrays, arc: int
) -> list[int]:
    """The gate crossing arcs just before leg ``arc`` on the lanes that price it, if any.

    A lane that starts at a gate (Hekou → Lao Cai by road: the crossing, then the leg) is
    loaded before the crossing: that loading does not pay the fixed part either.
    """
    tail, _, data = arrays.arcs[arc]
    found: list[int] = []
    for line in {price.line for price in prices}:
        if line not in resolved.lanes:
            continue
        chain = resolved.lanes[line][2]
        for i, link in enumerate(chain):
            if (link.kind, link.ref, link.from_place) != ("leg", data["ref"], tail[0]):
                continue
            if i and chain[i - 1].kind == "border":
                gate = chain[i - 1]
                found += [
                    x
                    for x in arrays.by_ref.get(gate.ref, [])
                    if arrays.arcs[x][0] == (gate.from_place, tail[1]) and arrays.arcs[x][1] == tail
                ]
    return sorted(set(found))


def _label(card: RateCard, row: RateRow, text: str) -> str:
    carrier = row.carrier or "no carrier named"
    return f"{card.name} row {row.line} ({carrier}{text})"


@dataclass(frozen=True)
class CardTable:
    """The arcs a card changes, with one column per container type of the data (``types``).

    ``covered``: the type's shipped tariff is not charged on the arc (a priced leg, or the
    fixed part at a loading onto one); ``usd``: the card's price per box there (0 at a
    loading); ``extra``: a border surcharge per box; ``factor``: the type's price factor for
    the arc's mode (``containers.csv``); ``handling``: each type's factor per box move.
    """

    types: tuple[str, ...]
    arcs: np.ndarray
    covered: np.ndarray
    usd: np.ndarray
    extra: np.ndarray
    factor: np.ndarray
    handling: np.ndarray
    mixes: dict[tuple[tuple[float, ...], float, bool], tuple[np.ndarray, np.ndarray, float]] = (
        field(default_factory=dict, repr=False)
    )
    """Per box mix (counts by type, TEU, boxed): the covered share and card USD per TEU."""


def card_columns(
    pricing: Pricing,
    columns: Mapping[str, np.ndarray],
    *,
    boxes: Mapping[str, float],
    teu: float,
    boxed: bool = True,
) -> dict[str, np.ndarray]:
    """The shipment's arc columns per TEU on :attr:`Pricing.arrays`, the card's prices in.

    ``columns`` are the shipment's columns on the original graph (boxes, and air by weight,
    priced per TEU); ``boxes`` the number of boxes of each type (a quote in TEU: ``teu`` 20'
    boxes, ``boxed`` False: handling as the graph has it). On an arc the card changes, the
    covered types' share of the shipment's own tariff cost (by their price factors: all of it
    when every box is covered) is taken off, and the card's price and border surcharge per
    box are added; handling is kept.
    """
    out = {name: pricing.indexed(values) for name, values in columns.items()}
    t = pricing.table
    if not len(t.arcs):
        return out
    key = (tuple(boxes.get(kind, 0.0) for kind in t.types), teu, boxed)
    if key not in t.mixes:  # the same boxes, the same shares and card prices per TEU
        if len(t.mixes) >= MAX_PRICINGS:
            t.mixes.clear()
        count = np.array(key[0])
        weights = t.factor * count
        total = weights.sum(axis=1)
        covered = (weights * t.covered).sum(axis=1)
        share = np.divide(covered, total, out=np.zeros(len(total)), where=total > 0)
        handled = float(t.handling @ count) / teu if boxed else 1.0  # box moves per TEU
        t.mixes[key] = (share, ((t.usd + t.extra) @ count) / teu, handled)
    share, added, handled = t.mixes[key]
    original = pricing.source[t.arcs]
    handling = np.asarray(columns["handling_usd"])[original] * handled
    tariff = np.asarray(columns["cost_usd"])[original] - handling  # what the boxes pay
    cost = out["cost_usd"].copy()
    cost[t.arcs] += added - share * tariff
    out["cost_usd"] = cost
    return out


def _card_table(
    net: Network,
    base: ServiceArrays,
    source: np.ndarray,
    *,
    tariffs: Mapping[int, Mapping[str, Price]],
    waived: Mapping[int, tuple[str, ...]],
    surcharges: Mapping[int, Mapping[str, Price]],
) -> CardTable:
    """The card's changes on the augmented graph as a :class:`CardTable`."""
    containers = {c.type: c for c in net.dataset.containers}
    types = tuple(containers)
    arcs = sorted(set(tariffs) | set(waived) | set(surcharges))
    units, _ = base.pricing_units
    shape = (len(arcs), len(types))
    covered, usd, extra, factor = (np.zeros(shape) for _ in range(4))
    for i, arc in enumerate(arcs):
        for j, kind in enumerate(types):
            price = tariffs.get(arc, {}).get(kind)
            covered[i, j] = price is not None or kind in waived.get(arc, ())
            usd[i, j] = 0.0 if price is None else price.usd
            added = surcharges.get(arc, {}).get(kind)
            extra[i, j] = 0.0 if added is None else added.usd
            factor[i, j] = _factor(containers, kind, units[source[arc]])
    handling = np.array([_factor(containers, kind, "handling") for kind in types])
    index = np.array(arcs, dtype=np.int64)
    return CardTable(types, index, covered.astype(bool), usd, extra, factor, handling)


def _factor(factors: Mapping[str, ContainerType], kind: str, unit: str) -> float:
    container = factors.get(kind)
    return 1.0 if container is None else float(container.factor(unit))


def priced(
    path: str,
    net: Network,
    arrays: ServiceArrays,
    columns: Mapping[str, np.ndarray],
    *,
    shipment: Shipment,
    ready: datetime | None,
    modes: Iterable[str] | None = None,
) -> tuple[Pricing, dict[str, np.ndarray]]:
    """A quote's pricing and its arc columns per TEU on :attr:`Pricing.arrays`.

    The card at ``path`` (read once per version) on the date of ``ready`` (else today),
    ``columns`` being the shipment's on ``arrays``, ``modes`` the quote's (None: all).

    Raises
    ------
    DataError
        As :func:`~corridor.routing.rates.read_rate_card`, :meth:`RateCard.resolve` and
        :func:`card_pricing` say (the shipment's own lane expired, say).
    """
    card = read_rate_card(path)
    types = box_types(shipment.cargo, shipment.containers)
    lane = (shipment.origin, shipment.destination)
    on = request_date(ready)
    pricing = card_pricing(card, net, arrays, on=on, types=types, lane=lane, modes=modes)
    boxes = dict(shipment.containers) if shipment.containers else {types[0]: shipment.teu}
    boxed = shipment.containers is not None
    return pricing, card_columns(pricing, columns, boxes=boxes, teu=shipment.teu, boxed=boxed)


__all__ = ["Pricing", "box_types", "card_columns", "card_pricing", "priced"]
