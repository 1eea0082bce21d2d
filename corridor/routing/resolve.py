"""Where and when a quote request travels: its network, end places, clock, avoided and via places.

:class:`~corridor.routing.problem.Problem` resolves a request with these before it masks the
service graph; each raises the :class:`~corridor.errors.CorridorError` that names what is wrong.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from corridor import endpoints
from corridor.errors import InvalidRequestError, PlaceNotOpenError, UnknownPlaceError
from corridor.model import LOCAL_TIME, Place
from corridor.names import MAX_SUGGESTIONS
from corridor.network import DEFAULT_YEAR, Network, load_network
from corridor.routing.request import request_year


def where_and_when(
    origin: str | Place,
    destination: str | Place,
    *,
    year: int | None,
    ready: datetime | None,
    month: int | None,
    network: Network | None,
    data_dir: str | Path | None = None,
) -> tuple[Network, Place, Place, datetime | None, int | None]:
    """The network, the two places, ``ready`` on the origin's clock and the month of travel.

    A ``ready`` with a UTC offset sets the network year on the origin's clock: 20:00 UTC on
    31 December is already New Year at Kunming and Hanoi, so that is quoted on the next
    year's network (or refused if ``year`` or ``network`` says otherwise).
    """
    first = year if ready is None else request_year(year, ready, network)
    net = _network(network, first, data_dir)
    source, sink = endpoints.resolve(net, origin), endpoints.resolve(net, destination)
    if ready is None:
        return net, source, sink, None, month
    ready, month = _local_ready(ready, month, source)
    if ready.year != net.year:  # the hour before New Year at Kunming, still the old at Hanoi
        if year is not None or network is not None:
            msg = f"ready={ready.isoformat()} is in {ready.year} at {source.name}: give that year"
            raise InvalidRequestError(msg)
        net = _network(None, ready.year, data_dir)
        source, sink = endpoints.resolve(net, origin), endpoints.resolve(net, destination)
    return net, source, sink, ready, month


def _local_ready(ready: datetime, month: int | None, origin: Place) -> tuple[datetime, int]:
    """``ready`` on the origin's clock, and the month of travel (a peak month is local)."""
    if ready.tzinfo is not None:
        ready = ready.astimezone(LOCAL_TIME[origin.country])
    if month is not None and month != ready.month:
        msg = f"month={month} contradicts ready={ready.isoformat()}"
        raise InvalidRequestError(msg)
    return ready, ready.month


def _network(
    network: Network | None, year: int | None, data_dir: str | Path | None = None
) -> Network:
    if network is None:
        return load_network(year if year is not None else DEFAULT_YEAR, data_dir)
    if year is not None and year != network.year:
        msg = f"year={year} but the network given is for {network.year}"
        raise InvalidRequestError(msg)
    return network


def avoided(net: Network, avoid: Iterable[str], ends: set[str]) -> tuple[set[str], set[str]]:
    """The place ids and crossing ids to avoid; an end of the route cannot be avoided."""
    places: set[str] = set()
    refs: set[str] = set()
    data_crossings = {c.id: c for c in net.dataset.crossings}
    for item in avoid:
        if item in net.crossings:
            refs.add(item)
            continue
        if item in data_crossings:  # in the data, not open in this year (or its leg is not)
            crossing = data_crossings[item]
            opens = crossing.opens if crossing.opens and crossing.opens > net.year else None
            raise PlaceNotOpenError(item, item, crossing.name, opens=opens, year=net.year)
        try:
            place = net.place(item)
        except PlaceNotOpenError:
            raise
        except UnknownPlaceError as error:  # a misspelt crossing id, say: suggest crossings too
            close = difflib.get_close_matches(str(item), net.crossings, n=MAX_SUGGESTIONS)
            named = [(ref, net.crossings[ref].name) for ref in close]
            suggested = [(pid, net.places[pid].name) for pid in error.suggestions]
            raise UnknownPlaceError(item, (named + suggested)[:MAX_SUGGESTIONS]) from None
        if place.id in ends:
            msg = f"cannot avoid {place.name!r}: it is the origin or destination"
            raise InvalidRequestError(msg)
        places.add(place.id)
    return places, refs


def via_places(net: Network, via: list[str], avoided: set[str], ends: set[str]) -> tuple[str, ...]:
    """The ids of the ``via`` places, none of them avoided nor an end of the route."""
    ids = tuple(net.place(v).id for v in via)
    for place_id in ids:
        if place_id in avoided:
            msg = f"{net.places[place_id].name!r} is both a via place and avoided"
            raise InvalidRequestError(msg)
        if place_id in ends:
            msg = f"via {net.places[place_id].name!r} is the origin or destination"
            raise InvalidRequestError(msg)
    return ids
