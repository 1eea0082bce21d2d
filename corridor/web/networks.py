"""The networks a server answers on: each year's loaded once and shared, read-only, by requests."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from corridor.network import Network, check_year, load_network

logger = logging.getLogger(__name__)


class Networks:
    """One :class:`~corridor.network.Network` per year, loaded on first use, then shared.

    Requests only read a network (its service graphs are built once per cargo class and
    month and then reused); a lock makes sure each year is loaded once however many requests
    ask for it at the same time.
    """

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self._networks: dict[int, Network] = {}
        self._geojson: dict[int, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, year: int) -> Network:
        """The network of ``year`` (an ``InvalidRequestError`` for a year out of range)."""
        year = check_year(year)
        found = self._networks.get(year)
        if found is not None:
            return found
        with self._lock:
            if year not in self._networks:
                logger.info("loading the %d network from %s", year, self.data_dir or "the data")
                self._networks[year] = load_network(year, self.data_dir)
            return self._networks[year]

    def geojson(self, year: int) -> dict[str, Any]:
        """The network of ``year`` as GeoJSON (:func:`corridor.render.geo.network_geojson`)."""
        network = self.get(year)
        if year not in self._geojson:
            from corridor.render.geo import network_geojson

            self._geojson[year] = network_geojson(network)
        return self._geojson[year]

    @property
    def years(self) -> list[int]:
        """The years loaded so far."""
        return sorted(self._networks)
