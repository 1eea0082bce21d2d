"""mkdocs hook: publish ``data/SOURCES.md`` (the dataset's bibliography) as ``sources.md``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

SOURCES = Path(__file__).parents[1] / "data" / "SOURCES.md"


def on_files(files: Files, config: Any, **_: Any) -> Files:  # noqa: ANN401 - mkdocs config
    """Add the bibliography of the data as a generated page."""
    files.append(File.generated(config, "sources.md", content=SOURCES.read_text(encoding="utf-8")))
    return files
