"""Make the README's pictures: a quote map (headless Chromium screenshot) and a Pareto chart.

Run ``.venv/bin/python docs/screenshots.py``; it writes ``docs/img/quote-map.png`` and
``docs/img/pareto.png``. ``tests/test_browser.py`` uses :func:`screenshot` for its real-browser
check. Chromium comes from Debian (``apt-get install chromium``); ``make test`` installs it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import corridor
from corridor.render.charts import pareto_chart

HERE = Path(__file__).parent
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--timeout=4000",  # stop loading after 4 s (tiles may never come offline)
)
"""Headless flags: no sandbox (root in containers), no background connections (offline)."""


def chromium() -> str | None:
    """Path of the Chromium executable, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(html: Path, png: Path, size: tuple[int, int] = (1000, 700)) -> Path:
    """Open ``html`` in headless Chromium and save a screenshot of the window to ``png``."""
    browser = chromium()
    if browser is None:
        msg = "Chromium is not installed (apt-get install chromium)"
        raise FileNotFoundError(msg)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}",
                f"--screenshot={png.resolve()}",
                html.resolve().as_uri(),
            ],
            check=True,
            # Not pipes: Chromium's helper processes can hold a pipe open after it exits.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
    return png


def dump_dom(html: Path, size: tuple[int, int] = (900, 600)) -> str:
    """Open ``html`` in headless Chromium, let its scripts draw, and return the page's DOM."""
    browser = chromium()
    if browser is None:
        msg = "Chromium is not installed (apt-get install chromium)"
        raise FileNotFoundError(msg)
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                browser,
                *(flag for flag in FLAGS if not flag.startswith("--timeout")),
                f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}",
                "--virtual-time-budget=10000",  # Leaflet draws before the DOM is dumped
                "--dump-dom",
                html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
    return done.stdout


def main() -> None:
    """Write the README pictures."""
    images = HERE / "img"
    images.mkdir(exist_ok=True)
    q = corridor.quote("Kunming", "Hai Phong", 2)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "quote.html"
        q.map().save(str(page))
        screenshot(page, images / "quote-map.png")
    front = corridor.pareto("Kunming", "Hai Phong", 2)
    pareto_chart(front).savefig(images / "pareto.png", dpi=110)


if __name__ == "__main__":
    main()
