"""What a shipment pays and weighs: its boxes, its value of time and the gates it may use.

A quote's request is priced here before it is solved (:mod:`corridor.routing.problem`):
container types (``containers.csv``: each mode prices a box by its own factor, a 40' truck as
a 20' one), modes priced by weight (air: USD per kg of chargeable weight with a minimum per
shipment, ``tariffs.csv``), the generalised objective's value of time (the goods value,
given or the cargo class default, × the class's daily rate), and the border crossings a
truck may drive across only with GMS CBTA permits. Each is a number per arc known before
the solve, so the optimisation stays exact.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import numpy as np

from corridor.costs import KG_PER_TONNE, find_tariff
from corridor.errors import InvalidRequestError
from corridor.model import PRICING_UNITS, CargoClass, Mode, Shipment, TruckRegime

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.routing.request import QuoteRequest
    from corridor.service import ServiceArrays

HOURS_PER_DAY = 24.0


def box_teu(net: Network, request: QuoteRequest) -> float:
    """The TEU of the request's containers, checked against the data and the request.

    Raises
    ------
    InvalidRequestError
        For a type not in ``containers.csv`` (naming the one meant), a ``teu`` other than
        the boxes', reefer boxes without reefer cargo (or reefer cargo in dry boxes), or more
        tonnes than the boxes' payload.
    """
    types = {c.type: c for c in net.dataset.containers}
    boxes = request.containers or ()
    for kind, _ in boxes:
        if kind not in types:
            close = difflib.get_close_matches(kind, types, n=1, cutoff=0.5)
            meant = f"; did you mean {close[0]!r}?" if close else ""
            msg = f"unknown container type {kind!r}{meant} (containers.csv has {', '.join(types)})"
            raise InvalidRequestError(msg)
    teu = sum(types[kind].teu * count for kind, count in boxes)
    if request.teu not in (1.0, teu):
        msg = f"teu={request.teu:g} contradicts the containers ({teu:g} TEU): give one of them"
        raise InvalidRequestError(msg)
    reefer = request.cargo is CargoClass.REEFER
    wrong = [kind for kind, _ in boxes if types[kind].reefer != reefer]
    if wrong:
        msg = f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} " + (
            "no reefer box: reefer cargo travels in 20RF or 40RF"
            if reefer
            else "a reefer box: give cargo='reefer' (or a dry box such as 40GP)"
        )
        raise InvalidRequestError(msg)
    payload = sum(types[kind].payload_t * count for kind, count in boxes)
    if request.tonnes is not None and request.tonnes > payload:
        msg = f"{request.tonnes:g} t is more than the containers carry ({payload:,.2f} t payload)"
        raise InvalidRequestError(msg)
    return teu


def permit_crossings(net: Network) -> set[str]:
    """The crossings a truck drives across (GMS CBTA direct trucking): they need permits.

    Whether a truck crosses or its cargo is transloaded at the gate is the ``trucks`` column
    of ``border_crossings.csv``; a quote without ``cbta`` uses only the transloading gates.
    """
    return {c.id for c in net.crossings.values() if c.trucks is TruckRegime.CROSS}


def value_of_time_usd_per_teu_hour(net: Network, shipment: Shipment) -> float:
    """What an hour in transit costs one TEU of ``shipment``, USD per TEU-hour.

    The goods value (``value_usd``, else the cargo class's ``default_value_usd_per_teu``
    for each TEU) × the class's value of time (``value_of_time_pct_per_day``) / 24.

    Examples
    --------
    >>> from corridor import load_network
    >>> from corridor.model import CargoClass
    >>> net = load_network(2026)
    >>> round(value_of_time_usd_per_teu_hour(net, Shipment("hanoi", "hai_phong", 1.0)), 2)
    1.25
    """
    profile = net.cargo_profiles[shipment.cargo]
    per_teu = (
        profile.default_value_usd_per_teu
        if shipment.value_usd is None
        else shipment.value_usd / shipment.teu
    )
    return per_teu * profile.value_of_time_pct_per_day / 100.0 / HOURS_PER_DAY


def box_cost_per_teu(net: Network, arrays: ServiceArrays, shipment: Shipment) -> np.ndarray:
    """Each arc's cost for the shipment's boxes, per TEU of them (USD/TEU).

    A box pays each arc's tariff part × its factor for the arc's mode, and the handling part
    (``handling_usd``) × its factor for a box move or a border crossing (``containers.csv``):
    two 40' boxes by road pay twice the road rate per TEU, not four times.
    """
    types = {c.type: c for c in net.dataset.containers}
    tariff_unit, handling_unit = arrays.pricing_units
    tariff_factor = np.zeros(len(tariff_unit))
    handling_factor = np.zeros(len(handling_unit))
    for unit in PRICING_UNITS:
        per_shipment = sum(types[k].factor(unit) * n for k, n in shipment.containers or ())
        tariff_factor[tariff_unit == unit] = per_shipment
        handling_factor[handling_unit == unit] = per_shipment
    handling: np.ndarray = arrays.columns["handling_usd"]
    tariff: np.ndarray = arrays.columns["cost_usd"] - handling
    per_teu: np.ndarray = (tariff * tariff_factor + handling * handling_factor) / shipment.teu
    return per_teu


def chargeable_kg(net: Network, shipment: Shipment) -> float:
    """A shipment's chargeable weight, kg: its ``tonnes``, else the class payload × TEU.

    (Volumetric weight is not modelled: a box's cargo is taken as dense enough.)
    """
    profile = net.cargo_profiles[shipment.cargo]
    tonnes = profile.tonnes_per_teu * shipment.teu if shipment.tonnes is None else shipment.tonnes
    return tonnes * KG_PER_TONNE


def weight_priced_cost_per_teu(
    net: Network, arrays: ServiceArrays, shipment: Shipment, cost: np.ndarray
) -> np.ndarray:
    """``cost`` (USD per TEU of the shipment) with each per-kg tariff charged by weight.

    The service graph prices a mode that charges per kg (air) at the class payload per TEU,
    on the arcs that board it; for a shipment those arcs pay the tariff's
    :meth:`~corridor.model.Tariff.shipment_usd` of its chargeable weight (the rate, or the
    minimum per shipment if higher) × the class multiplier, whatever its boxes.

    Examples
    --------
    >>> from corridor import load_network
    >>> net = load_network(2026)
    >>> small = Shipment("kunming", "hanoi", 1.0, tonnes=0.05)  # 50 kg: the minimum applies
    >>> arrays = net.service_arrays(small.cargo, None)
    >>> air = arrays.boarding["air"]
    >>> graph = arrays.columns["cost_usd"]
    >>> priced = weight_priced_cost_per_teu(net, arrays, small, graph)
    >>> float(graph[air[0]] - priced[air[0]])  # USD 10,000 a TEU at 10 t, USD 75 for 50 kg
    9925.0
    """
    priced = cost.copy()
    profile = net.cargo_profiles[shipment.cargo]
    kg = chargeable_kg(net, shipment)
    types = {c.type: c for c in net.dataset.containers}
    graph_cost: np.ndarray = arrays.columns["cost_usd"]
    handling: np.ndarray = arrays.columns["handling_usd"]
    weighed = {t.mode for t in net.tariffs.values() if t.usd_per_kg is not None}
    for mode in sorted(weighed, key=list(Mode).index):
        for a in arrays.boarding.get(mode.value, []):
            place = net.places[arrays.arcs[a][2]["from_place"]]
            tariff = find_tariff(net.tariffs, mode, place.country.value)
            if tariff.usd_per_kg is None:
                continue  # the mode is priced per TEU in this country
            factor = (
                sum(types[k].factor(mode.value) * n for k, n in shipment.containers) / shipment.teu
                if shipment.containers
                else 1.0
            )
            by_teu = (graph_cost[a] - handling[a]) * factor  # what the boxes paid the graph
            by_weight = tariff.shipment_usd(kg) * profile.tariff_multiplier / shipment.teu
            priced[a] = cost[a] - by_teu + by_weight
    return priced
