"""Folium HTML maps of networks, quotes, Pareto fronts and plans.

Links are drawn along their lines (a leg's line from the data, else straight between its
places; parallel links set apart: :mod:`corridor.render.lines`), coloured by mode; planned
links (not open yet) are dashed. Every map carries Leaflet inline (see
``corridor/assets/leaflet``), so it opens without network access; only the background tiles
are fetched by the browser.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING

import branca.colormap
import folium
import geopandas as gpd
import pandas as pd

from corridor.errors import InvalidRequestError
from corridor.render.geo import link_loads, network_of
from corridor.render.lines import drawn_links, drawn_step
from corridor.render.style import (
    LOSS_COLOURS,
    MODE_COLOURS,
    NO_LOSS_COLOUR,
    UNLIMITED_COLOUR,
    UTILISATION_COLOURS,
    width_steps,
)

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.planning import Plan
    from corridor.routing import Quote, Step
    from corridor.scenario import Criticality

CENTRE = (22.4, 105.0)
"""Map centre: between Kunming and Hai Phong."""
MARKERS = {"transfer": "⇄", "border": "⚑"}
"""Glyph drawn at transshipments and border crossings."""


def base_map(*, legend: bool = True) -> folium.Map:
    """An empty corridor map with Leaflet inline and (by default) a legend of mode colours."""
    fmap = folium.Map(location=CENTRE, zoom_start=7)
    # Only Leaflet itself is needed (no jQuery/Bootstrap/awesome-markers): inline it.
    fmap.default_js = [("leaflet", _leaflet_js())]
    fmap.default_css = [("leaflet_css", _leaflet_css())]
    if legend:
        _legend(fmap)
    return fmap


def network_map(network: Network) -> folium.Map:
    """An HTML map of the network: links by mode (planned ones dashed), places with names."""
    places, _ = network.to_geodataframes()
    later = {x.id for x in network.dataset.legs if not x.in_service(network.year)}
    everything = _with_planned(network, drawn_links(network), later)
    fmap = base_map()
    for row in everything.itertuples():
        coords = [(lat, lon) for lon, lat in row.geometry.coords]
        tooltip = f"{row.Index}: {row.mode}, {row.km:,.0f} km" + (
            f", opens {int(row.opens)}" if pd.notna(row.opens) else ""
        )
        folium.PolyLine(
            coords,
            color=MODE_COLOURS.get(row.mode, "#555"),
            weight=3,
            dash_array="6 6" if row.planned else None,
            tooltip=tooltip,
        ).add_to(fmap)
    for place_id, row in places.iterrows():
        folium.CircleMarker(
            (row.lat, row.lon),
            radius=4,
            color="#333",
            fill=True,
            tooltip=f"{row['name']} ({place_id}), {row.kind}",
        ).add_to(fmap)
    return fmap


def _with_planned(network: Network, links: gpd.GeoDataFrame, later: set[str]) -> gpd.GeoDataFrame:
    """Open links plus the planned legs of later years (flagged), for drawing."""
    frame = links.assign(planned=False)
    if not later:
        return frame
    future = type(network)(network.dataset, 2200)  # every planned element open
    all_links = drawn_links(future)
    planned = all_links.loc[all_links.index.isin(later)].assign(planned=True)
    return pd.concat([frame, planned])


def quote_map(quote: Quote) -> folium.Map:
    """An HTML map of a quote.

    Its legs are coloured by mode, transshipments and border crossings marked; tooltips give
    km, hours, USD and kg CO2e of every step.
    """
    fmap = base_map()
    _context(network_of(quote), fmap)
    _draw_route(quote, fmap)
    _ends(quote, fmap)
    _fit(fmap, [quote])
    return fmap


def pareto_map(quotes: Sequence[Quote]) -> folium.Map:
    """An HTML map of several routes (a Pareto front or alternatives), one layer each.

    The layer control switches routes on and off; each layer is named by its rank, USD, hours
    and kg CO2e.

    Raises
    ------
    InvalidRequestError
        For an empty list.
    """
    if not quotes:
        msg = "no routes to map"
        raise InvalidRequestError(msg)
    fmap = base_map()
    _context(network_of(quotes[0]), fmap)
    for rank, q in enumerate(quotes, 1):
        name = (
            f"{rank}: {' → '.join(q.modes)}, {q.cost_usd:,.0f} USD, {q.planned_hours:.0f} h, "
            f"{q.co2e_kg:,.0f} kg CO2e"
        )
        layer = folium.FeatureGroup(name=name, show=rank == 1)
        _draw_route(q, layer)
        layer.add_to(fmap)
    _ends(quotes[0], fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    _fit(fmap, quotes)
    return fmap


def plan_map(plan: Plan) -> folium.Map:
    """An HTML map of a plan: loaded links with width by flow, colour by utilisation.

    Both directions of a link are drawn as one line (width by their sum, colour by the more
    utilised); its tooltip gives each direction's TEU/day, utilisation and what one more
    TEU/day of capacity saves (the shadow price when that was not re-solved). Links without
    a capacity in the data are drawn first and fainter, then the others from the least to
    the most utilised, so that a saturated link shows on top of a busy road beside it. The
    legend gives the colours and the width of a few flows (TEU/day).
    """
    fmap = base_map(legend=False)
    _context(plan.network, fmap)
    heaviest = draw_loads(plan, fmap)
    _add_html(fmap, loads_legend(heaviest), "bottom:20px;right:20px")
    return fmap


LOAD_WIDTH_PX = (2.0, 12.0)
"""Plan maps: a loaded link's line width, px: the first figure plus the second times its
TEU/day over the heaviest link's."""
UNLIMITED_OPACITY = 0.45
"""Plan maps: opacity of a loaded link without a capacity (drawn under the others)."""


def load_width(teu_per_day: float, heaviest: float) -> float:
    """The line width (px) of a link with ``teu_per_day`` when the heaviest has ``heaviest``."""
    low, span = LOAD_WIDTH_PX
    return low + span * teu_per_day / heaviest


def draw_loads(
    plan: Plan, parent: folium.Map | folium.FeatureGroup, *, heaviest: float | None = None
) -> float:
    """Draw a plan's loaded links on ``parent`` (see :func:`plan_map`); the TEU/day of width.

    ``heaviest`` is the TEU/day drawn at the widest (default: the plan's heaviest link), so
    that several plans drawn on one scale compare. Returns the ``heaviest`` used.
    """
    loads = link_loads(plan)
    limited = loads["utilisation"].notna()
    loads = pd.concat([loads[~limited], loads[limited].sort_values("utilisation")])
    if heaviest is None:
        heaviest = max(float(loads["teu_per_day"].max()), 1.0) if not loads.empty else 1.0
    colours = branca.colormap.LinearColormap(UTILISATION_COLOURS, vmin=0.0, vmax=1.0)
    for row in loads.itertuples():
        has_capacity = pd.notna(row.utilisation)
        folium.PolyLine(
            [(lat, lon) for lon, lat in row.geometry.coords],
            color=colours(min(row.utilisation, 1.0)) if has_capacity else UNLIMITED_COLOUR,
            weight=load_width(row.teu_per_day, heaviest),
            opacity=0.85 if has_capacity else UNLIMITED_OPACITY,
            tooltip=row.tooltip,
        ).add_to(parent)
    return heaviest


def _width_key(heaviest: float, colour: str = "#555") -> str:
    """Legend lines: the width of a few flows, TEU/day."""
    return " ".join(
        f'<span style="display:inline-block;width:28px;height:{load_width(teu, heaviest):.0f}px;'
        f'background:{colour};vertical-align:middle"></span> {teu:,.0f}'
        for teu in width_steps(heaviest)
    )


def loads_legend(heaviest: float) -> str:
    """The legend of a plan map: utilisation colours, links without capacity, widths."""
    return (
        "utilisation 0 % "
        f'<span style="display:inline-block;width:120px;height:10px;background:linear-gradient('
        f'to right,{",".join(UTILISATION_COLOURS)})"></span> 100 %; '
        f'<span style="color:{UNLIMITED_COLOUR}">&#9644;</span> no capacity given (drawn '
        f"underneath)<br>width, TEU/day (both directions): {_width_key(heaviest)}"
    )


def criticality_map(result: Criticality) -> folium.Map:
    """An HTML map of a criticality ranking: each leg and crossing coloured by its loss.

    The colour grows with the square root of the loss (USD/day), so that the few elements
    whose closure leaves demand unserved do not wash out the rest; elements whose closure
    costs nothing are grey, those that could not be planned without dashed black. A transfer
    is a circle at its place, coloured as its costliest transfer there. Tooltips give the
    loss, the TEU/day left unserved and the rank.
    """
    ranking = result.ranking
    links = drawn_links(result.network)
    largest = max(float(ranking["loss_usd_per_day"].max(skipna=True) or 0.0), 1.0)
    colours = branca.colormap.LinearColormap(LOSS_COLOURS, vmin=0.0, vmax=largest**0.5)
    rank = {element: i for i, element in enumerate(ranking.index, 1)}
    fmap = base_map(legend=False)

    def style(element: str) -> tuple[str, str, str | None]:
        row = ranking.loc[element]
        loss = row["loss_usd_per_day"]
        tip = f"#{rank[element]} {row['name']} ({element}): " + (
            f"closing it is not planned: {row['message']}"
            if pd.isna(loss)
            else f"+{loss:,.0f} USD/day, {row['unserved_teu_per_day']:+,.1f} TEU/day unserved"
        )
        if pd.isna(loss):
            return "#000000", tip, "4 4"
        return (colours(loss**0.5) if loss > 0 else NO_LOSS_COLOUR), tip, None

    for element, row in links.sort_index().iterrows():
        if element not in ranking.index:
            continue
        colour, tip, dash = style(str(element))
        folium.PolyLine(
            [(lat, lon) for lon, lat in row.geometry.coords],
            color=colour,
            weight=5 if colour != NO_LOSS_COLOUR else 2,
            dash_array=dash,
            tooltip=tip,
        ).add_to(fmap)
    transfers = ranking[ranking["kind"] == "transfers"]
    worst = transfers.assign(place=[e.split(":", 1)[0] for e in transfers.index])
    for place_id, group in worst.sort_values("loss_usd_per_day").groupby("place", sort=False):
        place = result.network.places[place_id]
        colour, tip, _ = style(str(group.index[-1]))
        folium.CircleMarker(
            (place.lat, place.lon), radius=7, color=colour, fill=True, fill_opacity=0.9, tooltip=tip
        ).add_to(fmap)
    _add_html(
        fmap,
        "loss when closed: 0 "
        f'<span style="display:inline-block;width:120px;height:10px;background:linear-gradient('
        f'to right,{",".join(LOSS_COLOURS)})"></span> {largest:,.0f} USD/day (square-root '
        f'scale); <span style="color:{NO_LOSS_COLOUR}">&#9644;</span> no loss; circles: '
        "transfers",
        "bottom:20px;right:20px",
    )
    return fmap


def _context(network: Network, fmap: folium.Map) -> None:
    """The whole network in faint grey, and its places, under a route or plan."""
    places, _ = network.to_geodataframes()
    links = drawn_links(network)
    for row in links.itertuples():
        folium.PolyLine(
            [(lat, lon) for lon, lat in row.geometry.coords],
            color="#888",
            weight=1.5,
            opacity=0.5,
            tooltip=f"{row.Index}: {row.mode}, {row.km:,.0f} km",
        ).add_to(fmap)
    for place_id, row in places.iterrows():
        folium.CircleMarker(
            (row.lat, row.lon), radius=2, color="#666", tooltip=f"{row['name']} ({place_id})"
        ).add_to(fmap)


def _draw_route(quote: Quote, parent: folium.Map | folium.FeatureGroup) -> None:
    network = network_of(quote)
    for step in quote.steps:
        a, b = quote.place(step.from_place), quote.place(step.to_place)
        label = _label(quote, step)
        if step.kind == "drayage":  # an estimate: straight, dotted
            folium.PolyLine(
                [(a.lat, a.lon), (b.lat, b.lon)],
                weight=4,
                color=MODE_COLOURS.get(step.to_mode or "", "#555"),
                dash_array="2 6",
                tooltip=label,
            ).add_to(parent)
        if step.kind in {"leg", "border"}:
            folium.PolyLine(
                drawn_step(network, step),
                weight=5,
                color=MODE_COLOURS.get(step.to_mode or "", "#555"),
                dash_array="4 8" if step.kind == "border" else None,
                tooltip=label,
            ).add_to(parent)
        if step.kind in MARKERS:
            folium.Marker(
                (b.lat, b.lon), tooltip=label, icon=_glyph(MARKERS[step.kind], "#333")
            ).add_to(parent)


def _ends(quote: Quote, parent: folium.Map) -> None:
    for place_id, kind, colour in (
        (quote.shipment.origin, "origin", "#1a9850"),
        (quote.shipment.destination, "destination", "#d73027"),
    ):
        place = quote.place(place_id)
        folium.Marker(
            (place.lat, place.lon), tooltip=f"{kind}: {place.name}", icon=_glyph("●", colour)
        ).add_to(parent)


def _fit(fmap: folium.Map, quotes: Sequence[Quote]) -> None:
    """Zoom to the places the routes touch."""
    places = [q.place(p) for q in quotes for s in q.steps for p in (s.from_place, s.to_place)]
    fmap.fit_bounds(
        [
            (min(p.lat for p in places), min(p.lon for p in places)),
            (max(p.lat for p in places), max(p.lon for p in places)),
        ],
        padding=(30, 30),
    )


def _label(quote: Quote, step: Step) -> str:
    return (
        f"{quote.describe(step)}: {step.cost_usd:,.0f} USD, {step.hours_p50:.1f} h, "
        f"{step.co2e_kg:,.0f} kg CO2e"
    )


def _glyph(text: str, colour: str) -> folium.DivIcon:
    """A marker drawn as a character (plain Leaflet ``divIcon``, no icon font needed)."""
    return folium.DivIcon(
        html=(
            f'<div style="font:bold 18px sans-serif;color:{colour};'
            f'text-shadow:0 0 3px white">{text}</div>'
        ),
        icon_size=(18, 18),
        icon_anchor=(9, 9),
    )


def _legend(fmap: folium.Map) -> None:
    rows = "".join(
        f'<div><span style="color:{c}">&#9644;</span> {m}</div>' for m, c in MODE_COLOURS.items()
    )
    _add_html(fmap, rows, "bottom:20px;left:20px")


def _add_html(fmap: folium.Map, content: str, position: str, *, fixed: bool = True) -> None:
    """A box on the map (legends).

    Fixed in the window, or (``fixed=False``) placed in the element that holds the map, for a
    map embedded in a page (the report).
    """
    where = "fixed" if fixed else "absolute"
    html = (
        f'<div style="position:{where};{position};z-index:9999;background:white;'
        f'padding:6px;border:1px solid #999;font:12px sans-serif">{content}</div>'
    )
    fmap.get_root().html.add_child(folium.Element(html))


def _asset(name: str) -> bytes:
    return resources.files("corridor").joinpath("assets", "leaflet", name).read_bytes()


def _data_url(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


@functools.cache
def _leaflet_js() -> str:
    return _data_url(_asset("leaflet.js"), "text/javascript")


@functools.cache
def _leaflet_css() -> str:
    """Leaflet's CSS with its layer-control images inlined too."""
    css = _asset("leaflet.css").decode("utf-8")

    def inline(match: re.Match[str]) -> str:
        name = match.group(1)
        if not (resources.files("corridor") / "assets" / "leaflet" / name).is_file():
            return match.group(0)  # marker images: unused, corridor draws its own markers
        return f"url({_data_url(_asset(name), 'image/png')})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
    return _data_url(css.encode("utf-8"), "text/css")
