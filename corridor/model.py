"""Core value types of the corridor: modes, places, legs, transfers, border crossings, shipments.

All are frozen dataclasses (hashable, cheap, typed). Units are in the field names: ``km``,
``hours``, ``usd``, ``teu``, ``kg``. Years are calendar years; an element with ``opens=None``
has always been there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta, timezone
from enum import StrEnum

from corridor.errors import InvalidRequestError


def check_month(month: int | None) -> None:
    """Raise :class:`InvalidRequestError` unless ``month`` is ``None`` or 1–12."""
    if month is not None and not 1 <= month <= 12:
        msg = f"month must be 1-12, got {month}"
        raise InvalidRequestError(msg)


def blank(cell: object) -> bool:
    """Whether a cell of a table a user hands in is empty: None, NaN or blank text."""
    if isinstance(cell, str):
        return not cell.strip()
    return cell is None or (isinstance(cell, float) and math.isnan(cell))


def check_objective(objective: object, allowed: Sequence[str], what: str = "") -> str:
    """``objective`` as one of ``allowed``, in any case and either spelling (``generalized``).

    Raises
    ------
    InvalidRequestError
        If it is none of ``allowed``; ``what`` ends the message (" with shipments").
    """
    if isinstance(objective, str):
        name = objective.strip().lower().replace("generalized", "generalised")
        if name in allowed:
            return name
    msg = f"objective must be one of {', '.join(allowed)}{what}, got {objective!r}"
    raise InvalidRequestError(msg)


class _CaseInsensitiveEnum(StrEnum):
    @classmethod
    def _missing_(cls, value: object) -> _CaseInsensitiveEnum | None:
        if isinstance(value, str):
            folded = value.strip().lower().replace("-", "_").replace(" ", "_")
            for member in cls:
                if member.value == folded:
                    return member
        return None


class Mode(_CaseInsensitiveEnum):
    """Transport mode of a leg; the two rail gauges are different modes."""

    ROAD = "road"
    RAIL_1000 = "rail_1000"
    """Metre gauge (1,000 mm): the Vietnamese network and the Kaiyuan–Hekou line."""
    RAIL_1435 = "rail_1435"
    """Standard gauge (1,435 mm): the Chinese network and the planned Lao Cai–Hai Phong line."""
    RIVER = "river"
    SEA = "sea"
    AIR = "air"


class PlaceKind(_CaseInsensitiveEnum):
    """What a place is."""

    CITY = "city"
    RAIL_STATION = "rail_station"
    BORDER_GATE = "border_gate"
    DRY_PORT = "dry_port"
    SEAPORT = "seaport"
    RIVER_PORT = "river_port"
    AIRPORT = "airport"


class Country(_CaseInsensitiveEnum):
    """ISO 3166 alpha-2 code of the two corridor countries."""

    CN = "cn"
    VN = "vn"

    def __str__(self) -> str:
        return self.value.upper()


LOCAL_TIME = {
    Country.CN: timezone(timedelta(hours=8), "China Standard Time"),
    Country.VN: timezone(timedelta(hours=7), "Indochina Time"),
}
"""The clock of each country's places: a ``ready`` with a UTC offset is read on the origin's."""

GATE_CLOCK = Country.VN
"""Border gates' opening hours (``open_hour``, ``close_hour``) are on Viet Nam's clock: a gate
open 07:00–19:00 there is open 08:00–20:00 on Beijing time."""


def utc_offset_hours(country: Country) -> float:
    """Hours ``country``'s clock is ahead of UTC (8 in China, 7 in Viet Nam)."""
    return LOCAL_TIME[country].utcoffset(None).total_seconds() / 3600


class Status(_CaseInsensitiveEnum):
    """Whether an element exists yet; planned elements carry their opening year."""

    OPEN = "open"
    UNDER_CONSTRUCTION = "under_construction"
    PLANNED = "planned"


class CargoClass(_CaseInsensitiveEnum):
    """Cargo class: decides tariffs, payload and which places and legs may handle it."""

    GENERAL = "general"
    REEFER = "reefer"
    DANGEROUS = "dangerous"
    BULK = "bulk"
    OVERSIZE = "oversize"


class TruckRegime(_CaseInsensitiveEnum):
    """At a road border gate: trucks drive across, or cargo is transloaded to another truck."""

    CROSS = "cross"
    TRANSLOAD = "transload"


def _accepts(cargo: CargoClass, *, reefer: bool, dangerous: bool) -> bool:
    """Reefer and dangerous cargo need their flag; other classes go anywhere."""
    if cargo is CargoClass.REEFER:
        return reefer
    if cargo is CargoClass.DANGEROUS:
        return dangerous
    return True


def _in_service(opens: int | None, closes: int | None, year: int) -> bool:
    return (opens is None or opens <= year) and (closes is None or year < closes)


@dataclass(frozen=True, slots=True)
class Place:
    """A node of the corridor: a city, station, gate, dry port, seaport, river port or airport."""

    id: str
    name: str
    name_vi: str
    name_zh: str
    country: Country
    kind: PlaceKind
    lat: float
    lon: float
    modes: frozenset[Mode]
    reefer: bool
    dangerous: bool
    customs: bool
    source: str
    aliases: tuple[str, ...] = ()
    opens: int | None = None
    status: Status = Status.OPEN

    def in_service(self, year: int) -> bool:
        """Whether the place exists in ``year``."""
        return _in_service(self.opens, None, year)

    def handles(self, cargo: CargoClass) -> bool:
        """Whether cargo of this class may be loaded, unloaded or transshipped here."""
        return _accepts(cargo, reefer=self.reefer, dangerous=self.dangerous)


@dataclass(frozen=True, slots=True)
class Leg:
    """A link between two places by one mode, usable in both directions.

    ``hours`` is the running time (P50); waiting for a departure comes on top and follows from
    ``departures_per_day`` (``None``: on demand, no wait). ``p90_factor`` is the running
    time's P90 over its P50 (1: a fixed time; above 1 for roads that congest).
    """

    id: str
    origin: str
    destination: str
    mode: Mode
    km: float
    hours: float
    source: str
    departures_per_day: float | None = None
    capacity_teu_day: float | None = None
    vessel_teu: float | None = None
    months: frozenset[int] = frozenset(range(1, 13))
    reefer: bool = True
    dangerous: bool = True
    opens: int | None = None
    closes: int | None = None
    status: Status = Status.OPEN
    p90_factor: float = 1.0

    @property
    def hours_p90(self) -> float:
        """The running time's P90, hours (``hours`` × ``p90_factor``)."""
        return self.hours * self.p90_factor

    def in_service(self, year: int) -> bool:
        """Whether the leg runs in ``year``."""
        return _in_service(self.opens, self.closes, year)

    def runs_in(self, month: int) -> bool:
        """Whether the leg is usable in ``month`` (1–12); river legs close at low water."""
        return month in self.months

    def carries(self, cargo: CargoClass) -> bool:
        """Whether cargo of this class may travel on this leg."""
        return _accepts(cargo, reefer=self.reefer, dangerous=self.dangerous)


@dataclass(frozen=True, slots=True)
class Transfer:
    """Handling between two modes at one place, in both directions (per TEU)."""

    place: str
    from_mode: Mode
    to_mode: Mode
    hours_p50: float
    hours_p90: float
    cost_usd_per_teu: float
    source: str
    capacity_teu_day: float | None = None
    opens: int | None = None

    def in_service(self, year: int) -> bool:
        """Whether the transfer exists in ``year``."""
        return _in_service(self.opens, None, year)


@dataclass(frozen=True, slots=True)
class BorderCrossing:
    """A crossing between a Chinese and a Vietnamese place by one mode.

    Clearance hours are given per direction (``cn_vn`` is China → Vietnam). For road gates,
    ``trucks`` says whether trucks drive across or cargo is transloaded at the gate, which
    adds ``transload_usd_per_teu`` and ``transload_hours``.

    A gate is itself the link between its two places. A crossing with a ``leg`` is cleared on
    that leg instead (an international flight: export clearance at one airport, import
    clearance at the other): the leg is then usable only through the crossing.
    """

    id: str
    name: str
    cn_place: str
    vn_place: str
    mode: Mode
    km: float
    hours_p50_cn_vn: float
    hours_p90_cn_vn: float
    hours_p50_vn_cn: float
    hours_p90_vn_cn: float
    fee_usd_per_teu: float
    open_hour: int
    close_hour: int
    source: str
    capacity_teu_day: float | None = None
    trucks: TruckRegime | None = None
    transload_usd_per_teu: float = 0.0
    transload_hours: float = 0.0
    smart_gate: bool = False
    peak_months: frozenset[int] = frozenset()
    peak_multiplier: float = 1.0
    opens: int | None = None
    status: Status = Status.OPEN
    leg: str | None = None
    """Id of the leg this crossing is cleared on (None: a gate, the link itself)."""

    def in_service(self, year: int) -> bool:
        """Whether the crossing is open in ``year``."""
        return _in_service(self.opens, None, year)

    def clearance_hours(self, *, northbound: bool, month: int | None) -> tuple[float, float]:
        """Clearance P50 and P90, hours, in one direction (``northbound``: Vietnam → China).

        In the peak months (harvest, Tet) the Vietnam → China queue multiplies both by
        ``peak_multiplier``; without a month the base figures apply.

        Raises
        ------
        InvalidRequestError
            For a month outside 1–12.
        """
        check_month(month)
        direction = "vn_cn" if northbound else "cn_vn"
        p50 = getattr(self, f"hours_p50_{direction}")
        p90 = getattr(self, f"hours_p90_{direction}")
        if northbound and month in self.peak_months:
            return p50 * self.peak_multiplier, p90 * self.peak_multiplier
        return p50, p90

    def is_open_at(self, hour: float) -> bool:
        """Whether the gate takes arrivals at ``hour`` (0–24, on :data:`GATE_CLOCK`)."""
        return self.open_hour <= hour % 24 < self.close_hour


@dataclass(frozen=True, slots=True)
class Tariff:
    """Linehaul price of a mode: ``fixed_usd_per_teu + usd_per_teu_km × km``.

    A mode priced by weight (air) has ``usd_per_kg`` of chargeable weight and a
    ``minimum_usd`` per shipment: a quote pays the higher of the two once, on boarding; a plan
    (flows, no shipments) pays ``usd_per_kg`` × the cargo class's payload per TEU.
    """

    mode: Mode
    country: str
    fixed_usd_per_teu: float
    usd_per_teu_km: float
    source: str
    usd_per_kg: float | None = None
    minimum_usd: float | None = None

    def shipment_usd(self, kg: float) -> float:
        """What a shipment of ``kg`` chargeable weight pays a per-kg tariff, USD (0 if none)."""
        if self.usd_per_kg is None:
            return 0.0
        return max(self.minimum_usd or 0.0, self.usd_per_kg * kg)

    def cost_usd_per_teu(self, km: float) -> float:
        """Price of ``km`` kilometres for one TEU of general cargo, USD."""
        return self.fixed_usd_per_teu + self.usd_per_teu_km * km


@dataclass(frozen=True, slots=True)
class EmissionFactor:
    """Emission intensity of a mode, g CO2e per tonne-km (GLEC / ISO 14083).

    ``g_co2e_per_tkm`` is well to wheel (WTW), ``ttw_g_co2e_per_tkm`` its tank-to-wheel part
    (0 for electric traction); the rest is well to tank (WTT).
    """

    mode: Mode
    g_co2e_per_tkm: float
    source: str
    ttw_g_co2e_per_tkm: float = 0.0


@dataclass(frozen=True, slots=True)
class HubEmission:
    """Emissions of handling at a hub of one kind, kg CO2e per tonne handled (GLEC hubs).

    Well to wheel and tank to wheel, for ambient cargo and for reefers.
    """

    kind: PlaceKind
    wtw_kg_co2e_per_t: float
    ttw_kg_co2e_per_t: float
    reefer_wtw_kg_co2e_per_t: float
    reefer_ttw_kg_co2e_per_t: float
    source: str

    def per_tonne(self, *, reefer: bool) -> tuple[float, float]:
        """(WTW, TTW) kg CO2e per tonne handled, for reefer cargo or not."""
        if reefer:
            return self.reefer_wtw_kg_co2e_per_t, self.reefer_ttw_kg_co2e_per_t
        return self.wtw_kg_co2e_per_t, self.ttw_kg_co2e_per_t


@dataclass(frozen=True, slots=True)
class CargoProfile:
    """Per-class defaults: tariff multiplier, payload (t per TEU), value of time (% per day).

    ``refrigeration_kg_co2e_per_hour`` is what keeping one TEU cold emits per hour, in
    transit or waiting (0 for classes that travel unpowered).
    """

    cargo: CargoClass
    tariff_multiplier: float
    tonnes_per_teu: float
    value_of_time_pct_per_day: float
    refrigeration_kg_co2e_per_hour: float
    default_value_usd_per_teu: float
    """Goods value per TEU when a quote gives none (the generalised objective's value), USD."""
    source: str
    refrigeration_ttw_kg_co2e_per_hour: float = 0.0
    """The tank-to-wheel part of ``refrigeration_kg_co2e_per_hour`` (diesel burnt in a genset)."""
    modes: frozenset[Mode] = frozenset(Mode)
    """The modes this class may travel by (oversize cargo does not fly)."""


PRICING_UNITS = ("road", "rail_1435", "rail_1000", "river", "sea", "air", "handling", "border")
"""What a container type's price factors are for: each mode's tariff, handling (a transfer,
loading or unloading: per box move) and a border crossing (fees, transload)."""


@dataclass(frozen=True, slots=True)
class ContainerType:
    """A box (``20GP``, ``40HC``, ``40RF``...): its TEU, tare and payload, and how it is priced.

    Each price factor is the box's price in units of the per-TEU tariff it pays: a 20′ box
    pays 1 everywhere, a 40′ box 1 by road (trucking is per truck) and more per box move.
    """

    type: str
    teu: float
    tare_t: float
    payload_t: float
    reefer: bool
    road: float
    rail_1435: float
    rail_1000: float
    river: float
    sea: float
    air: float
    handling: float
    border: float
    source: str

    def factor(self, unit: str) -> float:
        """The price factor for a pricing unit (:data:`PRICING_UNITS`)."""
        return float(getattr(self, unit))


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    """Units of ``currency`` per US dollar on ``date`` (ISO date)."""

    currency: str
    per_usd: float
    date: str
    source: str


@dataclass(frozen=True, slots=True)
class VolumeDelay:
    """A volume-delay function (BPR form) of border crossings or transfers.

    An element's clearance or handling takes ``t0 × alpha × (v / c) ** beta`` hours more at a
    flow of ``v`` TEU/day through a capacity of ``c`` TEU/day (``t0``: its free-flow hours).
    ``kind`` is ``crossings`` or ``transfers``; ``element`` a crossing id, a transfer as
    ``place:mode>mode``, or ``*`` for every element of the kind without a row of its own.
    """

    kind: str
    element: str
    alpha: float
    beta: float
    source: str


MAX_TONNES_PER_TEU = 36.0
"""The most a TEU can weigh, t: ISO 668:2020 (with its 2016 amendment) rates series-1
containers of 20 ft and longer at 36,000 kg maximum gross mass, so a 20-foot box (1 TEU) holds
at most that and a 40-foot one (2 TEU) half of it per TEU."""


@dataclass(frozen=True, slots=True)
class Shipment:
    """One consignment to route.

    Parameters
    ----------
    origin, destination
        Place ids.
    teu
        Volume in twenty-foot equivalent units (> 0).
    cargo
        Cargo class.
    tonnes
        Gross weight, t (at most :data:`MAX_TONNES_PER_TEU` × ``teu``); defaults to the cargo
        class payload per TEU × ``teu``.
    value_usd
        Goods value, USD (for the value of time).
    deadline_hours
        Latest arrival, hours after ``ready``.
    containers
        The boxes, as ``(type, count)`` pairs (``(("40HC", 2),)``), when given by type;
        ``teu`` is then their TEU.
    """

    origin: str
    destination: str
    teu: float = 1.0
    cargo: CargoClass = CargoClass.GENERAL
    tonnes: float | None = None
    value_usd: float | None = None
    deadline_hours: float | None = None
    containers: tuple[tuple[str, int], ...] | None = None

    def __post_init__(self) -> None:
        if not self.teu > 0:
            msg = f"teu must be positive, got {self.teu}"
            raise InvalidRequestError(msg)
        if self.tonnes is not None and not self.tonnes > 0:
            msg = f"tonnes must be positive, got {self.tonnes}"
            raise InvalidRequestError(msg)
        if self.tonnes is not None and self.tonnes > MAX_TONNES_PER_TEU * self.teu:
            msg = (
                f"{self.tonnes:g} t in {self.teu:g} TEU is {self.tonnes / self.teu:,.4g} t per "
                f"TEU; a container weighs at most {MAX_TONNES_PER_TEU:g} t per TEU (ISO 668 "
                "maximum gross mass of a 20-foot box): give more TEU"
            )
            raise InvalidRequestError(msg)
