"""The data of a column-generation solve: commodities in, columns and a solution out."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Commodity:
    """One OD flow: graph index, source and sink vertex, TEU/day, USD per TEU-hour, deadline."""

    graph: int
    source: int
    sink: int
    teu_per_day: float
    usd_per_hour: float = 0.0
    deadline_hours: float | None = None


@dataclass(frozen=True)
class Column:
    """A generated path: commodity index, arc indices in order, TEU/day in the solution."""

    commodity: int
    arcs: np.ndarray
    flow: float


@dataclass
class Solution:
    """The LP optimum over paths (or the best found within the time limit)."""

    objective: float
    columns: list[Column]
    unserved: np.ndarray
    """TEU/day per commodity."""
    duals: np.ndarray
    """Dual value per capacity group (≤ 0; 0 for groups no path used)."""
    optimal: bool
    bound: float
    """A lower bound on the LP optimum, USD/day (equal to ``objective`` within tolerance when
    ``optimal``)."""
    rounds: int
    stopped: str = "optimal"
    """Why the loop ended: "optimal", "time_limit", or "stalled" (PDLP at its tightest
    tolerance found no better path while the gap was still above :data:`GAP`)."""
    stats: dict[str, float] = field(default_factory=dict)
