"""Results and the network as GeoDataFrames and files: GeoPackage, GeoJSON, CSV (EPSG:4326).

Links are their :meth:`~corridor.network.Network.line`: a leg's line where the data give one
(``data/leg_geometry.geojson``), else straight between its places.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point

from corridor.errors import InvalidRequestError
from corridor.outputs import replacing

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.planning import Plan
    from corridor.routing import Quote


def write_network(network: Network, path: str | Path) -> list[Path]:
    """Write places and links to a GeoPackage (two layers) or GeoJSON (one layer each file).

    ``.gpkg`` gets layers ``places`` and ``links``; ``name.geojson`` gets ``name.places.geojson``
    and ``name.links.geojson`` beside it (GeoJSON holds one layer). EPSG:4326. Returns the
    files written.

    Raises
    ------
    InvalidRequestError
        For another file extension.
    """
    places, links = network.to_geodataframes()
    return write_layers({"places": places, "links": links}, path)


def network_geojson(network: Network) -> dict[str, Any]:
    """The network as one GeoJSON FeatureCollection (EPSG:4326): places, then links.

    Each feature's ``id`` is the place, leg or crossing id and its ``layer`` property
    ``place`` or ``link``; the other properties are the columns of
    :meth:`~corridor.network.Network.to_geodataframes` (missing values as null).
    """
    places, links = network.to_geodataframes()
    features = []
    for layer, frame in (("place", places), ("link", links)):
        collection = json.loads(frame.to_json(na="null", drop_id=False))
        for feature in collection["features"]:
            feature["properties"] = {"layer": layer} | feature["properties"]
            features.append(feature)
    return {"type": "FeatureCollection", "year": network.year, "features": features}


def write_layers(layers: dict[str, gpd.GeoDataFrame], path: str | Path) -> list[Path]:
    """Write GeoDataFrames as layers of one GeoPackage, or one GeoJSON file per layer.

    ``name.geojson`` becomes ``name.<layer>.geojson`` for each layer. An existing GeoPackage
    is replaced, not added to, so it holds no layer of an earlier export. Returns the files
    written: ``[path]`` for a GeoPackage, one ``name.<layer>.geojson`` per layer for GeoJSON.

    Raises
    ------
    InvalidRequestError
        For another file extension.
    """
    path = Path(path)
    suffix = path.suffix.lower()  # X.GPKG as x.gpkg
    if suffix not in {".gpkg", ".geojson"}:
        msg = f"write a .gpkg or .geojson file, not {path.name!r}"
        raise InvalidRequestError(msg)
    if suffix == ".gpkg":  # a new file, so that it holds no layer of an earlier export
        with replacing(path) as part:
            for name, frame in layers.items():
                _with_ids(frame).to_file(part, layer=name, driver="GPKG")
        return [path]
    written = []
    for name, frame in layers.items():
        target = path.with_suffix(f".{name}{path.suffix}")
        with replacing(target) as part:
            _with_ids(frame).to_file(part, driver="GeoJSON")
        written.append(target)
    return written


def _with_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a named index (ids, step numbers) as columns; a plain 0, 1, ... dropped."""
    named = isinstance(frame.index, pd.MultiIndex) or frame.index.name is not None
    return frame.reset_index() if named else frame


def quote_geodataframe(quote: Quote) -> gpd.GeoDataFrame:
    """The steps of a quote with geometry, EPSG:4326, indexed by ``step`` (0: loading).

    Legs and land border crossings are their lines (:meth:`~corridor.network.Network.line`)
    in the direction of travel; transshipments, loading, unloading and customs at an airport
    are points at their place.
    """
    network = network_of(quote)
    geometry = []
    for step in quote.steps:
        a, b = quote.place(step.from_place), quote.place(step.to_place)
        if a.id == b.id:
            geometry.append(Point(a.lon, a.lat))
        elif step.ref in network.legs or step.ref in network.crossings:
            geometry.append(_step_line(network, step))
        else:  # an estimated drayage from or to a gazetteer town or a point: straight
            geometry.append(LineString([(a.lon, a.lat), (b.lon, b.lat)]))
    frame = quote.to_frame().assign(description=[quote.describe(s) for s in quote.steps])
    frame.index.name = "step"
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def _step_line(network: Network, step: Any) -> LineString:  # noqa: ANN401 - a Step
    """A moving step's line from its first place to its second (straight if not a link)."""
    if step.ref in network.legs or step.ref in network.crossings:
        return LineString(network.line(step.ref, step.from_place))
    a, b = network.places[step.from_place], network.places[step.to_place]
    return LineString([(a.lon, a.lat), (b.lon, b.lat)])


def routes_geodataframe(quotes: Sequence[Quote]) -> gpd.GeoDataFrame:
    """The steps of several routes in one table, indexed by ``route`` and ``step``.

    ``route`` is 1 for the first quote (the best of ``quote(..., alternatives=n)``); the
    columns are those of :func:`quote_geodataframe`.
    """
    frames = {rank: quote_geodataframe(q) for rank, q in enumerate(quotes, 1)}
    return gpd.GeoDataFrame(pd.concat(frames, names=["route"]), crs="EPSG:4326")


def quote_layers(quote: Quote | Sequence[Quote]) -> dict[str, gpd.GeoDataFrame]:
    """The steps of a quote, or of several routes, as two layers of one geometry type each.

    ``legs``: lines, the steps between two places (legs, land border crossings);
    ``stops``: points, the steps at one place (loading, transshipments, customs at an
    airport, unloading). Each row keeps its ``step``, its position in the route, and for
    several routes its ``route`` (:func:`routes_geodataframe`).
    """
    frame = _steps(quote)
    lines = (frame.geom_type == "LineString").to_numpy()
    return {"legs": frame[lines], "stops": frame[~lines]}


def write_quote(quote: Quote | Sequence[Quote], path: str | Path) -> list[Path]:
    """Write the steps of a quote or of several routes: GeoPackage, GeoJSON or CSV.

    ``.gpkg`` gets layers ``legs`` (lines) and ``stops`` (points), see :func:`quote_layers`;
    ``name.geojson`` gets ``name.legs.geojson`` and ``name.stops.geojson`` beside it;
    ``.csv`` gets every step in order, geometry as WKT. Several routes (a list of quotes)
    go in the same files with a ``route`` column, 1 for the first. EPSG:4326. Returns the
    files written.

    Raises
    ------
    InvalidRequestError
        For another file extension, or an empty list of quotes.
    """
    path = Path(path)
    if path.suffix.lower() in {".gpkg", ".geojson"}:
        return write_layers(quote_layers(quote), path)
    return [write_table(_steps(quote), path)]  # a .csv, or the error


def _steps(quote: Quote | Sequence[Quote]) -> gpd.GeoDataFrame:
    """:func:`quote_geodataframe` of one quote, :func:`routes_geodataframe` of several.

    Raises
    ------
    InvalidRequestError
        For an empty sequence of quotes.
    """
    if not isinstance(quote, Sequence):
        return quote_geodataframe(quote)
    if not quote:
        msg = "no route to write: the list of quotes is empty"
        raise InvalidRequestError(msg)
    return routes_geodataframe(quote)


def write_table(frame: pd.DataFrame, path: str | Path, *, layer: str | None = None) -> Path:
    """Write one table by extension: ``.csv`` (geometry as WKT), ``.gpkg`` or ``.geojson``.

    A GeoPackage gets one layer, ``layer`` or else named after the file. A named index
    (ids) becomes a column in each format, a plain row number does not. Returns ``path``.

    Raises
    ------
    InvalidRequestError
        For another extension, or a spatial format for a table without geometry.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".gpkg", ".geojson"}:
        msg = f"write a .csv, .gpkg or .geojson file, not {path.name!r}"
        raise InvalidRequestError(msg)
    if suffix == ".csv":
        table = frame.to_wkt() if isinstance(frame, gpd.GeoDataFrame) else frame
        with replacing(path) as part:
            _with_ids(table).to_csv(part, index=False)
    elif not isinstance(frame, gpd.GeoDataFrame):
        msg = f"this table has no geometry: write a .csv file, not {path.name!r}"
        raise InvalidRequestError(msg)
    elif suffix == ".geojson":
        with replacing(path) as part:
            frame.to_file(part, driver="GeoJSON")
    else:
        write_layers({layer or path.stem: frame}, path)
    return path


def link_loads(plan: Plan) -> gpd.GeoDataFrame:
    """A plan's loaded links for drawing: one row per link, both directions together.

    ``teu_per_day`` is the sum of the directions, ``utilisation`` the higher of them (NaN
    without a capacity), ``tooltip`` a line per direction; the geometry is the link's drawn
    line (:func:`corridor.render.lines.drawn_lines`: parallel links set apart). See
    :meth:`corridor.planning.Plan.to_geodataframe` for one row per direction.
    """
    from corridor.render.lines import drawn_lines

    loads = plan.to_geodataframe()
    tips = [direction_tip(row) for row in loads.itertuples()]
    loads = loads.assign(tooltip=tips)
    links = loads.groupby("ref", sort=False).agg(
        mode=("mode", "first"),
        teu_per_day=("teu_per_day", "sum"),
        utilisation=("utilisation", "max"),
        tooltip=("tooltip", "; ".join),
        geometry=("geometry", "first"),
    )
    links["tooltip"] = [
        f"{ref} ({mode}): {tip}"
        for ref, mode, tip in zip(links.index, links["mode"], links["tooltip"], strict=True)
    ]
    drawn = drawn_lines(plan.network)
    links["geometry"] = [
        LineString(drawn[ref]) if ref in drawn else line
        for ref, line in zip(links.index, links["geometry"], strict=True)
    ]
    return gpd.GeoDataFrame(links.reset_index(), geometry="geometry", crs=loads.crs)


def link_changes(base: Plan, new: Plan) -> gpd.GeoDataFrame:
    """The links whose flow differs between two plans, both directions together.

    One row per link (``ref``) with ``mode``, ``before`` and ``after`` (TEU/day), ``change``
    (after − before), a ``tooltip`` and the line (the new plan's, else the old one's). Changes
    under :data:`MOVED_TEU_PER_DAY` are left out (solver noise).
    """
    old, now = link_loads(base).set_index("ref"), link_loads(new).set_index("ref")
    refs = list(dict.fromkeys([*now.index, *old.index]))
    before = old["teu_per_day"].reindex(refs, fill_value=0.0)
    after = now["teu_per_day"].reindex(refs, fill_value=0.0)
    change = after - before
    moved = [ref for ref in refs if abs(change[ref]) >= MOVED_TEU_PER_DAY]
    geometry = [now.at[r, "geometry"] if r in now.index else old.at[r, "geometry"] for r in moved]
    modes = [now.at[r, "mode"] if r in now.index else old.at[r, "mode"] for r in moved]
    frame = pd.DataFrame(
        {
            "ref": moved,
            "mode": modes,
            "before": before[moved].to_numpy(),
            "after": after[moved].to_numpy(),
            "change": change[moved].to_numpy(),
        }
    )
    frame["tooltip"] = [
        f"{r.ref} ({r.mode}): {r.before:,.0f} → {r.after:,.0f} TEU/day ({r.change:+,.0f})"
        for r in frame.itertuples()
    ]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


MOVED_TEU_PER_DAY = 0.05
"""A change of flow smaller than this (TEU/day) is no change on a difference map."""


def network_of(quote: Quote) -> Network:
    """The network a quote was found on (maps and files need its places)."""
    if quote.network is None:
        msg = "this quote carries no network to map"
        raise InvalidRequestError(msg)
    return quote.network


def direction_tip(row: Any) -> str:  # noqa: ANN401 - a row of Plan.to_geodataframe()
    """One direction of a loaded link: places, TEU/day, utilisation, value of capacity."""
    tip = f"{row.from_place} → {row.to_place} {row.teu_per_day:,.0f} TEU/day"
    if pd.notna(row.utilisation):
        tip += f", {row.utilisation:.0%} of {row.capacity_teu_day:,.0f}"
    saving, price = row.marginal_saving_usd, row.shadow_price_usd
    if pd.notna(saving) and saving > 0:
        tip += f", one more TEU/day saves {saving:,.0f} USD/day"
    elif pd.isna(saving) and pd.notna(price) and price > 0:
        tip += f", shadow price {price:,.0f} USD/day per TEU/day"
    return tip


def plan_geodataframe(plan: Plan) -> gpd.GeoDataFrame:
    """A plan's loaded legs and border crossings, a row per link and direction.

    See :meth:`corridor.planning.Plan.to_geodataframe` for the columns.
    """
    from corridor.planning.capacities import crossing_direction

    moving = plan.arcs[plan.arcs["kind"].isin(["leg", "border"])]
    ends = [_plan_ends(plan, row) for row in moving.itertuples()]
    moving = moving.assign(
        **{
            name: pd.Series(values, index=moving.index, dtype=object)
            for name, values in (
                ("direction", [f"from {a}" for a, _ in ends]),
                ("from_place", [a for a, _ in ends]),
                ("to_place", [b for _, b in ends]),
            )
        }
    )
    keys = ["ref", "direction"]
    loads = moving.groupby(keys, as_index=False, sort=False).agg(
        kind=("kind", "first"),
        mode=("mode", "first"),
        from_place=("from_place", "first"),
        to_place=("to_place", "first"),
        km=("km", "first"),
        teu_per_day=("teu_per_day", "sum"),
    )
    limits = plan.capacities[plan.capacities["element"].isin(["leg", "border"])]
    limits = limits.drop(columns=["element", "flow_teu_day"]).rename(columns={"direction": "limit"})
    limit = [  # the direction of the capacity each row uses, as in capacity_group
        direction if kind == "leg" else crossing_direction(plan.network.crossings[ref], to)
        for kind, ref, direction, to in loads[["kind", "ref", "direction", "to_place"]].itertuples(
            index=False
        )
    ]
    loads = loads.assign(limit=pd.Series(limit, index=loads.index, dtype=object)).join(
        limits.set_index(["ref", "limit"]), on=["ref", "limit"]
    )
    loads = loads.drop(columns="limit")
    columns = ["ref", "kind", "mode", "direction", "from_place", "to_place", "km"]
    loads = loads[columns + [c for c in loads.columns if c not in columns]]
    geometry = [
        LineString(plan.network.line(ref, a))
        for ref, a in zip(loads["ref"], loads["from_place"], strict=True)
    ]
    return gpd.GeoDataFrame(loads, geometry=geometry, crs="EPSG:4326")


def _plan_ends(plan: Plan, arc: Any) -> tuple[str, str]:  # noqa: ANN401 - a row of Plan.arcs
    """The places a loaded leg or crossing arc runs between, in its direction of travel.

    A crossing's direction is its gate pair's (a flight's customs arc names the arrival
    airport at both ends), as in the ``direction`` of :attr:`capacities`.
    """
    if arc.kind == "leg":
        return arc.from_place, arc.to_place
    crossing = plan.network.crossings[arc.ref]
    if arc.to_place == crossing.cn_place:  # northbound
        return crossing.vn_place, crossing.cn_place
    return crossing.cn_place, crossing.vn_place
