"""The ``corridor`` command line: a thin typer + rich layer over the library, no logic of its own.

Errors from the library are printed as one line on stderr; the exit code is 2 for bad input
(unknown place, malformed data, contradictory options) and 1 for an infeasible request.
"""

from __future__ import annotations

import functools
import io
import json
import re
import sys
import typing
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from corridor.data import load_dataset, read_csv_table
from corridor.errors import (
    CorridorError,
    InfeasibleError,
    InvalidRequestError,
    PlaceNotOpenError,
    SolverError,
    UnknownPlaceError,
)
from corridor.model import blank
from corridor.network import DEFAULT_YEAR, Network, load_network
from corridor.planning import UNSERVED_PENALTY_USD_PER_TEU, grown_demand, plan
from corridor.render.text import format_kpis
from corridor.routing import OBJECTIVES, Quote, pareto, parse_hours, quote, request_year
from corridor.scenario import (
    Scenario,
    check_file,
    compare,
    find_scenario,
    shipped_scenarios,
)
from corridor.scenario.sweeps import sweep
from corridor.schema import quote_schema
from corridor.uncertainty import DEFAULT_SAMPLES

app = typer.Typer(
    rich_markup_mode="rich",
    no_args_is_help=True,
    help="Multimodal freight routes on the Kunming – Lao Cai – Hanoi – Hai Phong corridor.",
)
network_app = typer.Typer(no_args_is_help=True, help="Inspect and check the network data.")
app.add_typer(network_app, name="network")
scenario_app = typer.Typer(no_args_is_help=True, help="What-if scenarios: list, show, compare.")
app.add_typer(scenario_app, name="scenario")

out = Console()
err = Console(stderr=True, highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 1

YearOption = Annotated[int, typer.Option("--year", help="Network as it stands in this year.")]
RequestYearOption = Annotated[
    int | None,
    typer.Option(
        "--year",
        help="Network as it stands in this year (default: the year of --ready, else 2026).",
        show_default=False,
    ),
]
DataOption = Annotated[
    Path | None,
    typer.Option("--data", envvar="CORRIDOR_DATA", help="Data folder (default: shipped data)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
PngOption = Annotated[Path | None, typer.Option("--png", help="Write a PNG chart (matplotlib).")]
HTML = (".html", ".htm")
PNG = (".png",)
TABLES = (".csv", ".gpkg", ".geojson")


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: object = None,
    line: str | None = None,
) -> None:
    """Print a warning as one line on stderr (no file, line number or source code).

    API option names in it become the CLI flags that set them.
    """
    err.print(f"warning: {_as_flags(str(message))}", markup=False)


SHOWN_BOTTLENECKS = 10
"""Saturated capacities the plan summary lists (``--json`` and ``--out`` give them all)."""
_FLAGS = {
    "teu": "--teu",
    "year": "--year",
    "dask_address": "--dask",
    "workers": "--workers",
    "ready": "--ready",
    "tonnes": "--tonnes",
    "value_usd": "--value-usd",
    "carbon_price_usd_per_t": "--carbon-price",
    "max_transshipments": "--max-transshipments",
    "time_limit_s": "--time-limit",
}
"""API option names in request errors, and the CLI flags that set them."""
_FLAG_NAME = re.compile(r"\b(" + "|".join(_FLAGS) + r")\b")


def _as_flags(message: str, flags: set[str] | None = None) -> str:
    """``message`` with the API option names in it written as the CLI flags that set them.

    Only as the ``flags`` a command has, if given: ``ready`` in a table of shipments stays
    ``ready`` for a command without ``--ready``.
    """

    def flag(match: re.Match[str]) -> str:
        wanted = _FLAGS[match[0]]
        return wanted if flags is None or wanted in flags else match[0]

    return _FLAG_NAME.sub(flag, message)


def _flags_of(command: Callable[..., Any]) -> set[str]:
    """The long option flags of a typer command (``--ready``), from its annotations."""
    flags: set[str] = set()
    for name, hint in typing.get_type_hints(command, include_extras=True).items():
        for info in getattr(hint, "__metadata__", ()):
            if isinstance(info, typer.models.OptionInfo):  # in Annotated, names come first
                names = [info.default, *(info.param_decls or ())]
                declared = {d for d in names if isinstance(d, str) and d.startswith("--")}
                flags |= declared or {f"--{name.replace('_', '-')}"}
    return flags


def _one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a CorridorError or an unwritable file into one line on stderr and an exit code.

    Warnings are printed as one line each on stderr, ``warning: ...``.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with warnings.catch_warnings():
                if not sys.warnoptions:  # python -W ... decides for itself
                    warnings.simplefilter("default")
                warnings.showwarning = _show_warning
                return command(*args, **kwargs)
        except CorridorError as error:
            message = str(error)
            if isinstance(error, InvalidRequestError):
                message = _as_flags(message, _flags_of(command))
            err.print(f"error: {message}", markup=False)
            unanswered = isinstance(error, InfeasibleError | SolverError)
            code = EXIT_INFEASIBLE if unanswered else EXIT_BAD_INPUT
            raise typer.Exit(code=code) from None
        except OSError as error:  # a read-only disk, a folder removed while running
            if error.strerror and error.filename:
                message = f"{error.strerror}: {error.filename}"
            else:
                message = str(error)
            err.print(f"error: {message}", markup=False)
            raise typer.Exit(code=EXIT_BAD_INPUT) from None

    return wrapper


def _fitted(table: Table) -> Table:
    """``table`` if it fits the terminal at its natural width, else one block per row.

    A block lists the row's cells beside their column names, each cell whole, so nothing is
    cut to "…" or broken inside a word (ids are copied from these tables into ``--avoid``).
    """
    natural = out.measure(table, options=out.options.update_width(10_000)).maximum
    if natural <= out.width:
        return table
    records = Table(
        Column(style="bold", no_wrap=True),
        Column(overflow="fold"),
        show_header=False,
        title=table.title,
        caption=table.caption,
        caption_justify=table.caption_justify,
    )
    columns = [
        (str(column.header).replace("\n", " "), list(column.cells)) for column in table.columns
    ]
    for row in range(table.row_count):
        for number, (name, cells) in enumerate(columns, start=1):
            records.add_row(name, cells[row], end_section=number == len(columns))
    return records


def main() -> None:
    """The ``corridor`` command: a usage error (an unknown flag, ``--teu 2TEU``) is one line too.

    Typer would print it in a box under the usage; here it is ``error: ...`` on stderr, with
    the command's ``--help`` to turn to, and exit code 2, as for any other bad input. On a
    console whose encoding lacks a character (→, Hải Phòng, 老街), it is written as an escape.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = app(prog_name="corridor", standalone_mode=False)
    except typer.TyperException as error:  # typer's click: usage errors, unreadable files
        code = error.exit_code
        if type(error).__name__ != "NoArgsIsHelpError":  # else the help is printed already
            ctx = getattr(error, "ctx", None)
            see = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
            err.print(f"error: {error.format_message()}{see}", markup=False)
    except typer.Abort:  # Ctrl-C at a prompt
        err.print("aborted", markup=False)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


def _print_json(payload: Any) -> None:  # noqa: ANN401 - any JSON-able value
    out.print_json(json.dumps(payload, ensure_ascii=False))


@network_app.command("validate")
@_one_line_errors
def network_validate(data: DataOption = None) -> None:
    """Check every data file: schema, units, references, duplicates and sources."""
    dataset = load_dataset(data)
    out.print(
        f"[green]ok[/green] {dataset.data_dir}: {len(dataset.places)} places, "
        f"{len(dataset.legs)} legs, {len(dataset.transfers)} transfers, "
        f"{len(dataset.crossings)} border crossings, {len(dataset.tariffs)} tariffs, "
        f"{len(dataset.emissions)} emission factors; every row has a source"
    )


@network_app.command("info")
@_one_line_errors
def network_info(
    year: YearOption = DEFAULT_YEAR, data: DataOption = None, as_json: JsonOption = False
) -> None:
    """Counts by mode and kind, km by mode, and what opens after the year."""
    summary = load_network(year, data).summary()
    if as_json:
        _print_json(summary)
        return
    out.print(
        f"[bold]Corridor network {year}[/bold]: {summary['places']} places, "
        f"{summary['legs']} legs ({summary['total_km']:,.0f} km), {summary['transfers']} "
        f"transfers, {summary['border_crossings']} border crossings"
    )
    modes = Table("mode", "legs", "km", title="Legs by mode")
    for mode, count in sorted(summary["legs_by_mode"].items()):
        modes.add_row(mode, str(count), f"{summary['km_by_mode'][mode]:,.1f}")
    kinds = Table("kind", "places", title="Places by kind")
    for kind, count in sorted(summary["places_by_kind"].items()):
        kinds.add_row(kind, str(count))
    out.print(modes, kinds)
    years = ", ".join(map(str, summary["opening_years"])) or "none"
    out.print(f"Not yet open in {year}: {summary['not_yet_open']} elements (opening {years})")


@network_app.command("export")
@_one_line_errors
def network_export(
    path: Annotated[
        Path,
        typer.Argument(
            help="Output .gpkg (two layers) or .geojson (written as NAME.places.geojson and "
            "NAME.links.geojson)."
        ),
    ],
    year: YearOption = DEFAULT_YEAR,
    data: DataOption = None,
) -> None:
    """Write places and links to a GeoPackage or GeoJSON (EPSG:4326)."""
    from corridor.render.geo import write_network

    _output(path, "network export", (".gpkg", ".geojson"))

    _wrote(*write_network(load_network(year, data), path))


@network_app.command("map")
@_one_line_errors
def network_map_command(
    path: Annotated[Path, typer.Argument(help="Output HTML file.")],
    year: YearOption = DEFAULT_YEAR,
    data: DataOption = None,
) -> None:
    """Write an HTML map of the network (links by mode, planned ones dashed)."""
    _output(path, "network map", HTML)
    load_network(year, data).map().save(str(path))
    _wrote(path)


@app.command("places")
@_one_line_errors
def places(
    query: Annotated[str, typer.Argument(help="Name in English, Vietnamese or Chinese, or id.")],
    year: YearOption = DEFAULT_YEAR,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find places by name; an unknown name gives did-you-mean suggestions.

    A query that names no place (quote would reject it) but comes close to some lists those,
    after a one-line note on stderr: no place named QUERY; nearest: ...
    """
    network = load_network(year, data)
    found = network.index.search(query)
    try:
        network.place(query)
    except PlaceNotOpenError:
        raise  # it names a place that opens later, whatever else comes close
    except UnknownPlaceError:
        if not found:
            raise  # with suggestions
        nearest = ", ".join(f"{p.name} ({p.id})" for p in found)
        err.print(f"note: no place named {query!r}; nearest: {nearest}", markup=False)
    if as_json:
        _print_json(
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "name_vi": p.name_vi,
                    "name_zh": p.name_zh,
                    "country": str(p.country),
                    "kind": p.kind.value,
                    "lat": p.lat,
                    "lon": p.lon,
                    "modes": sorted(m.value for m in p.modes),
                }
                for p in found
            ]
        )
        return
    table = Table("id", "name", "Tiếng Việt", "中文", "kind", "country", "modes")
    for p in found:
        table.add_row(
            p.id,
            p.name,
            p.name_vi,
            p.name_zh,
            p.kind.value,
            str(p.country),
            " ".join(sorted(m.value for m in p.modes)),
        )
    out.print(_fitted(table))


TeuOption = Annotated[float, typer.Option(help="Volume, TEU.")]
TonnesOption = Annotated[float | None, typer.Option(help="Gross weight, t (for CO2e).")]
CargoOption = Annotated[str, typer.Option(help="general, reefer, dangerous, bulk, oversize.")]
ValueOption = Annotated[float | None, typer.Option(help="Goods value, USD (generalised).")]
CarbonOption = Annotated[float, typer.Option(help="Carbon price, USD per t CO2e (generalised).")]
MonthOption = Annotated[int | None, typer.Option(help="Month of travel, 1-12.")]
DeadlineOption = Annotated[
    str | None, typer.Option(help="Latest arrival (P50), e.g. 72h, 3d or 72 (hours).")
]
ReadyOption = Annotated[
    str | None, typer.Option(help="When the cargo is ready, e.g. 2026-12-01T08:00.")
]
ConfidenceOption = Annotated[
    float | None,
    typer.Option(help="With --deadline: least on-time probability (0-1), simulated."),
]
SeedOption = Annotated[int, typer.Option(help="Seed of the transit-time simulation.")]
SamplesOption = Annotated[
    int, typer.Option(help="Draws of the transit-time simulation (P50, P90, on time).")
]
MaxTransOption = Annotated[int | None, typer.Option(help="Most transshipments allowed.")]
ViaOption = Annotated[list[str] | None, typer.Option(help="Place to pass through (repeat).")]
AvoidOption = Annotated[
    list[str] | None, typer.Option(help="Place or border-crossing id to avoid (repeat).")
]
ModeOption = Annotated[
    list[str] | None, typer.Option("--mode", help="Allowed mode (repeat); default all.")
]


def _output(path: Path | None, option: str, suffixes: tuple[str, ...] = ()) -> None:
    """Check an output file before any work: its folder exists, its extension fits.

    Raises
    ------
    InvalidRequestError
        Naming the option, so the user knows which file to fix.
    """
    if path is None:
        return
    if suffixes and path.suffix.lower() not in suffixes:
        choices = " or ".join(filter(None, (", ".join(suffixes[:-1]), suffixes[-1])))
        msg = f"{option}: write a {choices} file, not {path.name!r}"
        raise InvalidRequestError(msg)
    if not path.parent.is_dir():
        msg = f"{option}: cannot write {path}, the folder {path.parent} does not exist"
        raise InvalidRequestError(msg)


def _request(
    *,
    tonnes: float | None,
    cargo: str,
    value_usd: float | None,
    carbon_price: float,
    month: int | None,
    ready: str | None,
    deadline: str | None,
    confidence: float | None,
    seed: int,
    samples: int,
    max_transshipments: int | None,
    via: list[str] | None,
    avoid: list[str] | None,
    mode: list[str] | None,
    network: Network,
) -> dict[str, Any]:
    """The keyword options of :func:`corridor.quote` from CLI values."""
    return {
        "tonnes": tonnes,
        "cargo": cargo,  # quote() checks cargo classes and modes
        "value_usd": value_usd,
        "carbon_price_usd_per_t": carbon_price,
        "month": month,
        "ready": ready,
        "deadline": parse_hours(deadline, "deadline") if deadline is not None else None,
        "confidence": confidence,
        "seed": seed,
        "samples": samples,
        "max_transshipments": max_transshipments,
        "via": via or (),
        "avoid": avoid or (),
        "modes": mode or None,
        "network": network,
    }


@app.command("quote")
@_one_line_errors
def quote_command(
    origin: Annotated[str, typer.Argument(help="Origin: name (any language) or id.")],
    destination: Annotated[str, typer.Argument(help="Destination: name or id.")],
    teu: TeuOption = 1.0,
    tonnes: TonnesOption = None,
    cargo: CargoOption = "general",
    objective: Annotated[str, typer.Option(help=f"One of {', '.join(OBJECTIVES)}.")] = "cost",
    value_usd: ValueOption = None,
    carbon_price: CarbonOption = 0.0,
    deadline: DeadlineOption = None,
    confidence: ConfidenceOption = None,
    max_transshipments: MaxTransOption = None,
    via: ViaOption = None,
    avoid: AvoidOption = None,
    mode: ModeOption = None,
    seed: SeedOption = 0,
    samples: SamplesOption = DEFAULT_SAMPLES,
    alternatives: Annotated[int, typer.Option(help="Number of distinct routes.")] = 1,
    map_file: Annotated[
        Path | None, typer.Option("--map", help="Write an HTML map of the route(s).")
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the steps of the route(s): .gpkg (layers legs and stops), .geojson "
            "(written as NAME.legs.geojson and NAME.stops.geojson) or .csv; with "
            "--alternatives a route column (1: the best).",
        ),
    ] = None,
    png_file: PngOption = None,
    year: RequestYearOption = None,
    month: MonthOption = None,
    ready: ReadyOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Quote the optimal route for one shipment (exact, OR-Tools)."""
    _output(map_file, "--map", HTML)
    _output(out_file, "--out", TABLES)
    _output(png_file, "--png", PNG)
    options = _request(
        tonnes=tonnes,
        cargo=cargo,
        value_usd=value_usd,
        carbon_price=carbon_price,
        month=month,
        ready=ready,
        deadline=deadline,
        confidence=confidence,
        seed=seed,
        samples=samples,
        max_transshipments=max_transshipments,
        via=via,
        avoid=avoid,
        mode=mode,
        network=load_network(request_year(year, ready), data),
    )
    result = quote(
        origin, destination, teu, objective=objective, alternatives=alternatives, **options
    )
    _write_route_files(result, map_file, out_file, png_file)
    if isinstance(result, list):
        if as_json:
            _print_json([q.to_dict() for q in result])
        else:
            out.print(_fitted(_routes_table(result, f"{len(result)} distinct routes, best first")))
            _print_notes(result)
        return
    if as_json:
        _print_json(result.to_dict())
        return
    s = result.shipment
    out.print(_quote_table(result))
    if s.deadline_hours is not None:
        out.print(
            f"deadline {s.deadline_hours:g} h: {result.planned_hours:.1f} h planned (the "
            "deadline bounds the planned hours)"
        )
    if result.on_time_probability is not None:
        out.print(
            f"on time within {s.deadline_hours:g} h: {result.on_time_probability:.0%} of "
            "simulated runs"
        )
    if result.arrival_p50 is not None:
        out.print(
            f"ready {result.ready:%Y-%m-%d %H:%M}, arrival P50 {result.arrival_p50:%Y-%m-%d %H:%M}"
        )
    _print_notes([result])


@app.command("pareto")
@_one_line_errors
def pareto_command(
    origin: Annotated[str, typer.Argument(help="Origin: name (any language) or id.")],
    destination: Annotated[str, typer.Argument(help="Destination: name or id.")],
    teu: TeuOption = 1.0,
    objectives: Annotated[
        str, typer.Option(help="Two or three of cost, time, co2, comma-separated.")
    ] = "cost,time",
    tonnes: TonnesOption = None,
    cargo: CargoOption = "general",
    deadline: DeadlineOption = None,
    max_transshipments: MaxTransOption = None,
    via: ViaOption = None,
    avoid: AvoidOption = None,
    mode: ModeOption = None,
    year: RequestYearOption = None,
    month: MonthOption = None,
    ready: ReadyOption = None,
    seed: SeedOption = 0,
    samples: SamplesOption = DEFAULT_SAMPLES,
    map_file: Annotated[
        Path | None, typer.Option("--map", help="Write an HTML map, one layer per route.")
    ] = None,
    png_file: PngOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every non-dominated route for two or three objectives (exact ε-constraint)."""
    _output(map_file, "--map", HTML)
    _output(png_file, "--png", PNG)
    options = _request(
        tonnes=tonnes,
        cargo=cargo,
        value_usd=None,
        carbon_price=0.0,
        month=month,
        ready=ready,
        deadline=deadline,
        confidence=None,
        seed=seed,
        samples=samples,
        max_transshipments=max_transshipments,
        via=via,
        avoid=avoid,
        mode=mode,
        network=load_network(request_year(year, ready), data),
    )
    del options["confidence"]  # a frontier has no single deadline to be confident about
    chosen = tuple(part.strip() for part in objectives.split(","))
    front = pareto(origin, destination, teu, objectives=chosen, **options)
    if map_file is not None:
        from corridor.render.maps import pareto_map

        pareto_map(front).save(str(map_file))
        _wrote(map_file)
    if png_file is not None:
        from corridor.render.charts import pareto_chart

        pareto_chart(front).savefig(png_file, dpi=150)
        _wrote(png_file)
    if as_json:
        _print_json([q.to_dict() for q in front])
        return
    title = f"Pareto frontier ({' vs '.join(chosen)}), {len(front)} routes"
    out.print(_fitted(_routes_table(front, title)))
    _print_notes(front)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON schema of a quote (the items of `quote --json` and `pareto --json`)."""
    _print_json(quote_schema())


@app.command("gates")
@_one_line_errors
def gates(
    year: YearOption = DEFAULT_YEAR,
    month: MonthOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Border crossings: hours, capacity, clearance P50/P90 by direction, fees, peaks."""
    network = load_network(year, data)
    rows = [
        {
            "id": c.id,
            "name": c.name,
            "mode": c.mode.value,
            "leg": c.leg,
            "open": f"{c.open_hour:02d}:00-{c.close_hour:02d}:00",
            "capacity_teu_day": c.capacity_teu_day,
            "cn_vn_p50_p90": c.clearance_hours(northbound=False, month=month),
            "vn_cn_p50_p90": c.clearance_hours(northbound=True, month=month),
            "fee_usd_per_teu": c.fee_usd_per_teu,
            "trucks": c.trucks.value if c.trucks else None,
            "transload_usd_per_teu": c.transload_usd_per_teu if c.trucks else None,
            "transload_hours": c.transload_hours if c.trucks else None,
            "smart_gate": c.smart_gate,
            "peak_months": sorted(c.peak_months),
            "peak_multiplier": c.peak_multiplier,
        }
        for c in network.crossings.values()
    ]
    if as_json:
        _print_json(rows)
        return
    when = f", month {month}" if month else ""
    table = Table(
        "crossing",
        "mode",
        "open",
        "TEU/day",
        "CN→VN h P50/P90",
        "VN→CN h P50/P90",
        "USD/TEU",
        "trucks",
        "peak",
        title=f"Border crossings {year}{when}",
        caption_justify="left",
        caption="open: Viet Nam time (UTC+7; an hour later in Beijing time); trucks: cross (the "
        "truck drives through) or transload (USD/TEU and hours on top of the clearance); peak: "
        "months ×factor on the VN→CN clearance P50 and P90 (shown with --month)",
    )
    for r in rows:
        peak = (
            f"{','.join(map(str, r['peak_months']))} ×{r['peak_multiplier']:g}"
            if r["peak_months"]
            else ""
        )
        trucks = r["trucks"] or ""
        if r["trucks"] == "transload":
            trucks += f" +{r['transload_usd_per_teu']:g} USD, +{r['transload_hours']:g} h"
        capacity = r["capacity_teu_day"]
        table.add_row(
            f"{escape(r['name'])}\n[dim]{r['id']}[/dim]",
            r["mode"],
            r["open"],
            "-" if capacity is None else f"{capacity:,.0f}",
            "{:g} / {:g}".format(*r["cn_vn_p50_p90"]),
            "{:g} / {:g}".format(*r["vn_cn_p50_p90"]),
            f"{r['fee_usd_per_teu']:g}",
            trucks,
            peak,
        )
    out.print(_fitted(table))


@app.command("plan")
@_one_line_errors
def plan_command(
    demand: Annotated[
        Path, typer.Argument(help="Demand CSV: origin, destination, teu_per_day or tonnes_per_day.")
    ],
    year: YearOption = DEFAULT_YEAR,
    objective: Annotated[str, typer.Option(help="cost or generalised.")] = "cost",
    integer: Annotated[bool, typer.Option(help="Whole TEU per arc (MIP, no prices).")] = False,
    method: Annotated[
        str,
        typer.Option(help="auto, arcs (arc-based LP) or paths (column generation)."),
    ] = "auto",
    time_limit: Annotated[
        float | None,
        typer.Option(help="Solver time limit, s, bottleneck re-solves included."),
    ] = None,
    month: Annotated[
        int | None,
        typer.Option(
            help="Plan one month, 1-12 (seasonal legs, peak clearance); default: all year."
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the loaded links, a row per direction: .gpkg (layer loaded_links), "
            ".geojson or .csv.",
        ),
    ] = None,
    map_file: Annotated[
        Path | None, typer.Option("--map", help="Write an HTML map of flows and utilisation.")
    ] = None,
    png_file: PngOption = None,
    scenario: Annotated[
        list[Path] | None,
        typer.Option(
            help="Plan with a scenario file or shipped scenario applied (repeat: in order); "
            "its year and demand growth apply.",
        ),
    ] = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Assign a demand table under capacities: bottlenecks, shadow prices, mode split."""
    _output(out_file, "--out", TABLES)
    _output(map_file, "--map", HTML)
    _output(png_file, "--png", PNG)
    network = load_network(year, data)
    growth = 1.0
    for name in scenario or []:
        patch = check_file(find_scenario(name, _scenario_folder(data)), network)
        network, growth = patch.apply(network), growth * patch.demand_growth
        err.print(f"note: scenario {patch.name!r} applied", markup=False)
    result = plan(
        demand if growth == 1 else grown_demand(demand, growth),
        network=network,
        objective=objective,
        integer=integer,
        method=method,
        time_limit_s=time_limit,
        marginal=not integer,
        month=month,
    )
    if out_file is not None:
        from corridor.render.geo import write_table

        _wrote(write_table(result.to_geodataframe(), out_file, layer="loaded_links"))
    if map_file is not None:
        result.map().save(str(map_file))
        _wrote(map_file)
    if png_file is not None:
        from corridor.render.charts import plan_chart

        plan_chart(result).savefig(png_file, dpi=150)
        _wrote(png_file)
    for note in result.notes:
        err.print(f"note: {note}", markup=False)
    if as_json:
        _print_json(result.to_dict())
        return
    totals = result.totals
    out.print(
        f"[bold]Plan {result.year}{f', month {result.month}' if result.month else ''}[/bold] "
        f"({result.objective}, {result.method}): "
        f"{totals['teu_per_day']:,.0f} TEU/day carried, "
        f"{totals['unserved_teu_per_day']:,.0f} unserved, "
        f"{totals['cost_usd_per_day']:,.0f} USD/day, {totals['co2e_kg_per_day'] / 1000:,.0f} t "
        "CO2e/day"
    )
    if not result.optimal:
        out.print(
            f"not proven optimal: the optimum is at least {result.bound_usd_per_day:,.0f} USD/day "
            f"(this plan is within {result.gap:.2%} of it)",
            markup=False,
        )
    split = Table("mode", "TEU-km/day", "share", title="Mode split")
    for mode, teu_km in result.mode_split.sort_values(ascending=False).items():
        split.add_row(str(mode), f"{teu_km:,.0f}", f"{teu_km / result.mode_split.sum():.0%}")
    top = Table(
        Column("element", overflow="fold", min_width=30),  # whole ids, never cut to "…"
        *(
            Column(name, justify="right", max_width=8)
            for name in ("capacity TEU/day", "+1 TEU/day saves", "-1 TEU/day costs", "shadow price")
        ),
        title="Bottlenecks: saturated capacities, USD/day per TEU/day",
        caption_justify="left",
        caption="±1 TEU/day: the plan re-solved; the shadow price is the LP's dual, one of a "
        "range where the two differ"
        + (
            f"; the top {SHOWN_BOTTLENECKS} of {len(result.bottlenecks)} (all: --json or --out)"
            if len(result.bottlenecks) > SHOWN_BOTTLENECKS
            else ""
        ),
    )
    for row in result.bottlenecks.head(SHOWN_BOTTLENECKS).itertuples():
        top.add_row(
            f"{row.element} {row.ref} ({row.direction})",
            f"{row.capacity_teu_day:,.0f}",
            _usd(row.marginal_saving_usd),
            _usd(row.marginal_cost_usd),
            _usd(row.shadow_price_usd),
        )
    out.print(split, top if len(result.bottlenecks) else "No capacity is saturated.")
    if not result.unserved.empty:
        unserved = Table("origin", "destination", "cargo", "TEU/day", title="Unserved demand")
        for row in result.unserved.itertuples():
            unserved.add_row(row.origin, row.destination, row.cargo, f"{row.teu_per_day:,.1f}")
        out.print(unserved)


def _scenario_folder(data: Path | None) -> Path | None:
    """The folder of shipped scenarios: ``scenarios`` in the data folder given, or the default."""
    return None if data is None else data / "scenarios"


ScenarioFilesArgument = Annotated[
    list[Path],
    typer.Argument(help="Scenario YAML files, or names of shipped ones (scenario list)."),
]


@scenario_app.command("list")
@_one_line_errors
def scenario_list(data: DataOption = None, as_json: JsonOption = False) -> None:
    """The scenario files shipped in data/scenarios."""
    rows = []
    for path in shipped_scenarios(_scenario_folder(data)):
        scenario = Scenario.from_yaml(path)
        rows.append(
            {"file": str(path), "name": scenario.name, "operations": len(scenario.operations)}
        )
    if as_json:
        _print_json(rows)
        return
    table = Table("file", "name", "operations", title="Shipped scenarios")
    for row in rows:
        table.add_row(Path(row["file"]).name, row["name"], str(row["operations"]))
    out.print(table)


@scenario_app.command("show")
@_one_line_errors
def scenario_show(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file, or the name of a shipped one.")],
    year: YearOption = DEFAULT_YEAR,
    data: DataOption = None,
) -> None:
    """Validate a scenario file (read it and apply it to the network) and print it."""
    path = find_scenario(file, _scenario_folder(data))
    scenario = check_file(path, load_network(year, data))
    out.print(f"[bold]{escape(scenario.name)}[/bold]: {escape(scenario.description.strip())}")
    out.print(f"source: {scenario.source}", markup=False)
    if scenario.year is not None:
        out.print(f"evaluated in {scenario.year}", markup=False)
    for op in scenario.operations:
        out.print(f"  - {op.model_dump(exclude_defaults=True)}", markup=False)
    out.print(f"valid: {path} applies to the data", markup=False)


@scenario_app.command("validate")
@_one_line_errors
def scenario_validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Scenario YAML files or shipped names (default: every shipped one)."),
    ] = None,
    year: YearOption = DEFAULT_YEAR,
    data: DataOption = None,
) -> None:
    """Read each scenario file and apply it to the network; exit 2 if any fails."""
    folder = _scenario_folder(data)
    network = load_network(year, data)
    failed = 0
    for file in files or shipped_scenarios(folder):
        try:
            path = find_scenario(file, folder)
            scenario = check_file(path, network)
        except CorridorError as error:
            err.print(f"error: {error}", markup=False)
            failed += 1
            continue
        count = len(scenario.operations)
        out.print(
            f"ok {path}: {scenario.name} ({count} operation{'s' * (count != 1)})", markup=False
        )
    if failed:
        raise typer.Exit(code=EXIT_BAD_INPUT)


@scenario_app.command("compare")
@_one_line_errors
def scenario_compare(
    files: ScenarioFilesArgument,
    demand: Annotated[Path | None, typer.Option(help="Demand CSV to plan in each case.")] = None,
    shipment: Annotated[
        list[str] | None,
        typer.Option(help="ORIGIN:DESTINATION to quote in each case (repeat)."),
    ] = None,
    shipments_file: Annotated[
        Path | None,
        typer.Option(
            "--shipments",
            help="CSV of shipments to quote in each case: origin, destination and any quote "
            "option per row (teu, cargo, deadline, ...), as corridor.quote_many reads it.",
        ),
    ] = None,
    year: YearOption = DEFAULT_YEAR,
    objective: Annotated[
        str,
        typer.Option(
            help="cost or generalised (plans and quotes); time or co2 (quotes only).",
        ),
    ] = "cost",
    month: Annotated[
        int | None,
        typer.Option(help="Compare in one month, 1-12 (seasonal legs, peak clearance)."),
    ] = None,
    value_usd: Annotated[
        float | None, typer.Option(help="Goods value of each shipment, USD (generalised).")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--out", help="Write a self-contained HTML report.")
    ] = None,
    png_file: PngOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the baseline and each scenario on the same demand and shipments.

    A scenario file that sets its own year is compared with the baseline of that year.
    """
    _output(report, "--out", HTML)
    _output(png_file, "--png", PNG)
    if not shipment and shipments_file is None and demand is None:
        msg = (
            "give --demand DEMAND.csv, --shipment ORIGIN:DESTINATION (repeat) or "
            "--shipments FILE.csv"
        )
        raise InvalidRequestError(msg)
    rows: list[dict[str, Any]] = []
    if shipments_file is not None:
        rows += read_csv_table(shipments_file).to_dict("records")
    for given in shipment or []:
        pair = given.split(":", 1)
        if len(pair) != 2 or not all(part.strip() for part in pair):
            msg = f"--shipment takes ORIGIN:DESTINATION, got {given!r}"
            raise InvalidRequestError(msg)
        rows.append({"origin": pair[0], "destination": pair[1]})
    if value_usd is not None:
        rows = [  # a row's own value wins
            row | {"value_usd": value_usd} if blank(row.get("value_usd")) else row for row in rows
        ]
    shipments = rows or None
    baseline = load_network(year, data)
    folder = _scenario_folder(data)
    result = compare(
        baseline,
        [check_file(find_scenario(f, folder), baseline) for f in files],
        shipments=shipments,
        demand=demand,
        objective=objective,
        month=month,
    )
    for note in result.notes:
        err.print(f"note: {note}", markup=False)
    if report is not None:
        report.write_text(result.to_html(), encoding="utf-8")
        _wrote(report)
    if png_file is not None:
        result.chart().savefig(png_file, dpi=150)
        _wrote(png_file)
    if as_json:
        _print_json(
            {
                "kpis": json.loads(result.kpis.to_json(orient="records")),
                "changes": json.loads(result.changes.to_json(orient="records")),
                "notes": list(result.notes),
            }
        )
        return
    title = f"Scenario comparison ({objective}{'' if month is None else f', month {month}'})"
    out.print(*_kpi_tables(format_kpis(result.kpis), title, out.width))
    if not result.changes.empty:
        changes = Table(
            "case", "origin → destination", "before", "after", title="Routes that changed"
        )
        for row in result.changes.itertuples():
            changes.add_row(row.case, f"{row.origin} → {row.destination}", row.before, row.after)
        out.print(_fitted(changes))


CASE_WIDTH = 18
"""Characters per case column when the KPI table is split to fit the terminal."""


def _kpi_tables(kpis: pd.DataFrame, title: str, width: int) -> list[Table]:
    """The KPI table (one column per case, the baseline first), fitted to ``width``.

    One table when the cases fit at their natural width; else several, each with the KPI
    names, the baseline the cases are compared with (a scenario that sets its own year has
    the baseline of that year) and as many of those cases, in order, as fit.
    """
    label = max(len("KPI"), *(len(str(name)) for name in kpis.index)) + 3
    natural = [
        max(len(str(case)), *(len(cell) for cell in kpis[case])) + 3 for case in kpis.columns
    ]
    if label + sum(natural) + 1 <= width:
        parts, cap = [kpis], None
    else:
        per = max(1, (width - label - 1) // (CASE_WIDTH + 3) - 1)
        against = kpis.loc["compared_with"]
        parts = []
        for baseline in kpis.columns[against == ""]:
            cases = list(kpis.columns[against == baseline])
            parts += [
                kpis[[baseline, *cases[start : start + per]]] for start in range(0, len(cases), per)
            ] or [kpis[[baseline]]]
        cap = CASE_WIDTH
    tables = []
    for number, part in enumerate(parts, start=1):
        name = title if len(parts) == 1 else f"{title}, {number} of {len(parts)}"
        table = Table("KPI", title=name)
        for case in part.columns:
            table.add_column(str(case), max_width=cap, overflow="fold")
        for kpi, values in part.iterrows():
            table.add_row(str(kpi), *values)
        tables.append(table)
    return tables


@app.command("sweep")
@_one_line_errors
def sweep_command(
    spec: Annotated[Path, typer.Argument(help="Sweep spec YAML (grid or Monte Carlo).")],
    workers: Annotated[int | None, typer.Option(help="Local processes (default: cores).")] = None,
    dask: Annotated[
        str | None, typer.Option("--dask", help="Dask scheduler address, tcp://host:8786.")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write results CSV.")] = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Plan every run of a scenario sweep on a local pool or a Dask cluster."""
    _output(out_file, "--out", (".csv",))
    results = sweep(spec, data_dir=data, workers=workers, dask_address=dask, progress=not as_json)
    if out_file is not None:
        results.to_csv(out_file, index=False)
        _wrote(out_file)
    if as_json:
        _print_json(json.loads(results.to_json(orient="records")))
        return
    failed = results[results["status"] != "ok"]
    out.print(f"{len(results)} runs, {len(failed)} failed")
    if "objective_usd_per_day" in results:  # some run planned
        table = Table(
            "per run",
            title="Sweep results",
            caption_justify="left",
            caption="objective: what each plan minimises, unserved demand at "
            f"{UNSERVED_PENALTY_USD_PER_TEU:,.0f} USD/TEU included; cost: of the TEU carried",
        )
        for name in ("min", "median", "max"):
            table.add_column(name, justify="right")
        for column, label in (
            ("objective_usd_per_day", "objective USD/day"),
            ("cost_usd_per_day", "cost USD/day"),
            ("unserved_teu_per_day", "unserved TEU/day"),
        ):
            stats = results[column].describe()
            table.add_row(label, *(f"{stats[k]:,.0f}" for k in ("min", "50%", "max")))
        out.print(table)
    for row in failed.head(5).itertuples():
        err.print(f"run failed: {row.message}", markup=False)


def _write_route_files(
    result: Quote | list[Quote],
    map_file: Path | None,
    out_file: Path | None,
    png_file: Path | None,
) -> None:
    """The files of ``quote --map/--out/--png`` (their libraries load only when asked for).

    ``--map`` and ``--out`` hold every route, ``--png`` the best. The files written are
    listed on stderr (a ``.geojson`` becomes two files), so stdout stays the route or JSON.
    ``result`` is a list with ``--alternatives``, and ``--out`` then has a ``route`` column
    even if only one route was found.
    """
    routes = result if isinstance(result, list) else [result]
    written: list[Path] = []
    if map_file is not None:
        from corridor.render.maps import pareto_map

        (pareto_map(routes) if len(routes) > 1 else routes[0].map()).save(str(map_file))
        written.append(map_file)
    if out_file is not None:
        from corridor.render.geo import write_quote

        written += write_quote(result, out_file)
    if png_file is not None:
        from corridor.render.charts import route_chart

        route_chart(routes[0]).savefig(png_file, dpi=150)
        written.append(png_file)
    _wrote(*written)


def _wrote(*paths: Path) -> None:
    """List the files a command wrote on stderr (stdout stays its table or JSON)."""
    for path in paths:
        err.print(f"wrote {path}", markup=False, soft_wrap=True)


def _print_notes(quotes: list[Quote]) -> None:
    """Each route's notes (capacity exceeded, a via gate not crossed) under its table."""
    for rank, q in enumerate(quotes, 1):
        label = f"note (#{rank})" if len(quotes) > 1 else "note"
        for note in q.notes:
            out.print(f"[yellow]{label}:[/yellow] {escape(note)}")


def _usd(value: float) -> str:
    """A price to one decimal; blank when unknown; never ``-0.0``."""
    return "" if np.isnan(value) else f"{round(value, 1) + 0.0:,.1f}"


HOURS_CAPTION = (
    "planned h: sum of the steps' P50 hours, what the optimiser minimises and a deadline "
    "bounds; sim. P50/P90: simulated door-to-door hours (waits for departures, gate hours)"
)


def _quote_table(q: Quote) -> Table:
    """The steps of one route; the total row gives the planned hours, the next the simulated."""
    s = q.shipment
    table = Table(
        "step",
        "USD",
        "h P50",
        "h P90",
        "kg CO2e",
        title=f"{q.names[s.origin]} → {q.names[s.destination]}, "
        f"{s.teu:g} TEU {s.cargo.value}, {q.year}, optimised for {q.objective}",
        caption_justify="left",
        caption="total h: planned, the sum of the steps' P50 (what the optimiser minimises and "
        "a deadline bounds); door to door: simulated hours (waits for departures, gate hours)",
    )
    for step in q.steps:
        table.add_row(
            escape(q.describe(step)),
            f"{step.cost_usd:,.0f}",
            f"{step.hours_p50:.1f}",
            f"{step.hours_p90:.1f}",
            f"{step.co2e_kg:,.0f}",
        )
    table.add_row(
        "[bold]total[/bold] (planned h)",
        f"[bold]{q.cost_usd:,.0f}[/bold]",
        f"[bold]{q.planned_hours:.1f}[/bold]",
        "",
        f"{q.co2e_kg:,.0f}",
    )
    table.add_row("door to door, simulated", "", f"{q.hours_p50:.1f}", f"{q.hours_p90:.1f}", "")
    return table


def _routes_table(quotes: list[Quote], title: str) -> Table:
    """One row per route; on a narrow terminal the names wrap whole (never cut to "…")."""
    names = [Column(name, overflow="fold") for name in ("modes", "gates", "transshipments at")]
    figures = [
        Column(name, justify="right")
        for name in ("USD", "planned h", "sim. P50", "sim. P90", "kg CO2e")
    ]
    table = Table(
        Column("#", no_wrap=True),
        *names,
        *figures,
        title=title,
        caption=HOURS_CAPTION,
        caption_justify="left",
    )
    for rank, q in enumerate(quotes, 1):
        gates = "; ".join(q.names.get(s.ref, s.ref) for s in q.border_crossings)
        where = ", ".join(q.names.get(s.from_place, s.from_place) for s in q.transshipments)
        table.add_row(
            str(rank),
            " → ".join(q.modes),
            escape(gates),
            escape(where),
            f"{q.cost_usd:,.0f}",
            f"{q.planned_hours:.1f}",
            f"{q.hours_p50:.1f}",
            f"{q.hours_p90:.1f}",
            f"{q.co2e_kg:,.0f}",
        )
    return table
