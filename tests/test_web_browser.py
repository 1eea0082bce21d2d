"""Real-browser check of the page at ``/``: headless Chromium quotes and the route is drawn."""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
import uvicorn
from matplotlib.image import imread
from test_browser import screenshots  # docs/screenshots.py: where Chromium is, its flags

from corridor import quote
from corridor.render.style import MODE_COLOURS
from corridor.web import Settings, create_app

pytestmark = pytest.mark.skipif(
    screenshots.chromium() is None,
    reason="Chromium is not installed and `make test` could not install it (apt-get needs root)",
)


def _serve(settings: Settings) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, in a thread; its URL."""
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from _serve(Settings())


def _chromium(url: str, *action: str) -> str:
    """Run headless Chromium on ``url`` until the page settles; its standard output."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                screenshots.chromium(),
                *(f for f in screenshots.FLAGS if not f.startswith("--timeout")),
                f"--user-data-dir={profile}",
                "--window-size=1200,900",
                "--virtual-time-budget=20000",  # the page's fetches and drawing finish first
                *action,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
    return done.stdout


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def test_the_page_quotes_and_draws_the_route(server, tmp_path):
    url = f"{server}/?origin=Kunming&destination=Hai%20Phong"
    dom = _chromium(url, "--dump-dom")
    expected = quote("Kunming", "Hai Phong")
    body = re.search(r"<body([^>]*)>", dom)
    assert body is not None and 'data-ready="true"' in body[1], dom[-2000:]
    assert f'data-route-steps="{len(expected.steps)}"' in body[1]
    drawn = [s for s in expected.steps if s.kind in {"leg", "border"}]
    assert len(re.findall(r'<path class="route-leg', dom)) == len(drawn)
    assert f"{expected.cost_usd:,.0f} USD" in dom  # the summary line
    assert dom.count("<tr>") == len(expected.steps) + 1  # the itemised table
    png = tmp_path / "page.png"
    _chromium(url, f"--screenshot={png}")
    pixels = imread(png)[..., :3]
    for mode in set(expected.modes) & set(MODE_COLOURS):  # each mode's line in its colour
        drawn_pixels = (np.abs(pixels - _rgb(MODE_COLOURS[mode])).max(axis=-1) < 0.02).sum()
        assert drawn_pixels > 100, mode


def test_the_page_draws_the_front_and_offers_did_you_mean(server):
    dom = _chromium(f"{server}/?origin=Kunming&destination=Hai%20Phong&front=1", "--dump-dom")
    assert dom.count("<circle data-index=") > 1  # the cost/time front
    typo = _chromium(f"{server}/?origin=Kunming&destination=Lao%20Kai", "--dump-dom")
    assert "no place 'Lao Kai'; did you mean" in typo
    assert "did you mean Lao Cai?</button>" in typo


def test_with_an_api_key_the_page_asks_for_it():
    for url in _serve(Settings(api_key="s3cret")):
        dom = _chromium(f"{url}/?origin=Kunming&destination=Hanoi", "--dump-dom")
        assert "missing or wrong API key (header X-API-Key)" in dom
        assert re.search(r'<label id="key-label">', dom)  # shown, no longer hidden
        assert "data-route-steps" not in dom
