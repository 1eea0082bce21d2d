"""Criticality: close each element of the network in turn, plan again, rank by the loss.

As VTRA and open-gira rank links by the economic loss of their failure: every leg, border
crossing and transfer (or those of one kind) is closed on its own, the demand is planned
on what is left, and the elements are ranked by the rise of the plan's objective (USD/day,
unserved demand at :data:`~corridor.planning.UNSERVED_PENALTY_USD_PER_TEU`), with the TEU/day
left unserved and the flows that take another route.

An element that carries no flow in an optimal baseline plan is not re-planned: the baseline
plan is still feasible without it and nothing cheaper can appear by taking an option away,
so its loss is exactly 0. The runs go to a local process pool by default, or to a Dask
cluster (:mod:`corridor.scenario.parallel`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from corridor.errors import CorridorError, InvalidRequestError
from corridor.model import check_month, check_objective
from corridor.network import DEFAULT_YEAR, Network, check_year, load_network
from corridor.options import seconds
from corridor.planning import Plan, plan, read_demand
from corridor.planning.request import OBJECTIVES
from corridor.progress import ProgressCallback
from corridor.scenario.elements import element_flows, element_name, transfer_key
from corridor.scenario.parallel import check_workers, run_all
from corridor.scenario.patch import Close, Scenario
from corridor.tables import read_csv_table

if TYPE_CHECKING:
    import folium

KINDS = ("legs", "crossings", "transfers")
"""The kinds of element that can be closed, as the scenario tables name them."""
SHOWN_REROUTES = 3
"""Flows named in a row's ``rerouted`` text (largest first)."""
COLUMNS = [
    "kind",
    "name",
    "loss_usd_per_day",
    "unserved_teu_per_day",
    "cost_usd_per_day",
    "rerouted_teu_per_day",
    "rerouted",
    "baseline_teu_per_day",
    "status",
    "message",
]
"""The ranking's columns (its index is the element: an id, or ``place:mode>mode``)."""


@dataclass(frozen=True)
class Criticality:
    """Elements ranked by the loss their closure causes, most critical first.

    ``ranking`` has one row per element closed (index: its id, or ``place:mode>mode`` for a
    transfer): ``loss_usd_per_day`` (rise of the plan objective), ``unserved_teu_per_day``
    and ``cost_usd_per_day`` (change against the baseline), ``rerouted_teu_per_day`` (TEU/day
    of the baseline's routes that are no longer used, served otherwise or not at all),
    ``rerouted`` (the largest such flows), ``baseline_teu_per_day`` (flow through the element
    in the baseline), ``status`` (``ok``, ``no flow``: not re-planned, or the error) and
    ``message``.
    """

    ranking: pd.DataFrame
    baseline: dict[str, float]
    """The baseline plan's objective and totals (USD/day, TEU/day)."""
    network: Network
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The main table: :attr:`ranking`."""
        return self.ranking

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: year, baseline figures, the ranking (one record each), notes."""
        records = json.loads(self.ranking.reset_index(names="element").to_json(orient="records"))
        return {
            "year": self.network.year,
            "baseline": self.baseline,
            "ranking": records,
            "notes": list(self.notes),
        }

    def explain(self, top: int = 10) -> str:
        """The ``top`` elements in words, and the notes."""
        lines = [
            f"{len(self.ranking)} elements closed one at a time, {self.network.year}; baseline "
            f"objective {self.baseline['objective_usd_per_day']:,.0f} USD/day"
        ]
        for element, row in self.ranking.head(top).iterrows():
            lines.append(
                f"{element} ({row['kind']}): +{row['loss_usd_per_day']:,.0f} USD/day, "
                f"{row['unserved_teu_per_day']:+,.1f} TEU/day unserved, "
                f"{row['rerouted_teu_per_day']:,.1f} TEU/day rerouted"
                + (f" ({row['rerouted']})" if row["rerouted"] else "")
            )
        return "\n".join([*lines, *(f"note: {note}" for note in self.notes)])

    def map(self) -> folium.Map:
        """An HTML map coloured by loss (see :func:`corridor.render.maps.criticality_map`)."""
        from corridor.render.maps import criticality_map

        return criticality_map(self)

    def __repr__(self) -> str:
        top = self.ranking.head(1)
        first = "" if top.empty else f"; top: {top.index[0]}"
        return f"<Criticality {self.network.year}: {len(self.ranking)} elements{first}>"


def criticality(
    demand: pd.DataFrame | Iterable[dict[str, Any]] | str | Path,
    *,
    year: int | None = None,
    data_dir: str | Path | None = None,
    elements: str | Iterable[str] = "all",
    objective: str = "cost",
    month: int | None = None,
    time_limit_s: float | None = None,
    workers: int | None = None,
    dask_address: str | None = None,
    progress: bool | ProgressCallback = False,
) -> Criticality:
    """Close each element in turn, plan ``demand`` on the rest, rank by the loss.

    Parameters
    ----------
    demand
        A demand table, as :func:`corridor.plan` takes it.
    year
        The network year (default 2026).
    data_dir
        The data folder (default: the shipped data); every run reads it.
    elements
        ``all``, or one or more of ``legs``, ``crossings`` and ``transfers``; or element ids
        (``road_ct05_lao_cai_yen_bai``, ``hekou_kim_thanh``, ``viet_tri:rail_1000>river``).
    objective, month, time_limit_s
        As :func:`corridor.plan` takes them (the time limit is each plan's).
    workers, dask_address, progress
        Where the plans run and how progress is shown
        (:func:`~corridor.scenario.parallel.run_all`).

    Raises
    ------
    InvalidRequestError
        For an unknown element kind or id, objective, month or time limit, or bad workers.
    DataError
        For a demand table with problems (checked once, before any run).
    """
    year = check_year(DEFAULT_YEAR if year is None else year)
    objective = check_objective(objective, OBJECTIVES)
    check_month(month)
    time_limit_s = None if time_limit_s is None else seconds(time_limit_s, "time_limit_s")
    workers = check_workers(workers, dask_address)
    data_dir = None if data_dir is None else Path(data_dir).resolve()  # the same for workers
    network = _network(year, data_dir)
    table = _table(demand)
    read_demand(table, network, needs_value=objective == "generalised")  # fail before any run
    options: dict[str, Any] = {"objective": objective, "month": month, "time_limit_s": time_limit_s}
    baseline = plan(table, network=network, **options)
    chosen = _elements(network, elements)
    flows = element_flows(baseline)
    for crossing in network.crossings.values():  # cleared on a leg (a flight): the leg's flow
        if crossing.leg is not None:
            flows[crossing.id] = flows.get(crossing.leg, 0.0)
    skip = baseline.optimal
    runs = [
        (_Run(kind, element, year, data_dir, table, options),)
        for kind, element in chosen
        if not (skip and flows.get(element, 0.0) == 0)
    ]
    closed = run_all(
        _closed_plan,
        runs,
        workers=workers,
        dask_address=dask_address,
        progress=progress,
        label="criticality",
    )
    outcome = {run.element: result for (run,), result in zip(runs, closed, strict=True)}
    rows = [
        _row(network, (kind, element), flows.get(element, 0.0), baseline, outcome.get(element))
        for kind, element in chosen
    ]
    ranking = pd.DataFrame(rows, index=pd.Index([e for _, e in chosen], name="element"))
    ranking = ranking.sort_values(
        ["loss_usd_per_day", "unserved_teu_per_day", "rerouted_teu_per_day"],
        ascending=False,
        kind="stable",
    )
    notes = [*baseline.notes]
    if not skip:
        notes.append("the baseline plan is not proven optimal: every element was re-planned")
    failed = int((ranking["status"] != "ok").sum() - (ranking["status"] == "no flow").sum())
    if failed:
        notes.append(f"{failed} element(s) could not be planned without: see status, message")
    return Criticality(ranking[COLUMNS], _figures(baseline), network, tuple(notes))


@functools.cache
def _network(year: int, data_dir: Path | None) -> Network:
    """The network of a year, loaded once per process (runs in one worker share it)."""
    return load_network(year, data_dir)


def _table(demand: object) -> pd.DataFrame:
    """The demand as a table that can be sent to other processes."""
    if isinstance(demand, (str, Path)):
        return read_csv_table(demand)
    if isinstance(demand, pd.DataFrame):
        return demand
    if isinstance(demand, Iterable):
        return pd.DataFrame(list(demand))
    msg = f"demand must be a DataFrame, a CSV path or a list of dicts, got {type(demand).__name__}"
    raise InvalidRequestError(msg)


def _elements(network: Network, elements: str | Iterable[str]) -> list[tuple[str, str]]:
    """(kind, id) of every element to close, in the order of the data."""
    year = network.year
    every = {
        "legs": list(network.legs),
        "crossings": list(network.crossings),
        "transfers": [
            transfer_key(t.place, t.from_mode.value, t.to_mode.value) for t in network.transfers
        ],
    }
    wanted = [elements] if isinstance(elements, str) else list(elements)
    kind_of = {element: kind for kind, ids in every.items() for element in ids}
    chosen: list[tuple[str, str]] = []
    for item in wanted:
        if item == "all":
            chosen += [(kind, e) for kind in KINDS for e in every[kind]]
        elif item in every:
            chosen += [(item, e) for e in every[item]]
        elif item in kind_of:
            chosen.append((kind_of[item], item))
        else:
            kinds = ", ".join(["all", *KINDS])
            msg = f"elements: {item!r} is no element kind ({kinds}) nor an element in {year}"
            raise InvalidRequestError(msg)
    return list(dict.fromkeys(chosen))


@dataclass(frozen=True)
class _Run:
    """One plan without one element, as sent to a worker process."""

    kind: str
    element: str
    year: int
    data_dir: Path | None
    table: pd.DataFrame
    options: dict[str, Any]


def _closed_plan(run: _Run) -> dict[str, Any]:
    """Plan without one element: its figures and routes, or the error (never raised)."""
    closing = Scenario(
        name=f"close {run.element}",
        source="estimate: criticality ranking",
        operations=[Close(close=run.kind, id=run.element)],  # type: ignore[arg-type]
    )
    network = _network(run.year, run.data_dir)
    try:
        result = plan(run.table, network=closing.apply(network), **run.options)
    except CorridorError as error:
        return {"status": type(error).__name__, "message": str(error)}
    return {"status": "ok", "message": "", **_figures(result), "routes": _routes(result)}


def _figures(result: Plan) -> dict[str, float]:
    return {
        "objective_usd_per_day": float(result.objective_usd_per_day),
        "cost_usd_per_day": float(result.totals["cost_usd_per_day"]),
        "teu_per_day": float(result.totals["teu_per_day"]),
        "unserved_teu_per_day": float(result.totals["unserved_teu_per_day"]),
    }


def _routes(result: Plan) -> dict[tuple[str, ...], float]:
    """TEU/day on each route of a plan, by (origin, destination, cargo, modes, gates)."""
    keys = ["origin", "destination", "cargo", "modes", "gates"]
    routes = result.routes
    return {
        tuple(str(v) for v in cast(tuple[Any, ...], key)): float(teu)
        for key, teu in routes.groupby(keys, dropna=False)["teu_per_day"].sum().items()
    }


def _row(
    network: Network,
    closing: tuple[str, str],
    flow: float,
    baseline: Plan,
    closed: dict[str, Any] | None,
) -> dict[str, Any]:
    """One ranking row: the plan without ``closing`` (kind, id) against the baseline."""
    kind, element = closing
    row = {"kind": kind, "name": element_name(network, kind, element), "baseline_teu_per_day": flow}
    if closed is None:  # no flow in an optimal baseline: nothing changes
        changes = ("loss_usd_per_day", "unserved_teu_per_day", "cost_usd_per_day")
        unchanged = dict.fromkeys((*changes, "rerouted_teu_per_day"), 0.0)
        return row | unchanged | {"rerouted": "", "status": "no flow", "message": ""}
    if closed["status"] != "ok":
        nan = float("nan")
        return row | {
            "loss_usd_per_day": nan,
            "unserved_teu_per_day": nan,
            "cost_usd_per_day": nan,
            "rerouted_teu_per_day": nan,
            "rerouted": "",
            "status": closed["status"],
            "message": closed["message"],
        }
    base = _figures(baseline)
    lost = {
        key: teu - closed["routes"].get(key, 0.0)
        for key, teu in _routes(baseline).items()
        if teu - closed["routes"].get(key, 0.0) > 1e-6
    }
    biggest = sorted(lost.items(), key=lambda item: -item[1])[:SHOWN_REROUTES]
    return row | {
        "loss_usd_per_day": closed["objective_usd_per_day"] - base["objective_usd_per_day"],
        "unserved_teu_per_day": closed["unserved_teu_per_day"] - base["unserved_teu_per_day"],
        "cost_usd_per_day": closed["cost_usd_per_day"] - base["cost_usd_per_day"],
        "rerouted_teu_per_day": sum(lost.values()),
        "rerouted": "; ".join(
            f"{network.places[o].name} → {network.places[d].name} ({c}) {teu:,.1f} TEU/day"
            for (o, d, c, *_), teu in biggest
        ),
        "status": "ok",
        "message": "",
    }
