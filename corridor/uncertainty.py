"""Transit-time uncertainty: each step's time distribution and a Monte Carlo of whole routes.

Model (documented in ``docs/uncertainty.md``):

- Handling (transfers, loading, unloading) and border clearance are lognormal, fitted to the
  data's P50 and P90: ``median = P50`` and ``sigma = ln(P90 / P50) / z90`` with
  ``z90 = 1.2816``. P90 = P50 means a fixed time.
- Scheduled services (legs with departures per day) leave at evenly spaced times from
  00:00 (``n`` a day: every ``24 / n`` h); cargo waits for the next one, then runs for the
  leg's hours; a train running on through a place waits for nothing there. On-demand
  services (road) leave at once. A leg's running time is lognormal too (its ``hours`` the
  median, ``hours × p90_factor`` the P90): roads congest; a fixed time where the factor is 1.
- A border gate takes arrivals between its opening and closing hours; cargo arriving
  outside them waits for the opening, then clears (clearance may run past closing).
  Northbound clearance is longer in the gate's peak months (see the data).
- The clock starts at the ready time. Without one, the cargo is ready at a uniformly random
  hour of the day, so waits for departures and opening hours average out.

All draws come from one ``numpy.random.Generator`` seeded by the caller: the same seed
gives the same samples.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from corridor.model import GATE_CLOCK, Country, Leg, Mode, Transfer, TruckRegime, utc_offset_hours

if TYPE_CHECKING:
    from corridor.network import Network
    from corridor.routing import Step

Z90 = 1.2815515655446004
"""The standard normal 90th percentile."""
HOURS_PER_DAY = 24.0
DEFAULT_SAMPLES = 2000
DEFAULT_SEED = 0


def lognormal_parameters(p50: float, p90: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the lognormal with median ``p50`` and 90th percentile ``p90``.

    >>> mu, sigma = lognormal_parameters(4.0, 24.0)
    >>> round(math.exp(mu), 6), round(math.exp(mu + Z90 * sigma), 6)
    (4.0, 24.0)
    """
    if p50 <= 0:
        return -math.inf, 0.0
    return math.log(p50), math.log(p90 / p50) / Z90


def sample_hours(rng: np.random.Generator, p50: float, p90: float, size: int) -> np.ndarray:
    """``size`` draws of a duration with the given P50 and P90, hours."""
    if p50 <= 0:
        return np.zeros(size)
    mu, sigma = lognormal_parameters(p50, p90)
    if sigma == 0:
        return np.full(size, p50)
    return rng.lognormal(mu, sigma, size)


def wait_for_departure(clock: np.ndarray, departures_per_day: float | None) -> np.ndarray:
    """Hours until the next of ``n`` evenly spaced daily departures, from clock hours."""
    if departures_per_day is None:
        return np.zeros_like(clock)
    headway = HOURS_PER_DAY / departures_per_day
    return (-clock) % headway


def wait_for_opening(clock: np.ndarray, open_hour: float, close_hour: float) -> np.ndarray:
    """Hours until a gate open from ``open_hour`` to ``close_hour`` takes an arrival."""
    hour = clock % HOURS_PER_DAY
    closed = (hour < open_hour) | (hour >= close_hour)
    return np.where(closed, (open_hour - hour) % HOURS_PER_DAY, 0.0)


@dataclass(frozen=True)
class TransitTime:
    """Simulated door-to-door hours of one route (``samples``, one per Monte Carlo draw)."""

    samples: np.ndarray

    @functools.cached_property
    def _p50_p90(self) -> tuple[float, float]:
        p50, p90 = np.percentile(self.samples, [50, 90])  # one sort for both
        return float(p50), float(p90)

    @property
    def p50(self) -> float:
        """Median hours."""
        return self._p50_p90[0]

    @property
    def p90(self) -> float:
        """90th percentile hours."""
        return self._p50_p90[1]

    def probability_within(self, hours: float) -> float:
        """Share of draws that arrive within ``hours``."""
        return float(np.mean(self.samples <= hours))


def simulate(
    network: Network,
    steps: Sequence[Step],
    *,
    month: int | None = None,
    ready: datetime | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    country: Country | None = None,
) -> TransitTime:
    """Monte Carlo of the door-to-door hours of a route given as quote steps.

    ``ready`` is on the clock of ``country`` (the origin's), by default that of the first
    network place the route passes.
    """
    rng = np.random.default_rng(seed)
    if ready is None:
        start = rng.uniform(0.0, HOURS_PER_DAY, samples)
    else:
        start = np.full(samples, ready.hour + ready.minute / 60 + ready.second / 3600)
    if steps:  # the start is on the origin's clock; the steps run on UTC
        # (a gazetteer town or point is drayed to a place of its own country)
        if country is None:
            first = next(
                p for s in steps for p in (s.from_place, s.to_place) if p in network.places
            )
            country = network.places[first].country
        start -= utc_offset_hours(country)
    clock = start.copy()
    for step in steps:
        clock += _step_hours(network, step, clock, month, rng)
    return TransitTime(clock - start)


def _step_hours(
    network: Network, step: Step, clock: np.ndarray, month: int | None, rng: np.random.Generator
) -> np.ndarray:
    """Hours a step takes from ``clock`` (hours, UTC).

    Departures are on the clock of the place boarded, gate hours on
    :data:`~corridor.model.GATE_CLOCK`.
    """
    size = len(clock)
    if step.kind == "drayage":  # a truck leaves at once; its hours are the step's
        return sample_hours(rng, step.hours_p50, step.hours_p90, size)
    if step.kind == "leg":
        leg = network.legs[step.ref]
        departures = leg.departures_per_day if _boards(step, leg) else None
        local = clock + utc_offset_hours(network.places[step.from_place].country)
        running = sample_hours(rng, leg.hours, leg.hours_p90, size)
        return wait_for_departure(local, departures) + running
    if step.kind == "border":
        crossing = network.crossings[step.ref]
        northbound = step.to_place == crossing.cn_place  # a clearance on a leg is at arrival
        p50, p90 = crossing.clearance_hours(northbound=northbound, month=month)
        gate_time = clock + utc_offset_hours(GATE_CLOCK)
        wait = wait_for_opening(gate_time, crossing.open_hour, crossing.close_hour)
        transload = crossing.transload_hours if crossing.trucks is TruckRegime.TRANSLOAD else 0.0
        return wait + sample_hours(rng, p50, p90, size) + transload
    transfer = _handling(network, step)
    if transfer is None:
        return np.zeros(size)
    return sample_hours(rng, transfer.hours_p50, transfer.hours_p90, size)


def _boards(step: Step, leg: Leg) -> bool:
    """Whether a leg step starts by boarding, so waits for a departure.

    A train that runs on through a place waits for nothing there (see
    :mod:`corridor.network`); the planned P50 of a boarding step holds the wait.
    """
    return step.hours_p50 > leg.hours + 1e-9


def _handling(network: Network, step: Step) -> Transfer | None:
    """The transfer behind a transfer, loading or unloading step (None: free road access)."""
    if step.kind == "transfer":
        modes = {Mode(step.from_mode), Mode(step.to_mode)}
    else:
        mode = Mode(step.to_mode if step.kind == "access" else step.from_mode)
        if mode is Mode.ROAD:
            return None
        modes = {Mode.ROAD, mode}
    return network.transfer_between(step.from_place, *modes)
