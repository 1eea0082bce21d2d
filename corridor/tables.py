"""Reading text and CSV files with their line numbers, for errors a user can act on.

:func:`read_text` reads a data or input file as UTF-8 (a BOM is fine); :func:`read_csv_table`
reads a table a user hands in (demand, shipments) keeping each row's line in the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from corridor.errors import DataError

TABLE_FILES = {
    "places": "places.csv",
    "legs": "legs.csv",
    "transfers": "transfers.csv",
    "crossings": "border_crossings.csv",
    "tariffs": "tariffs.csv",
    "emissions": "emissions.csv",
    "cargo_profiles": "cargo_classes.csv",
    "rates": "exchange_rates.csv",
}
"""The file of each table of a :class:`~corridor.data.Dataset`, by attribute name."""


def read_text(path: Path, name: str | None = None, *, csv_header: bool = False) -> str:
    """The text of a UTF-8 file, without the byte-order mark Excel's "CSV UTF-8" writes.

    Parameters
    ----------
    path
        The file.
    name
        The file as errors name it (default: ``path``).
    csv_header
        The file is a CSV table: a decoding error also names the column, from the header.

    Raises
    ------
    DataError
        If the file is not UTF-8, naming the line (and column) of the first bad byte.
    """
    raw = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8")
        line = before.count("\n") + 1
        column = None
        if csv_header and line > 1:
            records = list(csv.reader(io.StringIO(before + "x", newline="")))
            header, fields = records[0], len(records[-1])
            column = header[fields - 1] if fields <= len(header) else None
        byte = raw[error.start : error.start + 1].hex()
        raise DataError(
            f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8",
            file=name if name is not None else str(path),
            row=line,
            column=column,
        ) from None


LINE = "line"
"""The index name of a table :func:`read_csv_table` read: each row's line in its file."""


def read_csv_table(path: str | Path) -> pd.DataFrame:
    """A CSV table (UTF-8) as text cells, indexed by each row's line in the file.

    For tables a user hands in: demand tables, shipment lists. Blank cells are ``""``; blank
    lines are skipped. The index (named :data:`LINE`) is the line each row starts on (the
    header is line 1), so errors name the line a user sees in an editor even after blank
    lines or a quoted cell that spans lines; ``attrs["file"]`` is the file.

    Raises
    ------
    DataError
        Naming the file (and line): missing, not UTF-8, empty, a line with more fields than
        the header, a column named twice.
    """
    path, name = Path(path), str(path)
    if not path.is_file():
        raise DataError(
            "a folder, not a CSV file" if path.is_dir() else "file not found", file=name
        )
    return csv_table(read_text(path, name, csv_header=True), name)


def csv_table(text: str, name: str) -> pd.DataFrame:
    """A CSV table given as text (an upload, say) as :func:`read_csv_table` reads a file.

    ``name`` is what errors call it (``attrs["file"]``).

    Raises
    ------
    DataError
        Naming ``name`` (and line): empty, a line with more fields than the header, a column
        named twice.
    """
    import pandas as pd

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        if not header:
            raise DataError("empty file", file=name)
        twice = sorted({c for c in header if header.count(c) > 1})
        if twice:
            raise DataError(f"column(s) named twice: {', '.join(twice)}", file=name, row=1)
        rows, lines, end = [], [], reader.line_num
        for record in reader:
            start, end = end + 1, reader.line_num
            if not record:
                continue
            if len(record) > len(header):
                raise DataError(
                    f"{len(record)} fields but the header has {len(header)} (a stray "
                    "comma, or a value with a comma that needs quotes?)",
                    file=name,
                    row=start,
                )
            rows.append(record + [""] * (len(header) - len(record)))
            lines.append(start)
    except csv.Error as error:
        raise DataError(f"not a readable CSV table ({error})", file=name) from None
    index = pd.Index(lines, dtype=int, name=LINE)
    table = pd.DataFrame(rows, columns=header, index=index, dtype=str)
    table.attrs["file"] = name  # for errors about the table once it has been passed on
    return table
