"""Quote many shipments at once: one request per row, one result row each, never an exception."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from corridor.errors import CorridorError, InvalidRequestError
from corridor.model import blank
from corridor.network import Network, load_network
from corridor.options import options_of, table_cell, unknown_options
from corridor.progress import ProgressCallback, counted
from corridor.routing.request import QuoteRequest, request_year
from corridor.routing.search import quote

if TYPE_CHECKING:
    import pandas as pd

MANY_COLUMNS = [
    "origin",
    "destination",
    "status",
    "message",
    "teu",
    "tonnes",
    "cargo",
    "containers",
    "cost_usd",
    "cost",
    "currency",
    "per_usd",
    "rate_date",
    "valid_to",
    "planned_hours",
    "hours_p50",
    "hours_p90",
    "on_time_probability",
    "co2e_kg",
    "km",
    "modes",
    "transshipments",
    "gates",
    "places",
    "notes",
]
"""The columns of :func:`quote_many`'s table, in order."""
ROW_OPTIONS = frozenset(name for name, o in options_of(QuoteRequest).items() if o.cell) | {
    "origin",
    "destination",
}
"""The request fields a row may set (``year`` and ``alternatives`` are for the whole call or
for :func:`corridor.quote`)."""


def quote_many(
    requests: pd.DataFrame | Iterable[dict[str, Any]] | str | Path,
    *,
    network: Network | None = None,
    year: int | None = None,
    progress: ProgressCallback | None = None,
    **options: Any,  # noqa: ANN401 - the fields of QuoteRequest, for every row
) -> pd.DataFrame:
    """Quote many shipments; one row per request with a ``status``, never an exception.

    Each request (a DataFrame row, a dict, or a row of a CSV file given by its path) has
    ``origin`` and ``destination`` and any :class:`~corridor.routing.request.QuoteRequest`
    field that a row may set (``teu``, ``cargo``, ``deadline``, ...); ``options`` apply to
    all, ``year`` and ``network`` too.
    ``status`` is ``ok`` or the error class name, with its ``message``: a cell of the wrong
    kind (``teu="x"``) fails its own row with ``InvalidRequestError`` naming the column, and
    a number written as text (``teu="2"``, as pandas reads a CSV column with one such bad
    cell) counts as the number; an empty cell (None, NaN, "") leaves the option at its
    default.
    A quoted row gives the shipment's ``teu``, ``tonnes`` (as given, else blank),
    ``cargo`` and ``containers`` (``40HC:2``, blank for TEU) beside its totals (USD, the
    ``cost`` in the row's ``currency`` at ``per_usd`` of ``rate_date``, ``valid_to`` of the
    rate-card rows pricing it (blank: none), hours, kg CO2e, km),
    which are for the whole shipment; a failed row gives the ``teu``, ``tonnes``, ``cargo``
    and ``containers`` it asked for (blank where not given). The network (the one given,
    else that of ``year``, else that of each row's ``ready`` year or 2026) is loaded once
    per year and its service graphs are reused;
    identical requests are quoted once, which gives the same figures as quoting each (the
    Monte Carlo is seeded). ``progress`` is told (rows done, rows) after each row.

    Examples
    --------
    >>> table = quote_many([{"origin": "Kunming", "destination": "Hanoi"},
    ...                     {"origin": "Kunming", "destination": "Atlantis"}])
    >>> list(table["status"])
    ['ok', 'UnknownPlaceError']

    Raises
    ------
    InvalidRequestError
        For a misspelt keyword option (before any row), naming the one meant.
    DataError
        Only for a CSV path that cannot be read (missing, not UTF-8, a line with too many
        fields), naming the file and line.
    """
    import pandas as pd

    from corridor.tables import read_csv_table

    if isinstance(requests, str | Path):
        requests = read_csv_table(requests)
    if not isinstance(requests, pd.DataFrame | Iterable) or isinstance(requests, dict):
        msg = f"requests must be a DataFrame, a CSV path or a list of dicts, got {requests!r:.60}"
        raise InvalidRequestError(msg)
    rows: list[dict[str, Any]] = (
        cast(list[dict[str, Any]], requests.to_dict("records"))
        if isinstance(requests, pd.DataFrame)
        else list(cast(Iterable[dict[str, Any]], requests))
    )
    if "alternatives" in options:
        msg = "alternatives is not supported by quote_many"
        raise InvalidRequestError(msg)
    if unknown := options.keys() - ROW_OPTIONS:  # a misspelt keyword: no row can use it
        raise InvalidRequestError(unknown_options(unknown, QuoteRequest, "option(s)"))
    networks: dict[int, Network] = {}

    def network_for(request: QuoteRequest) -> Network | None:
        """The network given, or the one of the request's year (loaded once per year).

        None for a ``ready`` with a UTC offset and no ``year``: its year is on the origin's
        clock, which the quote finds.
        """
        if network is not None:
            return network
        if year is None and request.ready is not None and request.ready.tzinfo is not None:
            return None
        wanted = request_year(year, request.ready)
        if wanted not in networks:
            networks[wanted] = load_network(wanted)
        return networks[wanted]

    out = []
    done: dict[QuoteRequest, dict[str, Any]] = {}
    as_written: dict[tuple[tuple[str, str, Any], ...], dict[str, Any]] = {}
    for row in counted(rows, progress):
        record: dict[str, Any] = {
            "origin": _cell(row.get("origin")),
            "destination": _cell(row.get("destination")),
        }
        asked = options | {
            k: table_cell(QuoteRequest, k, v) for k, v in row.items() if not blank(v)
        }
        written = _key(asked)  # a row written as an earlier one: the same answer, no checks
        if written is not None and written in as_written:
            out.append(record | as_written[written])
            continue
        try:
            request = _request(row, options, year)
        except CorridorError as error:
            out.append(record | _failure(error, asked))
            continue
        if request in done:
            out.append(record | done[request])
            if written is not None:
                as_written[written] = done[request]
            continue
        try:
            result = quote(request, network=network_for(request))
        except CorridorError as error:
            done[request] = _failure(error, asked)
        else:
            done[request] = {
                "status": "ok",
                "message": "",
                "teu": result.shipment.teu,
                "tonnes": result.shipment.tonnes,
                "cargo": result.shipment.cargo.value,
                "containers": _boxes_text(result.shipment.containers),
                "cost_usd": result.cost_usd,
                "cost": result.cost,
                "currency": result.currency,
                "per_usd": 1.0 if result.rate is None else result.rate.per_usd,
                "rate_date": None if result.rate is None else result.rate.date,
                "valid_to": None if result.valid_to is None else result.valid_to.isoformat(),
                "planned_hours": result.planned_hours,
                "hours_p50": result.hours_p50,
                "hours_p90": result.hours_p90,
                "on_time_probability": result.on_time_probability,
                "co2e_kg": result.co2e_kg,
                "km": result.km,
                "modes": " → ".join(result.modes),
                "transshipments": len(result.transshipments),
                "gates": "; ".join(s.ref for s in result.border_crossings),
                "places": " → ".join(result.places),
                "notes": " | ".join(result.notes),
            }
        out.append(record | done[request])
        if written is not None:
            as_written[written] = done[request]
    return pd.DataFrame(out, columns=MANY_COLUMNS)


def _boxes_text(boxes: tuple[tuple[str, int], ...] | None) -> str | None:
    """Boxes as a table cell writes them: ``40HC:2|20GP:1`` (None for a shipment in TEU)."""
    return None if boxes is None else "|".join(f"{kind}:{count}" for kind, count in boxes)


def _key(asked: dict[str, Any]) -> tuple[tuple[str, str, Any], ...] | None:
    """A row as written, hashable (lists as tuples), or None if a value is not hashable.

    Each value goes with its type: ``True`` is not ``1``, nor ``2.0`` ``2`` (a row's checks
    tell them apart).
    """
    items = tuple(
        sorted(
            (k, type(v).__name__, tuple(v) if isinstance(v, list) else v) for k, v in asked.items()
        )
    )
    try:
        hash(items)
    except TypeError:
        return None
    return items


def _request(row: dict[str, Any], options: dict[str, Any], year: int | None) -> QuoteRequest:
    """The request of one row over the call's options; an error names what is wrong."""
    given = {k for k, v in row.items() if not blank(v)}
    if "year" in given:
        msg = "year cannot vary by row: pass it to quote_many for all rows"
        raise InvalidRequestError(msg)
    unsupported = {"alternatives", "network"} & given
    if unsupported:
        msg = f"{', '.join(sorted(unsupported))} is not supported by quote_many"
        raise InvalidRequestError(msg)
    return QuoteRequest.from_row(row, year=year, **options)


def _failure(error: CorridorError, asked: dict[str, Any]) -> dict[str, Any]:
    """A failed row: the error, and the shipment as requested (to tell failed rows apart)."""
    shipment = {
        k: getattr(asked[k], "value", asked[k])  # a CargoClass as its name
        for k in ("teu", "tonnes", "cargo", "containers")
        if k in asked
    }
    return {"status": type(error).__name__, "message": str(error)} | shipment


def _cell(value: object) -> object:
    """An origin or destination as written (None for a blank cell)."""
    return None if blank(value) else value
