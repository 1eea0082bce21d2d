"""``corridor scenario …``: list, show, validate and compare what-if scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from corridor.cli.common import (
    EXIT_BAD_INPUT,
    HTML,
    PNG,
    DataOption,
    JsonOption,
    PngOption,
    YearOption,
    check_output,
    clip,
    err,
    one_line_errors,
    out,
    print_json,
    print_notes,
    save,
    scenario_app,
    show_progress,
)
from corridor.cli.plan_commands import scenario_folder
from corridor.cli.tables import comparison_tables, fitted
from corridor.errors import CorridorError, InvalidRequestError
from corridor.model import blank
from corridor.network import DEFAULT_YEAR, load_network
from corridor.progress import progress_bar
from corridor.tables import read_csv_table

ScenarioFilesArgument = Annotated[
    list[Path],
    typer.Argument(help="Scenario YAML files, or names of shipped ones (scenario list)."),
]


@scenario_app.command("list")
@one_line_errors
def scenario_list(data: DataOption = None, as_json: JsonOption = False) -> None:
    """The scenario files shipped in data/scenarios."""
    from corridor.scenario import Scenario, shipped_scenarios

    rows = []
    for path in shipped_scenarios(scenario_folder(data)):
        scenario = Scenario.from_yaml(path)
        rows.append(
            {"file": str(path), "name": scenario.name, "operations": len(scenario.operations)}
        )
    if as_json:
        print_json(rows)
        return
    table = Table("file", "name", "operations", title="Shipped scenarios")
    for row in rows:
        table.add_row(Path(row["file"]).name, clip(row["name"], 200), str(row["operations"]))
    out.print(table)


@scenario_app.command("show")
@one_line_errors
def scenario_show(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file, or the name of a shipped one.")],
    year: YearOption = DEFAULT_YEAR,
    data: DataOption = None,
) -> None:
    """Validate a scenario file (read it and apply it to the network) and print it."""
    from corridor.scenario import check_file, find_scenario

    path = find_scenario(file, scenario_folder(data))
    scenario = check_file(path, load_network(year, data))
    name, description = clip(scenario.name), clip(scenario.description.strip())
    out.print(f"[bold]{escape(name)}[/bold]: {escape(description)}")
    out.print(f"source: {clip(scenario.source)}", markup=False)
    if scenario.year is not None:
        out.print(f"evaluated in {scenario.year}", markup=False)
    for op in scenario.operations:
        out.print(f"  - {op.model_dump(exclude_defaults=True)}", markup=False)
    out.print(f"valid: {path} applies to the data", markup=False)


@scenario_app.command("validate")
@one_line_errors
def scenario_validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Scenario YAML files or shipped names (default: every shipped one)."),
    ] = None,
    year: YearOption = DEFAULT_YEAR,
    data: DataOption = None,
) -> None:
    """Read each scenario file and apply it to the network; exit 2 if any fails."""
    from corridor.scenario import check_file, find_scenario, shipped_scenarios

    folder = scenario_folder(data)
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
@one_line_errors
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
    time_limit: Annotated[
        float | None,
        typer.Option(help="Time limit of each plan and each quote's exact search, s."),
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
    from corridor.scenario import check_file, compare, find_scenario
    from corridor.scenario.elements import named_bottleneck

    check_output(report, "--out", HTML, [demand, data])
    check_output(png_file, "--png", PNG, [demand, data])
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
    folder = scenario_folder(data)
    with progress_bar("cases", shown=show_progress(as_json)) as progress:
        result = compare(
            baseline,
            [check_file(find_scenario(f, folder), baseline) for f in files],
            shipments=shipments,
            demand=demand,
            objective=objective,
            month=month,
            time_limit_s=time_limit,
            progress=progress,
        )
    print_notes(result.notes)
    save(report, lambda p: p.write_text(result.to_html(), encoding="utf-8"))
    save(png_file, lambda p: result.chart().savefig(p, dpi=150))
    if as_json:
        print_json(result.to_dict())
        return
    title = f"Scenario comparison ({objective}{'' if month is None else f', month {month}'})"
    tops = dict(zip(result.kpis["case"], result.kpis.get("top_bottleneck", []), strict=False))
    names = {
        str(tops[case]): named_bottleneck(plan, str(tops[case]))
        for case, plan in result.plans.items()
        if isinstance(tops.get(case), str)
    }
    out.print(*comparison_tables(result.kpis, title, out.width, names=names))
    if not result.changes.empty:
        changes = Table(
            "case", "origin → destination", "before", "after", title="Routes that changed"
        )
        for row in result.changes.itertuples():
            changes.add_row(row.case, f"{row.origin} → {row.destination}", row.before, row.after)
        out.print(fitted(changes))
