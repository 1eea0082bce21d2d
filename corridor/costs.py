"""Cost, time and CO2e of each arc of the service graph, per TEU.

Conventions (documented in ``docs/data.md``):

- Linehaul price = (fixed + per-km rate × km) × the cargo class tariff multiplier, USD per TEU.
  The fixed part is paid once per boarding (on the access or transfer arc into the mode), the
  per-km part on every leg, so a run split into several legs is not charged twice.
- CO2e = emission factor (g per t-km) × km × payload (t per TEU) / 1000, kg per TEU, well to
  wheel (WTW, ISO 14083 / GLEC), with its tank-to-wheel (TTW) part from the factor's TTW.
- Hub emissions (ISO 14083 hub operations): a transfer, a loading or unloading through a
  terminal and a transload at a border gate emit the hub's kg CO2e per tonne handled
  (``hub_emissions.csv``, by kind of place) × payload.
- Waiting for a departure: with ``n`` evenly spaced departures a day and an arrival at a
  random moment, the wait is uniform on [0, 24/n] hours, so P50 = 12/n and P90 = 21.6/n.
- Handling (transfers, border fees) is a flat USD per TEU.
- A mode priced per kg (air) boards at ``usd_per_kg`` × payload per TEU here; a quote prices
  its shipment's chargeable weight and the minimum instead (:mod:`corridor.routing.pricing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from corridor.errors import DataError, InvalidRequestError
from corridor.model import (
    BorderCrossing,
    CargoProfile,
    EmissionFactor,
    ExchangeRate,
    Leg,
    Mode,
    Tariff,
    Transfer,
    TruckRegime,
)

HOURS_PER_DAY = 24.0
KG_PER_TONNE = 1000.0


@dataclass(frozen=True, slots=True)
class ArcFigures:
    """What one TEU pays on one arc: USD, hours (P50, P90) and kg CO2e.

    ``co2e_kg`` is well to wheel (WTW) at the class payload and includes
    ``refrigeration_co2e_kg``, the reefer unit's share, which depends on the box and the hours
    rather than on the tonnes carried, and ``hub_co2e_kg``, the terminal's handling.
    ``co2e_ttw_kg`` is the tank-to-wheel part (with ``refrigeration_ttw_co2e_kg``).
    """

    cost_usd: float
    hours_p50: float
    hours_p90: float
    co2e_kg: float
    refrigeration_co2e_kg: float = 0.0
    handling_usd: float = 0.0
    """The part of ``cost_usd`` paid per box move or per crossing (the rest is a tariff)."""
    co2e_ttw_kg: float = 0.0
    refrigeration_ttw_co2e_kg: float = 0.0
    hub_co2e_kg: float = 0.0
    """The part of ``co2e_kg`` emitted handling the box at a hub (WTW)."""


@dataclass(frozen=True, slots=True)
class Emitted:
    """Kg CO2e one TEU emits on an arc before refrigeration: transport and hub, WTW and TTW."""

    wtw: float = 0.0
    ttw: float = 0.0
    hub_wtw: float = 0.0
    hub_ttw: float = 0.0

    def plus_hub(self, per_tonne: tuple[float, float], profile: CargoProfile) -> Emitted:
        """These emissions and a hub's (WTW, TTW) kg CO2e per tonne × the class payload."""
        wtw, ttw = (k * profile.tonnes_per_teu for k in per_tonne)
        return Emitted(self.wtw, self.ttw, self.hub_wtw + wtw, self.hub_ttw + ttw)


def _figures(
    cost_usd: float,
    hours_p50: float,
    hours_p90: float,
    emitted: Emitted,
    profile: CargoProfile,
    *,
    handling_usd: float = 0.0,
) -> ArcFigures:
    """Arc figures with the refrigeration's kg CO2e over the P50 hours added to transport's."""
    refrigeration = profile.refrigeration_kg_co2e_per_hour * hours_p50
    refrigeration_ttw = profile.refrigeration_ttw_kg_co2e_per_hour * hours_p50
    return ArcFigures(
        cost_usd,
        hours_p50,
        hours_p90,
        emitted.wtw + emitted.hub_wtw + refrigeration,
        refrigeration,
        handling_usd,
        co2e_ttw_kg=emitted.ttw + emitted.hub_ttw + refrigeration_ttw,
        refrigeration_ttw_co2e_kg=refrigeration_ttw,
        hub_co2e_kg=emitted.hub_wtw,
    )


def departure_wait_hours(departures_per_day: float | None) -> tuple[float, float]:
    """P50 and P90 wait for the next departure, hours (0 for on-demand services).

    >>> departure_wait_hours(4)
    (3.0, 5.4)
    """
    if departures_per_day is None:
        return 0.0, 0.0
    headway = HOURS_PER_DAY / departures_per_day
    return 0.5 * headway, 0.9 * headway


def find_tariff(tariffs: Mapping[tuple[Mode, str], Tariff], mode: Mode, country: str) -> Tariff:
    """The tariff for ``mode`` in ``country`` (``"cn"``, ``"vn"`` or ``"any"``), else ``any``."""
    for key in ((mode, country), (mode, "any")):
        if key in tariffs:
            return tariffs[key]
    msg = f"no tariff for mode {mode.value!r} in {country!r}"
    raise DataError(msg, file="tariffs.csv")


def co2e_kg(km: float, emission: EmissionFactor, profile: CargoProfile) -> float:
    """Kg CO2e (WTW) for one TEU of this cargo class over ``km``."""
    return emission.g_co2e_per_tkm * km * profile.tonnes_per_teu / 1000.0


def transport_emitted(km: float, emission: EmissionFactor, profile: CargoProfile) -> Emitted:
    """Kg CO2e, WTW and TTW, for one TEU of this cargo class over ``km``."""
    ttw = emission.ttw_g_co2e_per_tkm * km * profile.tonnes_per_teu / 1000.0
    return Emitted(co2e_kg(km, emission, profile), ttw)


def boarding_usd_per_teu(tariff: Tariff, profile: CargoProfile) -> float:
    """What one TEU of this class pays on boarding ``tariff``'s mode, USD.

    The fixed part, and for a mode priced per kg (air) the rate × the class payload.
    """
    per_kg = (tariff.usd_per_kg or 0.0) * profile.tonnes_per_teu * KG_PER_TONNE
    return (tariff.fixed_usd_per_teu + per_kg) * profile.tariff_multiplier


def leg_figures(
    leg: Leg,
    tariff: Tariff,
    emission: EmissionFactor,
    profile: CargoProfile,
    *,
    boarding: bool = True,
) -> ArcFigures:
    """Figures for one TEU on ``leg``; the wait for a departure only when ``boarding``.

    P90 hours are the running time's P90 (congestion) plus the wait's P90.

    A train that runs on through a place (``boarding=False``) adds no wait there.
    """
    wait_p50, wait_p90 = departure_wait_hours(leg.departures_per_day if boarding else None)
    return _figures(
        tariff.usd_per_teu_km * leg.km * profile.tariff_multiplier,
        leg.hours + wait_p50,
        leg.hours_p90 + wait_p90,
        transport_emitted(leg.km, emission, profile),
        profile,
    )


def handling_figures(
    transfer: Transfer | None,
    boarding: Tariff | None,
    profile: CargoProfile,
    hub: tuple[float, float] = (0.0, 0.0),
) -> ArcFigures:
    """Figures for handling one TEU onto a mode: the transfer (if any) plus the boarding fee.

    ``boarding`` is the tariff of the mode boarded (its fixed part is charged here), or
    ``None`` when the arc leaves a mode without boarding another (unloading at the end).
    A transfer emits ``hub``'s (WTW, TTW) kg CO2e per tonne handled.
    """
    cost = boarding_usd_per_teu(boarding, profile) if boarding else 0.0
    if transfer is None:
        return _figures(cost, 0.0, 0.0, Emitted(), profile)
    return _figures(
        cost + transfer.cost_usd_per_teu,
        transfer.hours_p50,
        transfer.hours_p90,
        Emitted().plus_hub(hub, profile),
        profile,
        handling_usd=transfer.cost_usd_per_teu,
    )


def crossing_figures(
    crossing: BorderCrossing,
    *,
    northbound: bool,
    month: int | None,
    emission: EmissionFactor,
    profile: CargoProfile,
    hub: tuple[float, float] = (0.0, 0.0),
) -> ArcFigures:
    """Figures for one TEU crossing the border; ``northbound`` is Vietnam → China.

    Peak-month queues (harvest, Tet) lengthen the northbound clearance in ``month``. A
    transload between trucks at the gate emits ``hub``'s (WTW, TTW) kg CO2e per tonne.
    """
    hours_p50, hours_p90 = crossing.clearance_hours(northbound=northbound, month=month)
    cost = crossing.fee_usd_per_teu
    emitted = transport_emitted(crossing.km, emission, profile)
    if crossing.trucks is TruckRegime.TRANSLOAD:
        cost += crossing.transload_usd_per_teu
        hours_p50 += crossing.transload_hours
        hours_p90 += crossing.transload_hours
        emitted = emitted.plus_hub(hub, profile)
    return _figures(cost, hours_p50, hours_p90, emitted, profile, handling_usd=cost)


BASE_CURRENCY = "USD"
"""The currency every figure is computed in; others are converted at a dated rate."""


def exchange_rate(
    rates: Iterable[ExchangeRate], currency: str, on: date | None = None
) -> ExchangeRate | None:
    """The rate that converts USD to ``currency``: the latest dated on or before ``on``.

    ``None`` for USD (no conversion). Without ``on`` (no ready date), or when every rate of
    the currency is dated after it, the latest rate in the data is taken.

    Raises
    ------
    InvalidRequestError
        If ``exchange_rates.csv`` has no rate for ``currency`` (naming those it has).

    Examples
    --------
    >>> from corridor import load_network
    >>> rates = load_network(2026).dataset.rates
    >>> exchange_rate(rates, "VND").per_usd, exchange_rate(rates, "VND", date(2025, 6, 1)).per_usd
    (26390.0, 24300.0)
    """
    if currency == BASE_CURRENCY:
        return None
    listed = sorted((r for r in rates if r.currency == currency), key=lambda r: r.date)
    if not listed:
        known = ", ".join(sorted({BASE_CURRENCY} | {r.currency for r in rates}))
        msg = (
            f"no exchange rate for currency {currency!r} in exchange_rates.csv; use one of {known}"
        )
        raise InvalidRequestError(msg)
    if on is None:
        return listed[-1]
    dated = [r for r in listed if r.date <= on.isoformat()]
    return dated[-1] if dated else listed[-1]
