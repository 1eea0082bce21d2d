"""Writing output files whole or not at all.

Every file corridor writes (tables, GeoPackages, maps, charts, reports) is written to a
temporary file beside its target and renamed onto it when complete, so a failure half-way
(a full disk, an error while drawing, Ctrl-C) leaves the earlier file, or none, never a
partial one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary path to write ``path`` to, renamed onto ``path`` if the block succeeds.

    The temporary file is in the same folder (a rename within one file system is atomic)
    and keeps the extension, for writers that choose the format by it (matplotlib, GDAL).
    It is removed if the block fails.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "routes.csv"
    >>> with replacing(target) as part:
    ...     _ = part.write_text("a,b")
    >>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
    ('a,b', ['routes.csv'])
    """
    path = Path(path)
    part = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.part{path.suffix}")
    try:
        yield part
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
