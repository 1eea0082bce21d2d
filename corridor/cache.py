"""The validated dataset kept on disk, so that a one-off command does not re-validate every CSV.

The cache key is a hash of the data folder's path and tables (every CSV of the dataset,
``SOURCES.md`` and the leg lines of ``leg_geometry.geojson``), of the code that reads them
and of the package version: editing a data file, or upgrading corridor, makes a new entry.
Entries live in ``$CORRIDOR_CACHE`` (a folder; ``off`` turns the cache off), else
``$XDG_CACHE_HOME/corridor`` or ``~/.cache/corridor``. A cache that cannot be read or written
is skipped without a word (logged at DEBUG): it only saves time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

from corridor.data import SOURCES_FILE, Dataset, load_dataset
from corridor.geometry import LINES_FILE
from corridor.tables import TABLE_FILES

logger = logging.getLogger(__name__)

CACHE_ENV = "CORRIDOR_CACHE"
"""Environment variable: the cache folder, or ``off``."""
_CODE = (
    "data.py",
    "rows.py",
    "tables.py",
    "model.py",
    "names.py",
    "distance.py",
    "geometry.py",
    "cache.py",
)
"""The modules whose code shapes a cached dataset (its classes and how it is read)."""


def cache_dir() -> Path | None:
    """The folder of cached datasets, or None when the cache is off."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        off = env.strip().lower() in {"", "0", "off", "no"}
        return None if off else Path(env).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "corridor"


def dataset_key(folder: Path) -> str:
    """A hash of everything a dataset read from ``folder`` depends on (hex)."""
    from corridor import __version__

    digest = hashlib.sha256(f"{__version__}\0{folder}".encode())
    package = Path(__file__).parent
    for path in [*(package / name for name in _CODE), *_data_files(folder)]:
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing")  # reading the dataset will say what is wrong
    return digest.hexdigest()[:32]


def _data_files(folder: Path) -> list[Path]:
    tables = (folder / name for name in TABLE_FILES.values())
    return [folder / SOURCES_FILE, *tables, folder / LINES_FILE]


def cached_dataset(folder: Path, key: str) -> Dataset:
    """The dataset of ``folder`` (resolved) from the cache under ``key``, else read and kept.

    Raises
    ------
    DataError
        As :func:`~corridor.data.load_dataset`, when the files are read and one is malformed.
    """
    root = cache_dir()
    path = None if root is None else root / f"dataset-{key}.pickle"
    if path is not None:
        try:
            with path.open("rb") as file:
                dataset = pickle.load(file)
            if isinstance(dataset, Dataset) and dataset.data_dir == folder:
                logger.debug("dataset of %s from the cache %s", folder, path)
                return dataset
        except Exception:  # any broken entry is read again from the files
            logger.debug("no usable cache entry %s", path, exc_info=True)
    dataset = load_dataset(folder)
    if path is not None:
        _write(path, dataset)
    return dataset


def _write(path: Path, dataset: Dataset) -> None:
    """Write a cache entry atomically (a temporary file renamed), or skip it."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as file:
            temporary = Path(file.name)
            pickle.dump(dataset, file, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.chmod(0o644)  # as other files the user writes; only its owner can change it
        temporary.replace(path)
    except (OSError, pickle.PicklingError):
        logger.debug("cannot write the cache entry %s", path, exc_info=True)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
