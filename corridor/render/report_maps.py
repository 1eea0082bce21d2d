"""The maps of the scenario report: each case's flows, and each scenario's change of flow.

Both are folium maps with one layer per case, chosen by the radio buttons of the layer
control (one case at a time), drawn on one width scale so that cases compare. They are
embedded in the report's page itself (:func:`embedded`), Leaflet inline once, so that the
page stays one file and a browser draws the maps in its own document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import folium
import pandas as pd

from corridor.render.geo import link_changes, link_loads
from corridor.render.maps import (
    CENTRE,
    _add_html,
    _context,
    _leaflet_css,
    _leaflet_js,
    draw_loads,
    load_width,
    loads_legend,
)
from corridor.render.style import LESS_COLOUR, MORE_COLOUR, width_steps

if TYPE_CHECKING:
    from corridor.planning import Plan

LEGEND_AT = "bottom:12px;right:12px"
"""Where a report map's legend sits (CSS, inside the map's box)."""


def _layered_map() -> folium.Map:
    """An empty map whose layer control picks one case at a time.

    The tiles are an overlay outside the control, so that the cases are the control's base
    layers: radio buttons, one shown at a time.
    """
    fmap = folium.Map(location=CENTRE, zoom_start=7, tiles=None)
    fmap.default_js = [("leaflet", _leaflet_js())]
    fmap.default_css = [("leaflet_css", _leaflet_css())]
    folium.TileLayer("OpenStreetMap", overlay=True, control=False).add_to(fmap)
    return fmap


LAYERS_PX = 360
"""Room the layer control takes on the right of a report map (px): the view is fitted
to the network beside it."""


def _controls(fmap: folium.Map, result: Plan) -> None:
    """The layer control at the top right, and the view fitted to the network beside it."""
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    places = result.network.places.values()
    fmap.fit_bounds(
        [
            (min(p.lat for p in places), min(p.lon for p in places)),
            (max(p.lat for p in places), max(p.lon for p in places)),
        ],
        padding_top_left=(20, 20),
        padding_bottom_right=(LAYERS_PX, 60),
    )


def flows_map(plans: dict[str, Plan]) -> folium.Map:
    """Each case's loaded links (as :func:`corridor.render.maps.plan_map`), a layer per case.

    Every case is drawn on the width scale of the heaviest link of all cases; the first
    case is shown.
    """
    fmap = _layered_map()
    first = next(iter(plans.values()))
    _context(first.network, fmap)
    heaviest = max(
        [1.0, *(float(link_loads(p)["teu_per_day"].max()) for p in plans.values() if len(p.arcs))]
    )
    for number, (case, result) in enumerate(plans.items()):
        totals = result.totals
        name = (
            f"{case}: {totals['teu_per_day']:,.0f} TEU/day, "
            f"{totals['unserved_teu_per_day']:,.0f} unserved"
        )
        layer = folium.FeatureGroup(name=name, overlay=False, show=number == 0)
        draw_loads(result, layer, heaviest=heaviest)
        layer.add_to(fmap)
    _controls(fmap, first)
    _add_html(fmap, loads_legend(heaviest), LEGEND_AT, fixed=False)
    return fmap


def difference_map(pairs: dict[str, tuple[Plan, Plan]], against: dict[str, str]) -> folium.Map:
    """Each scenario's change of flow against its baseline, a layer per scenario.

    ``pairs``: scenario case → (its baseline's plan, its plan); ``against`` names each one's
    baseline case. A link is drawn where its TEU/day (both directions together) changed:
    red where more, blue where less, width by the size of the change on one scale for all
    scenarios; the tooltip gives both flows. A scenario that moves no flow is a layer named
    so, with nothing drawn.
    """
    fmap = _layered_map()
    first = next(iter(pairs.values()))[1]
    _context(first.network, fmap)
    changes = {case: link_changes(base, new) for case, (base, new) in pairs.items()}
    largest = max([1.0, *(float(c["change"].abs().max()) for c in changes.values() if len(c))])
    for number, (case, table) in enumerate(changes.items()):
        name = f"{case} against {against[case]}: " + (
            f"{len(table)} links changed" if len(table) else "no flow moved"
        )
        layer = folium.FeatureGroup(name=name, overlay=False, show=number == 0)
        for row in table.sort_values("change", key=abs).itertuples():
            folium.PolyLine(
                [(lat, lon) for lon, lat in row.geometry.coords],
                color=MORE_COLOUR if row.change > 0 else LESS_COLOUR,
                weight=load_width(abs(row.change), largest),
                opacity=0.85,
                tooltip=row.tooltip,
            ).add_to(layer)
        layer.add_to(fmap)
    _controls(fmap, first)
    key = " ".join(
        f'<span style="display:inline-block;width:28px;height:{load_width(teu, largest):.0f}px;'
        f'background:#555;vertical-align:middle"></span> {teu:,.0f}'
        for teu in width_steps(largest)
    )
    _add_html(
        fmap,
        f'change of TEU/day (both directions): <span style="color:{MORE_COLOUR}">&#9644;</span> '
        f'more, <span style="color:{LESS_COLOUR}">&#9644;</span> less<br>width: {key}',
        LEGEND_AT,
        fixed=False,
    )
    return fmap


def embedded(fmap: folium.Map) -> tuple[str, str]:
    """A folium map as parts of another page: (the map's element, its script).

    Leaflet itself is left out (the page loads it once: :func:`leaflet_head`), and so are
    folium's page-wide styles; the map fills the element the page puts it in.
    """
    root = fmap.get_root()
    root.render()  # folium fills in the map's parts as it renders
    return root.html.render(), f"<script>{root.script.render()}</script>"


def leaflet_head() -> str:
    """Leaflet's script and style for a page holding :func:`embedded` maps (inline)."""
    return (
        f'<script src="{_leaflet_js()}"></script>\n<link rel="stylesheet" href="{_leaflet_css()}">'
    )


def plan_tables(result: Plan) -> dict[str, pd.DataFrame]:
    """A plan's bottlenecks and unserved demand with people's names beside the ids.

    ``bottlenecks``: each saturated capacity's name, its id (``ref``, as ``--avoid`` and
    scenario files take it), direction, TEU/day, and what one more and one less TEU/day save
    and cost (USD/day); ``unserved``: origin and destination by name, cargo, TEU/day.
    """
    from corridor.scenario.elements import capacity_name, place_name

    network = result.network
    rows = result.bottlenecks
    bottlenecks = pd.DataFrame(
        {
            "capacity": [
                capacity_name(network, e, r, d)
                for e, r, d in zip(rows["element"], rows["ref"], rows["direction"], strict=True)
            ],
            "id": rows["ref"].to_numpy(),
            "TEU/day": rows["capacity_teu_day"].to_numpy(),
            "+1 TEU/day saves, USD/day": rows["marginal_saving_usd"].to_numpy(),
            "-1 TEU/day costs, USD/day": rows["marginal_cost_usd"].to_numpy(),
            "shadow price, USD/day per TEU/day": rows["shadow_price_usd"].to_numpy(),
        }
    )
    lost = result.unserved
    unserved = pd.DataFrame(
        {
            "from": [place_name(network, p) for p in lost["origin"]],
            "to": [place_name(network, p) for p in lost["destination"]],
            "cargo": lost["cargo"].to_numpy(),
            "unserved, TEU/day": lost["teu_per_day"].to_numpy(),
        }
    )
    return {"bottlenecks": bottlenecks, "unserved": unserved}
