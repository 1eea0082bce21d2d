"""``corridor network …``, ``corridor places`` and ``corridor gates``: the network and its data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from corridor.cli.common import (
    HTML,
    DataOption,
    JsonOption,
    YearOption,
    app,
    check_output,
    err,
    network_app,
    one_line_errors,
    out,
    print_json,
    save,
    wrote,
)
from corridor.cli.tables import fitted
from corridor.data import load_dataset
from corridor.errors import PlaceNotOpenError, UnknownPlaceError
from corridor.network import DEFAULT_YEAR, load_network, place_summary

MonthOption = Annotated[int | None, typer.Option(help="Month of travel, 1-12.")]


@network_app.command("validate")
@one_line_errors
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
@one_line_errors
def network_info(
    year: YearOption = DEFAULT_YEAR, data: DataOption = None, as_json: JsonOption = False
) -> None:
    """Counts by mode and kind, km by mode, and what opens after the year."""
    summary = load_network(year, data).summary()
    if as_json:
        print_json(summary)
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
@one_line_errors
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

    check_output(path, "network export", (".gpkg", ".geojson"), [data])

    wrote(*write_network(load_network(year, data), path))


@network_app.command("map")
@one_line_errors
def network_map_command(
    path: Annotated[Path, typer.Argument(help="Output HTML file.")],
    year: YearOption = DEFAULT_YEAR,
    data: DataOption = None,
) -> None:
    """Write an HTML map of the network (links by mode, planned ones dashed)."""
    check_output(path, "network map", HTML, [data])
    save(path, lambda p: load_network(year, data).map().save(str(p)))


@app.command("places")
@one_line_errors
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
        print_json([place_summary(p) for p in found])
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
    out.print(fitted(table))


@app.command("gates")
@one_line_errors
def gates(
    year: YearOption = DEFAULT_YEAR,
    month: MonthOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Border crossings: hours, capacity, clearance P50/P90 by direction, fees, peaks."""
    network = load_network(year, data)
    rows = network.gate_records(month)
    if as_json:
        print_json(rows)
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
    out.print(fitted(table))
