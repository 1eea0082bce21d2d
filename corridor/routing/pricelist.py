"""Price lists: a table of lanes (CSV or Excel) quoted row by row, written as CSV or Excel.

:func:`read_lanes` reads a forwarder's lanes table, its headers matched without case or
surrounding spaces (``Origin``, `` TEU``), and refuses a column that is no option before
any quote, naming the one meant. :func:`price_list` quotes it with
:func:`~corridor.routing.batch.quote_many` and adds what a price list shows: the price per
box and per TEU in the quote's currency, the rate and its date, a route summary and the
P50/P90 hours. :func:`write_price_list` writes it whole or not at all. openpyxl (Excel) and
pandas are imported only here, when a price list is made.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.errors import DataError, InvalidRequestError
from corridor.options import unknown_options
from corridor.outputs import replacing
from corridor.routing.batch import ROW_OPTIONS, quote_many
from corridor.routing.request import QuoteRequest, containers
from corridor.tables import column_key, read_csv_table, read_xlsx_table

if TYPE_CHECKING:
    import pandas as pd

    from corridor.network import Network
    from corridor.progress import ProgressCallback

LANE_FILES = (".csv", ".xlsx")
"""The lanes tables :func:`read_lanes` reads, and the price lists it writes."""
PRICE_COLUMNS = [
    "origin",
    "destination",
    "status",
    "message",
    "containers",
    "teu",
    "cargo",
    "currency",
    "price",
    "price_per_box",
    "price_per_teu",
    "price_usd",
    "per_usd",
    "rate_date",
    "valid_to",
    "route",
    "hours_p50",
    "hours_p90",
    "co2e_kg",
    "notes",
]
"""The columns of a price list, in order (prices in ``currency``; ``price_usd`` in USD)."""


def read_lanes(path: str | Path) -> pd.DataFrame:
    """The lanes of a CSV or Excel (.xlsx, first sheet) table, columns named as options.

    Headers are matched without case or surrounding spaces (``Origin`` is ``origin``).

    Raises
    ------
    DataError
        For a file that cannot be read (naming it and the line), of another kind, with a
        column that is no quote option (naming the one meant) or without an ``origin`` or
        ``destination`` column: before any lane is quoted.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in LANE_FILES:
        msg = f"a lanes table is a .csv or .xlsx file, got {path.name!r}"
        raise DataError(msg, file=str(path))
    table = read_csv_table(path) if suffix == ".csv" else read_xlsx_table(path)
    table.columns = [column_key(c) for c in table.columns]
    unknown = set(table.columns) - ROW_OPTIONS - {"source"}
    if unknown:
        message = unknown_options(unknown, QuoteRequest)
        raise DataError(f"{message}; no lane was quoted", file=str(path), row=1)
    missing = [c for c in ("origin", "destination") if c not in table.columns]
    if missing:
        msg = f"no {' or '.join(missing)} column; no lane was quoted"
        raise DataError(msg, file=str(path), row=1)
    return table


def price_list(
    lanes: pd.DataFrame | str | Path,
    *,
    network: Network | None = None,
    progress: ProgressCallback | None = None,
    **options: Any,  # noqa: ANN401 - the fields of QuoteRequest, for every lane
) -> pd.DataFrame:
    """Quote every lane and price it: one row per lane, columns :data:`PRICE_COLUMNS`.

    ``price`` is the lane's total in its ``currency`` (``price_usd`` in USD), at the rate
    ``per_usd`` of ``rate_date``; ``price_per_box`` divides it by the boxes of a lane given
    in ``containers`` (blank for a lane given in TEU) and ``price_per_teu`` by its TEU.
    ``valid_to`` is the last day the rate-card rows pricing the lane apply (blank when the
    shipped estimates price it all). ``route`` is the modes and the border crossings. A
    lane that cannot be quoted has its error in ``status`` and ``message`` (see
    :func:`~corridor.routing.batch.quote_many`).

    Examples
    --------
    >>> prices = price_list(__import__("pandas").DataFrame(
    ...     {"origin": ["Hanoi"], "destination": ["Hai Phong"], "containers": ["40HC:2"]}))
    >>> float(prices["price_per_box"][0]), float(prices["price_per_teu"][0])
    (186.6, 93.3)
    """
    table = read_lanes(lanes) if isinstance(lanes, str | Path) else lanes
    quoted = quote_many(table, network=network, progress=progress, **options)
    boxes = [_boxes(value) for value in quoted["containers"]]
    quoted["price"] = quoted["cost"]
    quoted["price_usd"] = quoted["cost_usd"]
    quoted["price_per_box"] = [
        price / n if n else math.nan for price, n in zip(quoted["cost"], boxes, strict=True)
    ]
    quoted["price_per_teu"] = quoted["cost"] / quoted["teu"]
    quoted["route"] = [
        f"{modes} via {gates}" if isinstance(gates, str) and gates else modes
        for modes, gates in zip(quoted["modes"], quoted["gates"], strict=True)
    ]
    return quoted.reindex(columns=PRICE_COLUMNS)


def _boxes(value: object) -> int:
    """How many boxes a ``containers`` cell holds (0 for a lane in TEU or a bad cell)."""
    if not isinstance(value, str) or not value:
        return 0
    try:
        return sum(count for _, count in containers(value, "containers"))
    except InvalidRequestError:
        return 0


def write_price_list(prices: pd.DataFrame, path: str | Path) -> None:
    """Write a price list as CSV or Excel (by the extension), whole or not at all."""
    path = Path(path)
    with replacing(path) as part:
        if path.suffix.lower() == ".xlsx":
            prices.to_excel(part, index=False, sheet_name="prices", engine="openpyxl")
        else:
            prices.to_csv(part, index=False)
