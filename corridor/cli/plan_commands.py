"""``corridor plan`` and ``corridor sweep``: demand tables under capacities."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Column, Table

from corridor.cli.common import (
    HTML,
    PNG,
    TABLES,
    DataOption,
    JsonOption,
    PngOption,
    YearOption,
    app,
    check_output,
    err,
    one_line_errors,
    out,
    print_json,
    print_notes,
    save,
    show_progress,
    wrote,
)
from corridor.cli.options import request_options
from corridor.cli.tables import fitted, usd
from corridor.network import DEFAULT_YEAR, load_network
from corridor.planning.capacities import UNSERVED_PENALTY_USD_PER_TEU
from corridor.planning.request import PlanRequest
from corridor.progress import progress_bar

SHOWN_BOTTLENECKS = 10
"""Saturated capacities the plan summary lists (``--json`` and ``--out`` give them all)."""


def scenario_folder(data: Path | None) -> Path | None:
    """The folder of shipped scenarios: ``scenarios`` in the data folder given, or the default."""
    return None if data is None else data / "scenarios"


@app.command("plan")
@one_line_errors
@request_options(PlanRequest)
def plan_command(
    demand: Annotated[
        Path, typer.Argument(help="Demand CSV: origin, destination, teu_per_day or tonnes_per_day.")
    ],
    options: dict[str, Any],
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
    from corridor.planning import grown_demand, plan

    check_output(out_file, "--out", TABLES, [demand, data])
    check_output(map_file, "--map", HTML, [demand, data])
    check_output(png_file, "--png", PNG, [demand, data])
    request = PlanRequest(**{"marginal": not options.get("integer", False)} | options)
    network = load_network(request.year or DEFAULT_YEAR, data)
    growth = 1.0
    if scenario:
        from corridor.scenario import check_file, find_scenario
    for name in scenario or []:
        patch = check_file(find_scenario(name, scenario_folder(data)), network)
        network, growth = patch.apply(network), growth * patch.demand_growth
        err.print(f"note: scenario {patch.name!r} applied", markup=False)
    with progress_bar("marginal values", shown=show_progress(as_json)) as progress:
        result = plan(
            demand if growth == 1 else grown_demand(demand, growth),
            network=network,
            progress=progress,
            **{k: v for k, v in vars(request).items() if k != "year"},
        )
    if out_file is not None:
        from corridor.render.geo import write_table

        wrote(write_table(result.to_geodataframe(), out_file, layer="loaded_links"))
    save(map_file, lambda p: result.map().save(str(p)))
    save(png_file, lambda p: result.chart().savefig(p, dpi=150))
    print_notes(result.notes)
    if as_json:
        print_json(result.to_dict())
        return
    from corridor.render.text import plan_summary

    for line in plan_summary(result):
        out.print(line, markup=False)
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
            usd(row.marginal_saving_usd),
            usd(row.marginal_cost_usd),
            usd(row.shadow_price_usd),
        )
    out.print(split, top if len(result.bottlenecks) else "No capacity is saturated.")
    if not result.unserved.empty:
        unserved = Table("origin", "destination", "cargo", "TEU/day", title="Unserved demand")
        for row in result.unserved.itertuples():
            unserved.add_row(row.origin, row.destination, row.cargo, f"{row.teu_per_day:,.1f}")
        out.print(unserved)


WorkersOption = Annotated[int | None, typer.Option(help="Local processes (default: cores).")]
DaskOption = Annotated[
    str | None, typer.Option("--dask", help="Dask scheduler address, tcp://host:8786.")
]


@app.command("sweep")
@one_line_errors
def sweep_command(
    spec: Annotated[Path, typer.Argument(help="Sweep spec YAML (grid or Monte Carlo).")],
    workers: WorkersOption = None,
    dask: DaskOption = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write results CSV.")] = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Plan every run of a scenario sweep on a local pool or a Dask cluster."""
    from corridor.scenario import sweep

    check_output(out_file, "--out", (".csv",), [spec, data])
    results = sweep(
        spec, data_dir=data, workers=workers, dask_address=dask, progress=show_progress(as_json)
    )
    save(out_file, lambda p: results.to_csv(p, index=False))
    if as_json:
        print_json(json.loads(results.to_json(orient="records")))
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


SHOWN_ELEMENTS = 15
"""Elements the criticality table lists (``--out`` and ``--json`` give them all)."""


@app.command("criticality")
@one_line_errors
def criticality_command(
    demand: Annotated[Path, typer.Argument(help="Demand CSV, as corridor plan reads it.")],
    year: YearOption = DEFAULT_YEAR,
    elements: Annotated[
        list[str] | None,
        typer.Option(
            "--elements",
            help="all, legs, crossings or transfers, or element ids (repeat); default all.",
        ),
    ] = None,
    objective: Annotated[str, typer.Option(help="cost or generalised.")] = "cost",
    workers: WorkersOption = None,
    dask: DaskOption = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the ranking CSV.")] = None,
    map_file: Annotated[
        Path | None, typer.Option("--map", help="Write an HTML map coloured by loss.")
    ] = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close each leg, crossing and transfer in turn; rank them by the loss of the plan."""
    from corridor.scenario import criticality

    check_output(out_file, "--out", (".csv",), [demand, data])
    check_output(map_file, "--map", HTML, [demand, data])
    result = criticality(
        demand,
        year=year,
        data_dir=data,
        elements=elements or "all",
        objective=objective,
        workers=workers,
        dask_address=dask,
        progress=show_progress(as_json),
    )
    print_notes(result.notes)
    save(out_file, result.ranking.to_csv)
    save(map_file, lambda p: result.map().save(str(p)))
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(
        "#",
        "element",
        Column("loss USD/day", justify="right"),
        Column("unserved TEU/day", justify="right"),
        Column("rerouted TEU/day", justify="right"),
        title=f"Criticality {result.network.year}: {len(result.ranking)} elements closed one "
        "at a time",
        caption_justify="left",
        caption=f"baseline {result.baseline['objective_usd_per_day']:,.0f} USD/day; loss: the "
        f"rise of what the plan minimises, unserved demand at "
        f"{UNSERVED_PENALTY_USD_PER_TEU:,.0f} USD/TEU included",
    )
    for rank, (element, row) in enumerate(result.ranking.head(SHOWN_ELEMENTS).iterrows(), 1):
        table.add_row(
            str(rank),
            f"{row['name']} ({element})",
            "" if math.isnan(row["loss_usd_per_day"]) else f"{row['loss_usd_per_day']:,.0f}",
            f"{row['unserved_teu_per_day']:+,.1f}",
            f"{row['rerouted_teu_per_day']:,.1f}",
        )
    out.print(fitted(table))


@app.command("congestion")
@one_line_errors
def congestion_command(
    demand: Annotated[Path, typer.Argument(help="Demand CSV, as corridor plan reads it.")],
    year: YearOption = DEFAULT_YEAR,
    growth: Annotated[float, typer.Option(help="Factor on every row's TEU/day.")] = 1.0,
    value_of_time: Annotated[
        float | None,
        typer.Option(help="USD per TEU-hour (default: the demand's goods values)."),
    ] = None,
    tolerance: Annotated[
        float, typer.Option(help="Relative gap at which the equilibrium stops.")
    ] = 1e-4,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the gates and terminals CSV.")
    ] = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Queues at gates and terminals: the system optimum against the user equilibrium."""
    from corridor.planning import congestion

    check_output(out_file, "--out", (".csv",), [demand, data])
    result = congestion(
        demand,
        network=load_network(year, data),
        growth=growth,
        value_of_time_usd_per_teu_hour=value_of_time,
        tolerance=tolerance,
    )
    print_notes(result.notes)
    save(out_file, result.elements.to_csv)
    if as_json:
        print_json(result.to_dict())
        return
    totals = Table(
        "",
        Column("generalised USD/day", justify="right"),
        Column("cost USD/day", justify="right"),
        Column("queues TEU-h/day", justify="right"),
        title=f"Congestion {result.year}, demand × {growth:g}: value of time "
        f"{result.value_of_time_usd_per_teu_hour:,.2f} USD/TEU-h; equilibrium gap "
        f"{result.relative_gap:.1e} after {result.iterations} iterations",
    )
    for name, row in result.totals.iterrows():
        totals.add_row(
            str(name),
            f"{row['generalised_usd_per_day']:,.0f}",
            f"{row['cost_usd_per_day']:,.0f}",
            f"{row['delay_teu_hours_per_day']:,.0f}",
        )
    out.print(fitted(totals))
    gates = Table(
        "element",
        Column("capacity TEU/day", justify="right"),
        Column("equilibrium TEU/day", justify="right"),
        Column("queue h", justify="right"),
        Column("optimum TEU/day", justify="right"),
        Column("queue h ", justify="right"),
        title="Most loaded gates and terminals",
    )
    for _, row in result.elements.head(SHOWN_ELEMENTS).iterrows():
        gates.add_row(
            f"{row['name']} ({row['ref']})",
            f"{row['capacity_teu_day']:,.0f}",
            f"{row['equilibrium_teu_per_day']:,.1f}",
            f"{row['equilibrium_delay_hours']:,.2f}",
            f"{row['system_teu_per_day']:,.1f}",
            f"{row['system_delay_hours']:,.2f}",
        )
    out.print(fitted(gates))
