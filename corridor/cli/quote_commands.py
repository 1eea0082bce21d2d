"""``corridor quote``, ``corridor pareto`` and ``corridor schema``: one shipment's routes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from corridor.cli.common import (
    HTML,
    PNG,
    TABLES,
    DataOption,
    JsonOption,
    PngOption,
    app,
    check_output,
    one_line_errors,
    out,
    print_json,
    save,
    show_progress,
    wrote,
)
from corridor.cli.options import request_options
from corridor.cli.tables import fitted, print_notes, quote_table, routes_table
from corridor.errors import InvalidRequestError
from corridor.outputs import replacing
from corridor.routing import Quote, QuoteRequest, pareto, quote
from corridor.routing.frontier import PARETO_SKIPS

OriginArgument = Annotated[str, typer.Argument(help="Origin: name (any language) or id.")]
DestinationArgument = Annotated[str, typer.Argument(help="Destination: name or id.")]


@app.command("quote")
@one_line_errors
@request_options(QuoteRequest)
def quote_command(
    origin: OriginArgument,
    destination: DestinationArgument,
    options: dict[str, Any],
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
    count: Annotated[
        int | None,
        typer.Option(
            "--count", min=1, help="How many boxes of the one --container type (40HC: 2)."
        ),
    ] = None,
    emissions: Annotated[
        bool,
        typer.Option(
            "--emissions",
            help="Show the ISO 14083 / GLEC emissions: kg CO2e well to wheel, tank to wheel, "
            "well to tank and at hubs per step, and the chain's g CO2e per t-km.",
        ),
    ] = False,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Quote the optimal route for one shipment (exact, OR-Tools)."""
    options = with_count(options, count)
    check_output(map_file, "--map", HTML, [data])
    check_output(out_file, "--out", TABLES, [data])
    check_output(png_file, "--png", PNG, [data])
    result = quote(origin, destination, data_dir=data, **options)
    write_route_files(result, map_file, out_file, png_file)
    if isinstance(result, list):
        if as_json:
            print_json([q.to_dict() for q in result])
        else:
            out.print(fitted(routes_table(result, f"{len(result)} distinct routes, best first")))
            print_notes(result)
        return
    if as_json:
        print_json(result.to_dict())
        return
    s = result.shipment
    out.print(quote_table(result, emissions=emissions))
    if emissions:
        out.print(escape(result.emissions_text()))
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
    print_notes([result])


@app.command("pareto")
@one_line_errors
@request_options(QuoteRequest, skip=PARETO_SKIPS)
def pareto_command(
    origin: OriginArgument,
    destination: DestinationArgument,
    options: dict[str, Any],
    objectives: Annotated[
        str, typer.Option(help="Two or three of cost, time, co2, comma-separated.")
    ] = "cost,time",
    map_file: Annotated[
        Path | None, typer.Option("--map", help="Write an HTML map, one layer per route.")
    ] = None,
    png_file: PngOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every non-dominated route for two or three objectives (exact ε-constraint)."""
    check_output(map_file, "--map", HTML, [data])
    check_output(png_file, "--png", PNG, [data])
    chosen = tuple(part.strip() for part in objectives.split(","))
    front = pareto(origin, destination, objectives=chosen, data_dir=data, **options)
    if map_file is not None:
        from corridor.render.maps import pareto_map

        save(map_file, lambda p: pareto_map(front).save(str(p)))
    if png_file is not None:
        from corridor.render.charts import pareto_chart

        save(png_file, lambda p: pareto_chart(front).savefig(p, dpi=150))
    if as_json:
        print_json([q.to_dict() for q in front])
        return
    title = f"Pareto frontier ({' vs '.join(chosen)}), {len(front)} routes"
    out.print(fitted(routes_table(front, title)))
    print_notes(front)


@app.command("schema")
@one_line_errors
def schema_command(
    of: Annotated[
        str, typer.Argument(help="quote (default), plan, comparison or request.")
    ] = "quote",
) -> None:
    """Print a JSON schema: of quote --json (and pareto --json items), plan --json, ...

    ... scenario compare --json, or of a quote request (what quote takes).
    """
    from corridor.schema import schema_of

    print_json(schema_of(of))


def with_count(options: dict[str, Any], count: int | None) -> dict[str, Any]:
    """``--container 40HC --count 2`` as the request's ``containers=["40HC:2"]``.

    Raises
    ------
    InvalidRequestError
        For ``--count`` without exactly one ``--container`` of no count of its own.
    """
    if count is None:
        return options
    boxes = options.get("containers") or []
    if len(boxes) != 1 or ":" in boxes[0]:
        msg = "--count needs exactly one --container, written without a count (--container 40HC)"
        raise InvalidRequestError(msg)
    return options | {"containers": [f"{boxes[0]}:{count}"]}


def write_route_files(
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

        with replacing(map_file) as part:
            (pareto_map(routes) if len(routes) > 1 else routes[0].map()).save(str(part))
        written.append(map_file)
    if out_file is not None:
        from corridor.render.geo import write_quote

        written += write_quote(result, out_file)
    if png_file is not None:
        from corridor.render.charts import route_chart

        with replacing(png_file) as part:
            route_chart(routes[0]).savefig(part, dpi=150)
        written.append(png_file)
    wrote(*written)


@app.command("quote-many")
@one_line_errors
@request_options(QuoteRequest, skip=("alternatives",))
def quote_many_command(
    lanes: Annotated[
        Path,
        typer.Argument(
            help="Lanes table, .csv or .xlsx: a row per lane with origin, destination and any "
            "quote option (teu, containers, cargo, currency, ...); headers in any case."
        ),
    ],
    options: dict[str, Any],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write the price list: .csv or .xlsx."),
    ] = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Price a list of lanes: one quote per row, prices per box and per TEU (a price list)."""
    from corridor.network import DEFAULT_YEAR, load_network
    from corridor.progress import progress_bar
    from corridor.routing.pricelist import LANE_FILES, price_list, read_lanes, write_price_list

    check_output(out_file, "--out", LANE_FILES, [lanes, data])
    table = read_lanes(lanes)  # a bad column stops here, before any quote
    year = options.pop("year", None)
    network = load_network(year or DEFAULT_YEAR, data) if data is not None else None
    with progress_bar("quoting lanes", shown=show_progress(as_json)) as progress:
        prices = price_list(
            table, network=network, progress=progress, **options, **_year(year, network)
        )
    if out_file is not None:
        write_price_list(prices, out_file)
        wrote(out_file)
    if as_json:
        print_json(json.loads(prices.to_json(orient="records")))
        return
    quoted = int((prices["status"] == "ok").sum())
    out.print(f"{quoted} of {len(prices)} lanes quoted")
    for _, row in prices[prices["status"] != "ok"].head(10).iterrows():
        out.print(f"  {row['origin']} → {row['destination']}: {row['message']}")


def _year(year: int | None, network: object) -> dict[str, int]:
    """The ``year`` keyword of :func:`~corridor.routing.batch.quote_many`, unless a network."""
    return {} if year is None or network is not None else {"year": year}
