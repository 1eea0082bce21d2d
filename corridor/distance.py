"""Great-circle distances between coordinates and between places.

A leg or border crossing can never be shorter than the straight line between its two places:
the loader (:mod:`corridor.data`) and therefore every scenario patch refuse one that is.
The distance is the haversine great-circle distance on a sphere of the Earth's mean radius,
good to about 0.5 % against the WGS84 ellipsoid, far finer than the coordinates of the data.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), km."""


class HasCoordinates(Protocol):
    """Anything with WGS84 ``lat`` and ``lon`` in degrees (a :class:`~corridor.model.Place`)."""

    @property
    def lat(self) -> float:
        """Latitude, degrees north."""
        ...

    @property
    def lon(self) -> float:
        """Longitude, degrees east."""
        ...


def straight_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance between two WGS84 points, km.

    Parameters
    ----------
    lat1, lon1
        The first point, degrees.
    lat2, lon2
        The second point, degrees.

    Examples
    --------
    >>> round(straight_km(21.0245, 105.84117, 20.86481, 106.68345), 1)  # Hanoi - Haiphong
    89.3
    >>> straight_km(22.5, 103.9, 22.5, 103.9)
    0.0
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def straight_km_to_many(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """:func:`straight_km` from one point to many (all in degrees), km: one per point.

    Examples
    --------
    >>> km = straight_km_to_many(21.0245, 105.84117, np.array([20.86481]), np.array([106.68345]))
    >>> round(float(km[0]), 1) == round(straight_km(21.0245, 105.84117, 20.86481, 106.68345), 1)
    True
    """
    phi, phis = math.radians(lat), np.radians(lats)
    half_dlambda = np.radians(np.asarray(lons) - lon) / 2
    h = np.sin((phis - phi) / 2) ** 2 + math.cos(phi) * np.cos(phis) * np.sin(half_dlambda) ** 2
    km: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return km


def places_km(a: HasCoordinates, b: HasCoordinates) -> float:
    """Great-circle distance between two places (anything with ``lat`` and ``lon``), km.

    Examples
    --------
    >>> import corridor
    >>> net = corridor.load_network(2026)
    >>> round(places_km(net.place("Hanoi"), net.place("Hai Phong")))
    98
    """
    return straight_km(a.lat, a.lon, b.lat, b.lon)
