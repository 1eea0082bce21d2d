"""Comparing scenarios: the baseline and each scenario on the same shipments and demand."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from corridor.errors import DataError, InvalidRequestError, ScenarioError, UnknownPlaceError
from corridor.model import blank, check_month, check_objective
from corridor.network import Network
from corridor.options import seconds
from corridor.planning import Plan, grown_demand, plan, read_demand
from corridor.planning.request import OBJECTIVES as PLAN_OBJECTIVES
from corridor.progress import ProgressCallback, Steps
from corridor.routing import OBJECTIVES as QUOTE_OBJECTIVES
from corridor.routing import quote_many
from corridor.scenario.kpis import plan_kpis, quote_kpis
from corridor.scenario.patch import Scenario
from corridor.scenario.unchanged import why_unchanged
from corridor.tables import read_csv_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Comparison:
    """KPIs side by side (one row per case) and the OD pairs whose best route changed.

    ``kpis`` has a row per baseline year (``baseline`` for the network given, ``baseline
    2028`` for another year a scenario is evaluated in) and a row per scenario, whose
    ``compared_with`` names the baseline row of its year.
    """

    kpis: pd.DataFrame
    changes: pd.DataFrame
    scenarios: tuple[Scenario, ...] = ()
    """The scenarios compared, in the order of their KPI rows (after the baseline rows)."""
    notes: tuple[str, ...] = ()
    """What a reader must know to read the figures: a scenario evaluated in its own year,
    failed quotes, and why a scenario leaves the plan (nearly) unchanged."""
    plans: dict[str, Plan] = field(default_factory=dict, repr=False, compare=False)
    """Each case's plan by case name (with a demand table): the report's maps and tables."""

    def chart(self) -> Figure:
        """A bar chart of the KPIs' change from the baseline (see :mod:`corridor.render.charts`)."""
        from corridor.render.charts import comparison_chart

        return comparison_chart(self)

    def to_html(self, title: str = "Scenario comparison") -> str:
        """A self-contained HTML report (see :func:`corridor.render.report.comparison_html`)."""
        from corridor.render.report import comparison_html

        return comparison_html(self, self.scenarios, title=title)

    def to_frame(self) -> pd.DataFrame:
        """The main table: :attr:`kpis`, one row per case (:attr:`changes` holds the rest)."""
        return self.kpis

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: KPIs per case, routes that changed, scenario names, notes.

        ``corridor scenario compare --json`` prints it; its JSON schema is
        :func:`corridor.schema.comparison_schema`. Missing numbers are ``null``.
        """
        return {
            "kpis": json.loads(self.kpis.to_json(orient="records")),
            "changes": json.loads(self.changes.to_json(orient="records")),
            "scenarios": [s.name for s in self.scenarios],
            "notes": list(self.notes),
        }

    def explain(self) -> str:
        """The KPI table as text (one column per case), the routes that changed, the notes."""
        from corridor.render.text import format_kpis, labelled

        lines = [labelled(format_kpis(self.kpis)).to_string()]
        lines += [
            f"{row.case}: {row.origin} → {row.destination}: {row.before} becomes {row.after}"
            for row in self.changes.itertuples()
        ]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The comparison in a notebook: KPIs and changed routes (:mod:`corridor.render.html`)."""
        from corridor.render.html import comparison_html

        return comparison_html(self)

    def __repr__(self) -> str:
        """One line: the cases compared (the figures: :meth:`explain`, :meth:`to_frame`)."""
        cases = ", ".join(str(case) for case in self.kpis["case"])
        return f"<Comparison of {len(self.kpis)} cases ({cases}): {len(self.changes)} changed>"


BASELINE = "baseline"
"""Case name of the baseline network given to :func:`compare`."""


def compare(
    baseline: Network,
    scenarios: Sequence[Scenario],
    *,
    shipments: pd.DataFrame | Sequence[dict[str, Any]] | None = None,
    demand: pd.DataFrame | str | Path | None = None,
    objective: str = "cost",
    month: int | None = None,
    time_limit_s: float | None = None,
    progress: ProgressCallback | None = None,
) -> Comparison:
    """Run the baseline and each scenario on the same shipments and/or demand table.

    ``shipments`` are quoted one by one (any :func:`corridor.quote` options per row);
    ``demand`` is planned under capacities (scaled by each scenario's ``demand_growth``);
    both by ``objective`` (``cost`` or ``generalised``; quotes alone also ``time`` or ``co2``),
    and in ``month`` (1–12: its seasonal legs and peak clearance times) if given;
    ``time_limit_s`` limits each plan's solve and each quote's exact searches (s);
    ``progress`` is told (steps done, steps) after each case's quotes and each case's plan.
    The ``mean_*`` KPIs are over the shipments quoted in every case compared
    (``shipments_compared``; a baseline of a year no scenario is evaluated in is not
    compared), so a shipment that fails in one case does not shift the others' means;
    :attr:`Comparison.notes` names the failures.

    A scenario is compared with the baseline of the year it is evaluated in. One that sets
    its own ``year`` (the dual-gauge link in 2028, say) is not set against the baseline
    network's year, which would add the network's changes between the two years to the
    project's: the baseline's data are evaluated in that year too (case ``baseline 2028``),
    on the same shipments and demand, and :attr:`Comparison.notes` says so.

    Raises
    ------
    ScenarioError
        With neither shipments nor demand, two scenarios of one name or one named as a
        baseline case (``baseline``), or if a scenario cannot be applied.
    DataError
        For a demand table a case cannot read (the message names the case).
    InvalidRequestError
        For an objective the quotes or plans do not know, or a month that is not 1–12.
    UnknownPlaceError
        For a shipment's origin or destination that no case's network has in service, before
        any case runs (with suggestions, or when it opens); a place that only some cases
        lack gives a note.
    """
    if shipments is None and demand is None:
        msg = "compare needs shipments, a demand table or both"
        raise ScenarioError(msg)
    _check_names(scenarios)
    allowed = PLAN_OBJECTIVES if demand is not None else QUOTE_OBJECTIVES
    what = "a demand table" if demand is not None else "shipments"
    objective = check_objective(objective, allowed, f" with {what}")
    check_month(month)
    if time_limit_s is not None:
        time_limit_s = seconds(time_limit_s, "time_limit_s")
    in_month: dict[str, Any] = {} if month is None else {"month": month}
    limited: dict[str, Any] = {} if time_limit_s is None else {"time_limit_s": time_limit_s}
    if isinstance(demand, (str, Path)):  # once: a file's own errors are no case's
        demand = read_csv_table(demand)
    cases, notes = _cases(baseline, scenarios)
    steps = Steps(progress, len(cases) * ((shipments is not None) + (demand is not None)))
    pairs = [(name, against) for name, _, _, against in cases if against is not None]
    quotes: dict[str, pd.DataFrame] = {}
    if shipments is not None:
        _check_places(shipments, [network for _, network, _, _ in cases])
        for name, network, _, _ in cases:
            quotes[name] = quote_many(
                shipments, network=network, objective=objective, **in_month, **limited
            )
            steps.step()
        _raise_if_every_shipment_fails_alike(quotes[BASELINE])
    common = _quoted_everywhere(quotes, pairs)
    if shipments is not None:
        notes += _shipment_notes(quotes, int(common.sum()))
    unread: set[str] = set()
    if demand is not None:
        unread = _check_demand(demand, cases, pairs, objective, notes)
    kpis, routes, plans = [], {}, {}
    for name, network, scenario, against in cases:
        row: dict[str, Any] = {"case": name, "year": network.year, "compared_with": against}
        if shipments is not None:
            table = quotes[name]
            routes[name] = table[["origin", "destination", "modes", "gates", "places"]]
            row |= quote_kpis(table, common)
        if demand is not None and name not in unread:
            growth = scenario.demand_growth if scenario else 1.0
            result = plan(
                grown_demand(demand, growth),
                network=network,
                objective=objective,
                marginal=True,
                month=month,
                time_limit_s=time_limit_s,
            )
            plans[name] = result
            row |= {
                (k if k.startswith("share_") or k == "top_bottleneck" else f"plan_{k}"): v
                for k, v in plan_kpis(result).items()
            }
        if demand is not None:
            steps.step()
        kpis.append(row)
    notes += _unchanged_notes(cases, plans)
    return Comparison(
        pd.DataFrame(kpis), _changes(routes, pairs), tuple(scenarios), tuple(notes), plans
    )


def _unchanged_notes(cases: list[_Case], plans: dict[str, Plan]) -> list[str]:
    """A note per scenario whose plan is (nearly) its baseline's: why (:func:`why_unchanged`)."""
    notes = []
    for name, _, scenario, against in cases:
        if scenario is None or against is None or name not in plans or against not in plans:
            continue
        note = why_unchanged(scenario, plans[against], plans[name], against=against)
        if note is not None:
            notes.append(note)
    return notes


_Case = tuple[str, Network, Scenario | None, str | None]
"""A case of a comparison: its name, network, scenario (None: a baseline) and the name of
the baseline case it is compared with."""


def _cases(baseline: Network, scenarios: Sequence[Scenario]) -> tuple[list[_Case], list[str]]:
    """The baseline, a baseline for each other year a scenario sets, then the scenarios.

    Also the notes that say which scenario is compared with the baseline of its own year.
    """
    cases: list[_Case] = [(BASELINE, baseline, None, None)]
    by_year = {baseline.year: BASELINE}
    notes = []
    patched = [(s, s.apply(baseline)) for s in scenarios]
    for s, network in patched:
        if network.year not in by_year:
            by_year[network.year] = f"{BASELINE} {network.year}"
            cases.append(
                (by_year[network.year], Network(baseline.dataset, network.year), None, None)
            )
        if network.year != baseline.year:
            notes.append(
                f"{s.name!r} sets year {network.year}: compared with the baseline of "
                f"{network.year} ({by_year[network.year]!r}), not of {baseline.year}, on the "
                "same shipments and demand"
            )
    cases += [(s.name, network, s, by_year[network.year]) for s, network in patched]
    return cases, notes


def _check_demand(
    demand: pd.DataFrame,
    cases: list[_Case],
    pairs: list[tuple[str, str]],
    objective: str,
    notes: list[str],
) -> set[str]:
    """Read the demand table against every case's network before planning any.

    A problem every case has is the table's own: its error as :func:`plan` raises it. One
    that only some cases have (a place a scenario removes or adds, or that opens in one
    case's year) is an error naming the first such case, unless that case is a baseline no
    scenario is compared with: its plan is then left out, with a note. Returns the cases
    left out.

    Raises
    ------
    DataError
        As said, with ``.problems`` holding each row's error.
    """
    compared = _compared(pairs)
    needs_value = objective == "generalised"
    failed: dict[str, DataError] = {}
    for name, network, _, _ in cases:
        try:
            read_demand(demand, network, needs_value=needs_value)
        except DataError as error:
            failed[name] = error
    if not failed:
        return set()
    seen = {tuple((p.row, p.column, p.detail) for p in e.problems) for e in failed.values()}
    if len(failed) == len(cases) and len(seen) == 1:
        raise next(iter(failed.values()))
    for name, problem in failed.items():
        if name in compared:
            raise problem.within(f"case {name!r}")
        notes.append(f"{name!r} is not compared and cannot read the demand table: {problem}")
    return set(failed)


def _check_places(
    shipments: pd.DataFrame | Sequence[dict[str, Any]], networks: Sequence[Network]
) -> None:
    """Raise for a shipment's origin or destination that is a place in no case's network.

    A place that only some cases lack (removed by a scenario, or open in one case's year
    only) is left to the quotes: a failure there is a note, not an error.

    Raises
    ------
    UnknownPlaceError
        As :func:`corridor.quote` would for the first case: with did-you-mean suggestions,
        or a :class:`PlaceNotOpenError` saying when the place opens.
    """
    rows = shipments.to_dict("records") if isinstance(shipments, pd.DataFrame) else shipments
    for row in rows:
        for name in (row.get("origin"), row.get("destination")):
            if not isinstance(name, str) or not name.strip():
                continue  # missing or malformed: quote_many reports it row by row
            errors = []
            for network in networks:
                try:
                    network.place(name)
                except UnknownPlaceError as error:
                    errors.append(error)
                else:
                    break
            else:
                raise errors[0]


def _check_names(scenarios: Sequence[Scenario]) -> None:
    """Raise for two scenarios of one name, or one named as a baseline case.

    The KPI rows, routes and charts are keyed by case name.
    """
    seen: set[str] = set()
    for scenario in scenarios:
        name = scenario.name
        if name in seen:
            msg = f"two scenarios are named {name!r}: give each its own name to compare them"
            raise ScenarioError(msg)
        if name == BASELINE or re.fullmatch(rf"{BASELINE} \d+", name):
            msg = f"a scenario cannot be named {name!r}, the name of a baseline case"
            raise ScenarioError(msg)
        seen.add(name)


def _compared(pairs: list[tuple[str, str]]) -> set[str]:
    """The cases some comparison uses, from the (scenario, its baseline) ``pairs``.

    A baseline of a year in which no scenario is evaluated is not among them; without
    scenarios, the baseline is.
    """
    return {case for pair in pairs for case in pair} or {BASELINE}


def _quoted_everywhere(quotes: dict[str, pd.DataFrame], pairs: list[tuple[str, str]]) -> pd.Series:
    """Which shipments (rows) were quoted in every case compared: the set the means are over.

    ``pairs``: (scenario case, its baseline case). A baseline of a year in which no scenario
    is evaluated is not compared (without scenarios, the baseline is).
    """
    tables = [t for case, t in quotes.items() if case in _compared(pairs)]
    if not tables:
        return pd.Series(dtype=bool)
    return pd.concat([t["status"] == "ok" for t in tables], axis=1).all(axis=1)


def _shipment_notes(quotes: dict[str, pd.DataFrame], common: int) -> list[str]:
    """A note per case with failed quotes: which, why, and what the means are over.

    ``common`` is the number of shipments quoted in every case compared.
    """
    notes = []
    for case, table in quotes.items():
        failed = table[table["status"] != "ok"]
        if failed.empty:
            continue
        first = failed.iloc[0]
        where = (
            f"the means are over the {common} shipment{'s' * (common != 1)} quoted in every "
            "case compared"
            if common
            else "no shipment was quoted in every case compared: no means"
        )
        notes.append(
            f"{case!r}: {len(failed)} of {len(table)} shipments failed (first: "
            f"{_named(first['origin'])} → {_named(first['destination'])}: {first['message']}); "
            f"{where}"
        )
    return notes


def _named(place: object) -> str:
    """A shipment's origin or destination as written, ``(none)`` for a blank cell."""
    return "(none)" if blank(place) else str(place)


def _raise_if_every_shipment_fails_alike(table: pd.DataFrame) -> None:
    """Raise the request error every baseline shipment got, as the comparison's own.

    The generalised objective without goods values, say: an error, not a note per case.
    """
    errors = set(zip(table["status"], table["message"], strict=True))
    if len(errors) == 1:
        status, message = errors.pop()
        if status == InvalidRequestError.__name__:
            raise InvalidRequestError(f"every shipment: {message}")


def _changes(routes: dict[str, pd.DataFrame], pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """Shipments (by row) whose best route differs from the baseline's of the same year.

    ``pairs``: (scenario case, the baseline case it is compared with).
    """
    columns = ["case", "origin", "destination", "before", "after"]
    if not routes:
        return pd.DataFrame(columns=columns)
    rows = []
    for case, against in pairs:
        base, table = routes[against], routes[case]
        for (_, old), (_, new) in zip(base.iterrows(), table.iterrows(), strict=True):
            if _same_route(old, new):
                continue
            before, after = _describe(old), _describe(new)
            if before == after:  # the same modes and gates, through other places
                before, after = _describe(old, places=True), _describe(new, places=True)
            rows.append(
                {
                    "case": case,
                    "origin": new["origin"],
                    "destination": new["destination"],
                    "before": before,
                    "after": after,
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _same_route(old: pd.Series, new: pd.Series) -> bool:
    """Whether two quoted rows took the same route: modes, gates and places (or neither)."""
    return all(
        (pd.isna(old[c]) and pd.isna(new[c])) or old[c] == new[c]
        for c in ("modes", "gates", "places")
    )


def _describe(route: pd.Series, *, places: bool = False) -> str:
    """``rail_1435 → road via hekou_kim_thanh``; with ``places``, the places it passes too."""
    if pd.isna(route.get("modes")):
        return "no route"
    gates = route.get("gates") or ""
    text = f"{route['modes']}" + (f" via {gates}" if gates else "")
    return text + (f" ({route['places']})" if places else "")
