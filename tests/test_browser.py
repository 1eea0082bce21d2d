"""Real-browser checks: headless Chromium opens a generated map (the screenshot shows it) and
a scenario report (its maps are drawn)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from corridor import load_network, quote
from corridor.data import default_data_dir
from corridor.render.geo import link_changes, link_loads
from corridor.render.style import LESS_COLOUR, MODE_COLOURS, MORE_COLOUR
from corridor.scenario import Scenario, compare

SCRIPT = Path(__file__).parents[1] / "docs" / "screenshots.py"
_spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
assert _spec is not None and _spec.loader is not None
screenshots = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshots)

pytestmark = pytest.mark.skipif(
    screenshots.chromium() is None,
    reason="Chromium is not installed and `make test` could not install it (apt-get needs root)",
)


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def test_quote_map_renders_in_chromium(network, tmp_path):
    q = quote("Kunming", "Hai Phong", network=network)
    page = tmp_path / "quote.html"
    q.map().save(str(page))
    png = screenshots.screenshot(page, tmp_path / "quote.png", size=(900, 600))
    pixels = imread(png)[..., :3]
    assert pixels.shape[:2] == (600, 900)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20  # not a blank page
    for mode, colour in MODE_COLOURS.items():
        drawn = (np.abs(pixels - _rgb(colour)).max(axis=-1) < 0.02).sum()
        if mode in q.modes:  # every mode of the route is drawn as a line in its colour
            assert drawn > 100, mode
        else:  # other modes only appear in the legend
            assert drawn < 100, mode


def test_the_scenario_report_draws_its_flow_map_in_chromium(tmp_path):
    """The report's maps are drawn in the page itself: Leaflet's paths, one per link."""
    data = default_data_dir()
    result = compare(
        load_network(2026),
        [Scenario.from_yaml(data / "scenarios" / "huu-nghi-smart-gate.yaml")],
        demand=data / "demand" / "sample_2026.csv",
    )
    page = tmp_path / "report.html"
    page.write_text(result.to_html(), encoding="utf-8")
    dom = screenshots.dump_dom(page, (1300, 1000))
    flows = dom[dom.index('id="flows-map"') : dom.index('id="difference-map"')]
    paths = re.findall(r'<path class="leaflet-interactive"[^>]*>', flows)
    _, links = result.plans["baseline"].network.to_geodataframes()
    loaded = link_loads(result.plans["baseline"])
    assert len(paths) >= len(links) + len(loaded)  # the network, then the baseline's flows
    widest = max(float(w) for w in re.findall(r'stroke-width="([\d.]+)"', flows))
    heaviest = max(link_loads(p)["teu_per_day"].max() for p in result.plans.values())
    # the baseline is shown, on the scale of the heaviest link of every case
    assert widest == pytest.approx(2 + 12 * loaded["teu_per_day"].max() / heaviest)
    difference = dom[dom.index('id="difference-map"') :]
    moved = link_changes(result.plans["baseline"], result.plans[result.scenarios[0].name])
    assert len(moved) > 0
    assert len(re.findall(r'<path class="leaflet-interactive"', difference)) >= len(moved)
    for colour in (MORE_COLOUR, LESS_COLOUR):
        if (moved["change"] > 0).any() if colour == MORE_COLOUR else (moved["change"] < 0).any():
            assert f'stroke="{colour}"' in difference


def _path_points(dom: str, colour: str) -> list[int]:
    """The number of points of each SVG path Leaflet drew in ``colour`` (the route's width)."""
    paths = re.findall(rf'<path[^>]*stroke="{colour}"[^>]*stroke-width="5"[^>]*d="([^"]*)"', dom)
    return [len(re.findall(r"[ML]", d)) for d in paths]


@pytest.mark.parametrize(
    ("origin", "destination", "modes", "mode"),
    [
        ("Kunming", "Hai Phong", None, "rail_1000"),  # the Hanoi - Lao Cai line by its stations
        ("Hanoi", "Lang Son", ["road"], "road"),  # the road by Bac Giang and Chi Lang
        ("Kunming", "Hekou North", ["rail_1435"], "rail_1435"),  # by Kunyang, Tonghai, Pingbian
        ("Hanoi", "Hai Phong", ["road"], "road"),  # the CT.04 expressway by Yen My
        ("Yen Vien", "Hai Phong", ["rail_1000"], "rail_1000"),  # by Cam Giang, Hai Duong
    ],
)
def test_main_road_and_rail_legs_are_drawn_curved_in_chromium(
    network, tmp_path, origin, destination, modes, mode
):
    q = quote(origin, destination, modes=modes, network=network)
    page = tmp_path / "route.html"
    q.map().save(str(page))
    points = _path_points(screenshots.dump_dom(page), MODE_COLOURS[mode])
    assert points, f"no {mode} path drawn"
    assert max(points) > 2, points  # a polyline through its towns, not a straight segment
