"""Reading text and CSV files with their line numbers, for errors a user can act on.

:func:`read_text` reads a data or input file as UTF-8 (a BOM is fine); :func:`read_csv_table`
reads a table a user hands in (demand, shipments) keeping each row's line in the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
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
    "hub_emissions": "hub_emissions.csv",
    "cargo_profiles": "cargo_classes.csv",
    "rates": "exchange_rates.csv",
    "volume_delay": "volume_delay.csv",
    "containers": "containers.csv",
}
"""The file of each table of a :class:`~corridor.data.Dataset`, by attribute name."""


MAX_FILE_BYTES = 64 * 2**20
"""The largest text file read (64 MiB): a demand table of a million rows is smaller."""
MAX_LINE_CHARS = 10_000
"""The longest line of a text file, and the longest text in a cell or field, in characters."""
MAX_ROWS = 200_000
"""The most rows of a table a user hands in (demand, shipment list)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters no text file of corridor holds (tabs and line ends are fine)."""


def read_text(
    path: Path, name: str | None = None, *, csv_header: bool = False, max_bytes: int = 0
) -> str:
    """The text of a UTF-8 file, without the byte-order mark Excel's "CSV UTF-8" writes.

    Parameters
    ----------
    path
        The file.
    name
        The file as errors name it (default: ``path``).
    csv_header
        The file is a CSV table: an error at a character also names its column.
    max_bytes
        The largest size accepted (default :data:`MAX_FILE_BYTES`).

    Raises
    ------
    DataError
        Naming the line (and column) of the first problem: a file over the size limit, bytes
        that are not UTF-8, a control character (NUL, say), a line over
        :data:`MAX_LINE_CHARS` characters.
    """
    name = name if name is not None else str(path)
    limit = max_bytes or MAX_FILE_BYTES
    size = path.stat().st_size
    if size > limit:
        msg = f"the file is {size:,} bytes; at most {limit:,} are read"
        raise DataError(msg, file=name)
    raw = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = raw[error.start : error.start + 1].hex()
        before = raw[: error.start].decode("utf-8")
        raise _error_at(
            f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8", before, name, csv_header
        ) from None
    control = _CONTROL.search(text)
    if control:
        what = f"a control character (U+{ord(control[0]):04X})"
        raise _error_at(
            f"{what}; save the file as plain text", text[: control.start()], name, csv_header
        )
    if len(text) > MAX_LINE_CHARS:  # else no line can be too long
        for number, line in enumerate(text.split("\n"), 1):
            if len(line) > MAX_LINE_CHARS:
                msg = f"a line of {len(line):,} characters; at most {MAX_LINE_CHARS:,} are read"
                raise DataError(msg, file=name, row=number)
    return text


def _error_at(message: str, before: str, name: str, csv_header: bool) -> DataError:
    """An error at the character after ``before``: its line, and column of a CSV table."""
    line = before.count("\n") + 1
    column = None
    if csv_header and line > 1:
        records = list(csv.reader(io.StringIO(before + "x", newline="")))
        header, fields = records[0], len(records[-1])
        column = header[fields - 1] if fields <= len(header) else None
    return DataError(message, file=name, row=line, column=column)


def column_key(column: object) -> object:
    """A column name as tables are read: without case or surrounding spaces (``Origin``)."""
    return column.strip().lower() if isinstance(column, str) else column


def check_columns(columns: Iterable[object], name: str) -> None:
    """Refuse a header that names a column twice, case and surrounding spaces aside.

    Tables are read without case or surrounding spaces: ``origin``, ``Origin`` and
    `` origin`` are one column.

    Raises
    ------
    DataError
        Naming the file, line 1 and the columns.
    """
    seen: dict[object, list[str]] = {}
    for column in columns:
        seen.setdefault(column_key(column), []).append(repr(column))
    twice = [" and ".join(names) for names in seen.values() if len(names) > 1]
    if twice:
        msg = f"column(s) named twice: {'; '.join(twice)} (case and spaces aside)"
        raise DataError(msg, file=name, row=1)


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
        check_columns(header, name)
        rows: list[list[str]] = []
        lines: list[int] = []
        end = reader.line_num
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
            if len(rows) == MAX_ROWS:
                msg = f"more than {MAX_ROWS:,} rows; split the table into smaller files"
                raise DataError(msg, file=name, row=start)
            if any(len(cell) > MAX_LINE_CHARS for cell in record):
                msg = f"a cell of over {MAX_LINE_CHARS:,} characters"
                raise DataError(msg, file=name, row=start)
            rows.append(record + [""] * (len(header) - len(record)))
            lines.append(start)
    except csv.Error as error:
        raise DataError(f"not a readable CSV table ({error})", file=name) from None
    index = pd.Index(lines, dtype=int, name=LINE)
    table = pd.DataFrame(rows, columns=header, index=index, dtype=str)
    table.attrs["file"] = name  # for errors about the table once it has been passed on
    return table


def read_xlsx_table(path: Path) -> pd.DataFrame:
    """The first sheet of an Excel workbook as text cells, indexed by row number.

    As :func:`read_csv_table` reads a CSV table: ``""`` for an empty cell, ``2`` for 2.0,
    the index (:data:`LINE`) the row's number in the sheet; blank rows are skipped.

    Raises
    ------
    DataError
        Naming the file (and row): missing, not a workbook, an empty sheet, a column named
        twice, more than :data:`MAX_ROWS` rows.
    """
    import pandas as pd
    from openpyxl import load_workbook

    if not path.is_file():
        raise DataError("file not found", file=str(path))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a file it cannot read
        msg = f"not a readable .xlsx workbook ({type(error).__name__})"
        raise DataError(msg, file=str(path)) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [_xlsx_text(cell) for cell in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        if not header:
            raise DataError("empty sheet", file=str(path))
        check_columns(header, str(path))
        records: list[list[str]] = []
        lines: list[int] = []
        for line, row in enumerate(rows, 2):
            cells = [_xlsx_text(cell) for cell in row[: len(header)]]
            if not any(cells):
                continue
            if len(records) == MAX_ROWS:
                msg = f"more than {MAX_ROWS:,} rows; split the table into smaller files"
                raise DataError(msg, file=str(path), row=line)
            records.append(cells + [""] * (len(header) - len(cells)))
            lines.append(line)
    finally:
        book.close()
    table = pd.DataFrame(
        records, columns=header, index=pd.Index(lines, dtype=int, name=LINE), dtype=str
    )
    table.attrs["file"] = str(path)
    return table


def _xlsx_text(cell: object) -> str:
    """An Excel cell as the text a CSV would hold: ``2`` for 2.0, ``""`` for an empty cell."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
