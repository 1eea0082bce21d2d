"""Row schemas of the data tables (pydantic): types, units, ranges, one class per CSV file.

Each schema reads one row of its file into a core value (:mod:`corridor.model`);
:func:`read_table` reads a whole file, naming the line and column of the first problem.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from corridor import units
from corridor.errors import DataError
from corridor.model import (
    BorderCrossing,
    CargoClass,
    CargoProfile,
    ContainerType,
    Country,
    EmissionFactor,
    ExchangeRate,
    HubEmission,
    Leg,
    Mode,
    Place,
    PlaceKind,
    Status,
    Tariff,
    Transfer,
    TruckRegime,
    VolumeDelay,
)
from corridor.tables import TABLE_FILES, read_text
from corridor.units import Range

# --- cell parsers -------------------------------------------------------------------------


def _blank_to_none(value: Any) -> Any:  # noqa: ANN401 - pydantic before-validator
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _split_modes(value: Any) -> Any:  # noqa: ANN401
    if isinstance(value, str):
        return frozenset(Mode(part) for part in value.split("|") if part.strip())
    return value


def _split_list(value: Any) -> Any:  # noqa: ANN401
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split("|") if part.strip())
    return value


def _parse_months(value: Any) -> Any:  # noqa: ANN401
    """``"6-10"``, ``"11-3"`` (across the new year) or ``"6-7,12-2"`` → month numbers.

    Blank means all year.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return frozenset(range(1, 13))
    if not isinstance(value, str):
        return value
    months: set[int] = set()
    for part in value.split(","):
        first, _, last = part.strip().partition("-")
        start, end = int(first), int(last or first)
        if not (1 <= start <= 12 and 1 <= end <= 12):
            msg = f"month range {part.strip()!r} must be within 1-12"
            raise ValueError(msg)
        months.update(
            range(start, end + 1) if start <= end else [*range(start, 13), *range(1, end + 1)]
        )
    return frozenset(months)


def _optional(within: Range) -> Any:  # noqa: ANN401 - a pydantic annotation
    """A number in ``within``, or None for a blank cell."""
    return Annotated[Annotated[float, within.validator()] | None, BeforeValidator(_blank_to_none)]


def _blank_is(default: float, within: Range) -> Any:  # noqa: ANN401 - a pydantic annotation
    """A number in ``within``, ``default`` for a blank cell."""
    return Annotated[float, within.validator(), BeforeValidator(lambda v: v or default)]


DurationOr0 = _blank_is(0, units.DURATION)
UsdPerTeuOr0 = _blank_is(0, units.USD_PER_TEU)
FactorOr1 = _blank_is(1, units.FACTOR)
OptionalCapacity = _optional(units.CAPACITY)
OptionalDeparturesPerDay = _optional(units.DEPARTURES_PER_DAY)
OptionalHours = _optional(units.HOURS)
OptionalKmPerHour = _optional(units.KM_PER_HOUR)
OptionalTeu = _optional(units.TEU)
CrossingKm = Annotated[float, units.CROSSING_KM.validator()]
Duration = Annotated[float, units.DURATION.validator()]
GCo2ePerTkm = Annotated[float, units.G_CO2E_PER_TKM.validator()]
KgCo2ePerT = Annotated[float, units.KG_CO2E_PER_T.validator()]
OptionalUsdPerKg = _optional(units.USD_PER_KG)
OptionalUsdPerShipment = _optional(units.USD_PER_SHIPMENT)
KgCo2ePerHour = Annotated[float, units.KG_CO2E_PER_HOUR.validator()]
KgCo2ePerHourOr0 = _blank_is(0, units.KG_CO2E_PER_HOUR)
Km = Annotated[float, units.KM.validator()]
Multiplier = Annotated[float, units.MULTIPLIER.validator()]
PercentPerDay = Annotated[float, units.PERCENT_PER_DAY.validator()]
PerUsd = Annotated[float, units.PER_USD.validator()]
TonnesPerTeu = Annotated[float, units.TONNES_PER_TEU.validator()]
UsdPerTeu = Annotated[float, units.USD_PER_TEU.validator()]
UsdPerTeuKm = Annotated[float, units.USD_PER_TEU_KM.validator()]
VdfAlpha = Annotated[float, units.VDF_ALPHA.validator()]
VdfBeta = Annotated[float, units.VDF_BETA.validator()]
Teu = Annotated[float, units.TEU.validator()]
Tonnes = Annotated[float, units.TONNES.validator()]
Year = Annotated[int, Field(ge=1800, le=2200)]
OptionalYear = Annotated[Year | None, BeforeValidator(_blank_to_none)]
Text = Annotated[str, Field(min_length=1)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
ModeSet = Annotated[frozenset[Mode], BeforeValidator(_split_modes), Field(min_length=1)]
Months = Annotated[frozenset[int], BeforeValidator(_parse_months)]
PeakMonths = Annotated[
    frozenset[int], BeforeValidator(lambda v: frozenset() if not v else _parse_months(v))
]
TextList = Annotated[tuple[str, ...], BeforeValidator(_split_list)]


# --- row schemas --------------------------------------------------------------------------


class Row(BaseModel):
    """A validated CSV row; ``to_value`` converts it to the model's frozen dataclass."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, allow_inf_nan=False, frozen=True
    )
    file: ClassVar[str]
    value_type: ClassVar[type]
    tank_to_wheel: ClassVar[dict[str, str]] = {}
    """Each tank-to-wheel column and the well-to-wheel column of the row it may not exceed."""
    source: Text

    @field_validator("*")
    @classmethod
    def _within_well_to_wheel(cls, value: Any, info: ValidationInfo) -> Any:  # noqa: ANN401
        wtw = info.data.get(cls.tank_to_wheel.get(str(info.field_name), ""))
        if wtw is not None and value > wtw:
            msg = f"tank to wheel ({value:g}) is more than well to wheel ({wtw:g})"
            raise ValueError(msg)
        return value

    def to_value(self) -> Any:  # noqa: ANN401 - each schema returns its own value type
        """The row as the model's frozen dataclass."""
        return self.value_type(**self.model_dump())


class PlaceRow(Row):
    """Schema of ``places.csv``."""

    file = TABLE_FILES["places"]
    value_type = Place
    id: Slug
    name: Text
    name_vi: Text
    name_zh: Annotated[str, BeforeValidator(lambda v: v or "")] = ""
    aliases: TextList = ()
    country: Country
    kind: PlaceKind
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    modes: ModeSet
    reefer: bool
    dangerous: bool
    customs: bool
    opens: OptionalYear = None
    status: Status = Status.OPEN


class LegRow(Row):
    """Schema of ``legs.csv``: give either ``speed_kmh`` or ``hours``.

    ``p90_factor`` (optional, blank = 1) is the running time's P90 over its P50.
    """

    file = TABLE_FILES["legs"]
    value_type = Leg
    id: Slug
    origin: Slug
    destination: Slug
    mode: Mode
    km: Km
    speed_kmh: OptionalKmPerHour = None
    hours: Annotated[OptionalHours, Field(validate_default=True)] = None
    p90_factor: Annotated[FactorOr1, Field(ge=1)] = 1.0
    departures_per_day: OptionalDeparturesPerDay = None
    capacity_teu_day: OptionalCapacity = None
    vessel_teu: OptionalTeu = None
    months: Months = frozenset(range(1, 13))
    reefer: bool
    dangerous: bool
    opens: OptionalYear = None
    closes: OptionalYear = None
    status: Status = Status.OPEN

    @field_validator("hours", mode="after")
    @classmethod
    def _speed_or_hours(cls, hours: float | None, info: ValidationInfo) -> float | None:
        speed = info.data.get("speed_kmh")
        if (hours is None) == (speed is None):
            msg = "give exactly one of speed_kmh and hours"
            raise ValueError(msg)
        return hours

    def to_value(self) -> Leg:
        """The row as a :class:`Leg`, with hours derived from the speed if not given."""
        fields = self.model_dump(exclude={"speed_kmh", "hours"})
        hours = self.hours if self.hours is not None else self.km / float(self.speed_kmh or 1)
        return Leg(hours=hours, **fields)


class TransferRow(Row):
    """Schema of ``transfers.csv`` (each row applies in both directions)."""

    file = TABLE_FILES["transfers"]
    value_type = Transfer
    place: Slug
    from_mode: Mode
    to_mode: Mode
    hours_p50: Duration
    hours_p90: Duration
    cost_usd_per_teu: UsdPerTeu
    capacity_teu_day: OptionalCapacity = None
    opens: OptionalYear = None


class BorderCrossingRow(Row):
    """Schema of ``border_crossings.csv``; ``leg`` (optional) names the leg it is cleared on."""

    file = TABLE_FILES["crossings"]
    value_type = BorderCrossing
    id: Slug
    name: Text
    cn_place: Slug
    vn_place: Slug
    mode: Mode
    leg: Annotated[Slug | None, BeforeValidator(_blank_to_none)] = None
    km: CrossingKm
    hours_p50_cn_vn: Duration
    hours_p90_cn_vn: Duration
    hours_p50_vn_cn: Duration
    hours_p90_vn_cn: Duration
    fee_usd_per_teu: UsdPerTeu
    open_hour: Annotated[int, Field(ge=0, le=24)]
    close_hour: Annotated[int, Field(ge=0, le=24)]
    capacity_teu_day: OptionalCapacity = None
    trucks: Annotated[TruckRegime | None, BeforeValidator(_blank_to_none)] = None
    transload_usd_per_teu: UsdPerTeuOr0 = 0
    transload_hours: DurationOr0 = 0
    smart_gate: bool = False
    peak_months: PeakMonths = frozenset()
    peak_multiplier: Annotated[FactorOr1, Field(ge=1)] = 1.0
    opens: OptionalYear = None
    status: Status = Status.OPEN


class TariffRow(Row):
    """Schema of ``tariffs.csv``; ``country`` is ``CN``, ``VN`` or ``any``."""

    file = TABLE_FILES["tariffs"]
    value_type = Tariff
    mode: Mode
    country: Annotated[str, Field(pattern=r"^(?i:cn|vn|any)$")]
    fixed_usd_per_teu: UsdPerTeu
    usd_per_teu_km: UsdPerTeuKm
    usd_per_kg: OptionalUsdPerKg = None
    minimum_usd: OptionalUsdPerShipment = None

    @field_validator("minimum_usd")
    @classmethod
    def _minimum_needs_rate(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and info.data.get("usd_per_kg") is None:
            msg = "a minimum charge needs a rate per kg (usd_per_kg)"
            raise ValueError(msg)
        return value

    def to_value(self) -> Tariff:
        """The row as a :class:`Tariff` with a lower-case country."""
        return Tariff(**{**self.model_dump(), "country": self.country.lower()})


class EmissionRow(Row):
    """Schema of ``emissions.csv``."""

    file = TABLE_FILES["emissions"]
    value_type = EmissionFactor
    tank_to_wheel: ClassVar[dict[str, str]] = {"ttw_g_co2e_per_tkm": "g_co2e_per_tkm"}
    mode: Mode
    g_co2e_per_tkm: GCo2ePerTkm
    ttw_g_co2e_per_tkm: GCo2ePerTkm


class HubEmissionRow(Row):
    """Schema of ``hub_emissions.csv``: kg CO2e per tonne handled by kind of place."""

    file = TABLE_FILES["hub_emissions"]
    value_type = HubEmission
    tank_to_wheel: ClassVar[dict[str, str]] = {
        "ttw_kg_co2e_per_t": "wtw_kg_co2e_per_t",
        "reefer_ttw_kg_co2e_per_t": "reefer_wtw_kg_co2e_per_t",
    }
    kind: PlaceKind
    wtw_kg_co2e_per_t: KgCo2ePerT
    ttw_kg_co2e_per_t: KgCo2ePerT
    reefer_wtw_kg_co2e_per_t: KgCo2ePerT
    reefer_ttw_kg_co2e_per_t: KgCo2ePerT


class CargoRow(Row):
    """Schema of ``cargo_classes.csv``."""

    file = TABLE_FILES["cargo_profiles"]
    value_type = CargoProfile
    tank_to_wheel: ClassVar[dict[str, str]] = {
        "refrigeration_ttw_kg_co2e_per_hour": "refrigeration_kg_co2e_per_hour"
    }
    cargo: CargoClass
    tariff_multiplier: Multiplier
    tonnes_per_teu: TonnesPerTeu
    value_of_time_pct_per_day: PercentPerDay
    refrigeration_kg_co2e_per_hour: KgCo2ePerHour
    refrigeration_ttw_kg_co2e_per_hour: KgCo2ePerHourOr0 = 0
    default_value_usd_per_teu: UsdPerTeu
    modes: Annotated[
        frozenset[Mode], BeforeValidator(lambda v: _split_modes(v) if v else frozenset(Mode))
    ] = frozenset(Mode)


class RateRow(Row):
    """Schema of ``exchange_rates.csv``."""

    file = TABLE_FILES["rates"]
    value_type = ExchangeRate
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    per_usd: PerUsd
    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class ContainerRow(Row):
    """Schema of ``containers.csv``."""

    file = TABLE_FILES["containers"]
    value_type = ContainerType
    type: Annotated[str, Field(pattern=r"^[0-9]{2}[A-Z]{2}$")]
    teu: Teu
    tare_t: Tonnes
    payload_t: Tonnes
    reefer: bool
    road: Multiplier
    rail_1435: Multiplier
    rail_1000: Multiplier
    river: Multiplier
    sea: Multiplier
    air: Multiplier
    handling: Multiplier
    border: Multiplier


class VolumeDelayRow(Row):
    """Schema of ``volume_delay.csv``: BPR parameters by element kind or element."""

    file = TABLE_FILES["volume_delay"]
    value_type = VolumeDelay
    kind: Annotated[str, Field(pattern=r"^(crossings|transfers)$")]
    element: Annotated[str, Field(pattern=r"^(\*|[a-z0-9_]+(:[a-z0-9_]+>[a-z0-9_]+)?)$")]
    alpha: VdfAlpha
    beta: VdfBeta


RowT = TypeVar("RowT", bound=Row)


def read_table(path: Path, schema: type[RowT]) -> list[tuple[int, RowT]]:
    """Read one CSV file and validate every row.

    Returns
    -------
    The validated rows with their line numbers (the header is line 1).

    Raises
    ------
    DataError
        Naming the file, line and column of the first problem.
    """
    name = path.name
    if not path.is_file():
        raise DataError("file not found", file=str(path))
    rows: list[tuple[int, RowT]] = []
    with io.StringIO(read_text(path, name, csv_header=True), newline="") as handle:
        reader = csv.DictReader(handle)
        expected = set(schema.model_fields) - {"file"}
        header = reader.fieldnames or []
        missing = [column for column in schema.model_fields if column not in header]
        required = [c for c in missing if schema.model_fields[c].is_required()]
        if required:
            raise DataError(f"missing column(s) {', '.join(required)}", file=name, row=1)
        unknown = [column for column in header if column not in expected]
        if unknown:
            raise DataError(f"unknown column(s) {', '.join(unknown)}", file=name, row=1)
        for record in reader:
            line = reader.line_num
            if None in record:
                raise DataError(
                    f"{len(header) + len(record[None])} fields, header has {len(header)}",
                    file=name,
                    row=line,
                )
            short = [column for column, value in record.items() if value is None]
            if short:
                raise DataError(
                    f"row ends before column '{short[0]}'", file=name, row=line, column=short[0]
                )
            try:
                rows.append((line, schema.model_validate(record)))
            except ValidationError as error:
                first = error.errors()[0]
                column = str(first["loc"][0]) if first["loc"] else None
                value = record.get(column, "") if column else ""
                raise DataError(
                    f"{first['msg']} (got {value!r})", file=name, row=line, column=column
                ) from None
    if not rows:
        raise DataError("no rows", file=name)
    return rows


SCHEMAS: dict[str, type[Row]] = {
    "places": PlaceRow,
    "legs": LegRow,
    "transfers": TransferRow,
    "crossings": BorderCrossingRow,
    "tariffs": TariffRow,
    "emissions": EmissionRow,
    "hub_emissions": HubEmissionRow,
    "cargo_profiles": CargoRow,
    "rates": RateRow,
    "containers": ContainerRow,
    "volume_delay": VolumeDelayRow,
}
"""The schema of each table of a :class:`~corridor.data.Dataset`, by attribute name."""
