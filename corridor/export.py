"""Exports and maps: GeoPackage / GeoJSON files and folium HTML maps of networks and quotes.

Links are drawn as straight lines between places (no real geometry is shipped yet), coloured
by mode; planned links (not open yet) are dashed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import pandas as pd

from corridor.errors import InvalidRequestError

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.quote import Quote

MODE_COLOURS = {
    "road": "#d95f02",
    "rail_1000": "#7570b3",
    "rail_1435": "#1b9e77",
    "river": "#1f78b4",
    "sea": "#08306b",
    "air": "#e7298a",
}
"""Colour of each mode on maps."""
CENTRE = (22.4, 105.0)
"""Map centre: between Kunming and Hai Phong."""


def write_network(network: Network, path: str | Path) -> Path:
    """Write places and links to a GeoPackage (two layers) or GeoJSON (one layer each file).

    ``.gpkg`` gets layers ``places`` and ``links``; ``name.geojson`` gets ``name.places.geojson``
    and ``name.links.geojson`` beside it (GeoJSON holds one layer). EPSG:4326.

    Raises
    ------
    InvalidRequestError
        For another file extension.
    """
    path = Path(path)
    places, links = network.to_geodataframes()
    if path.suffix == ".gpkg":
        places.reset_index().to_file(path, layer="places", driver="GPKG")
        links.reset_index().to_file(path, layer="links", driver="GPKG")
    elif path.suffix == ".geojson":
        for name, frame in (("places", places), ("links", links)):
            frame.reset_index().to_file(path.with_suffix(f".{name}.geojson"), driver="GeoJSON")
    else:
        msg = f"write a .gpkg or .geojson file, not {path.name!r}"
        raise InvalidRequestError(msg)
    return path


def network_map(network: Network) -> folium.Map:
    """An HTML map of the network: links by mode (planned ones dashed), places with names."""
    places, links = network.to_geodataframes()
    later = {x.id for x in network.dataset.legs if not x.in_service(network.year)}
    everything = _with_planned(network, links, later)
    fmap = folium.Map(location=CENTRE, zoom_start=7)
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
    _legend(fmap)
    return fmap


def _with_planned(network: Network, links: gpd.GeoDataFrame, later: set[str]) -> gpd.GeoDataFrame:
    """Open links plus the planned legs of later years (flagged), for drawing."""
    frame = links.assign(planned=False)
    if not later:
        return frame
    from corridor.network import Network as _Network  # noqa: PLC0415 - avoid an import cycle

    future = _Network(network.dataset, 2200)
    _, all_links = future.to_geodataframes()
    planned = all_links.loc[all_links.index.isin(later)].assign(planned=True)
    return pd.concat([frame, planned])


def quote_map(quote: Quote) -> folium.Map:
    """An HTML map of a quote.

    Its legs are coloured by mode, transshipments and border crossings marked; tooltips give
    km, hours, USD and kg CO2e of every step.
    """
    network = quote.network
    if network is None:
        msg = "this quote carries no network to map"
        raise InvalidRequestError(msg)
    fmap = folium.Map(location=CENTRE, zoom_start=7)
    for step in quote.steps:
        a, b = network.places[step.from_place], network.places[step.to_place]
        label = (
            f"{quote.describe(step)}: {step.cost_usd:,.0f} USD, {step.hours_p50:.1f} h, "
            f"{step.co2e_kg:,.0f} kg CO2e"
        )
        if step.kind in {"leg", "border"}:
            folium.PolyLine(
                [(a.lat, a.lon), (b.lat, b.lon)],
                weight=5,
                color=MODE_COLOURS.get(step.to_mode or "", "#555"),
                dash_array="4 8" if step.kind == "border" else None,
                tooltip=label,
            ).add_to(fmap)
        if step.kind in {"transfer", "border"}:
            icon = "exchange" if step.kind == "transfer" else "flag"
            folium.Marker(
                (b.lat, b.lon), tooltip=label, icon=folium.Icon(icon=icon, prefix="fa")
            ).add_to(fmap)
    for place_id, kind in (
        (quote.shipment.origin, "origin"),
        (quote.shipment.destination, "destination"),
    ):
        place = network.places[place_id]
        folium.Marker(
            (place.lat, place.lon),
            tooltip=f"{kind}: {place.name}",
            icon=folium.Icon(color="green" if kind == "origin" else "red"),
        ).add_to(fmap)
    _legend(fmap)
    return fmap


def _legend(fmap: folium.Map) -> None:
    rows = "".join(
        f'<div><span style="color:{c}">&#9644;</span> {m}</div>' for m, c in MODE_COLOURS.items()
    )
    html = (
        '<div style="position:fixed;bottom:20px;left:20px;z-index:9999;background:white;'
        f'padding:6px;border:1px solid #999;font:12px sans-serif">{rows}</div>'
    )
    fmap.get_root().html.add_child(folium.Element(html))
