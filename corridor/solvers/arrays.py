"""The one array form of a graph that every solver reads: arc ends and per-arc columns.

A :class:`GraphArrays` holds ``n`` vertices numbered ``0 … n-1`` and parallel arrays of arc
tails and heads (``int32``), with named per-arc columns (``cost_usd``, ``hours_p50``, …;
a plan adds ``group``, the capacity group of each arc). The service graph of a network
becomes one through :class:`corridor.service.ServiceArrays`, which keeps the vertex labels
and arc attributes beside the arrays; synthetic graphs (tests, benchmarks) are built
directly.

Reachability is cached per vertex and direction (a breadth-first search in numpy: no
sparse-matrix library is loaded for it, so a plain quote stays light).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class GraphArrays:
    """A directed multigraph as parallel arrays.

    Parameters
    ----------
    n
        Number of vertices.
    tails, heads
        Arc end vertices (``int32`` arrays of one length).
    columns
        Per-arc values by name, each an array as long as ``tails``.
    """

    n: int
    tails: np.ndarray
    heads: np.ndarray
    columns: Mapping[str, np.ndarray] = field(default_factory=dict)
    _reach: dict[tuple[int, bool], np.ndarray] = field(default_factory=dict, init=False, repr=False)

    def column(self, name: str) -> np.ndarray:
        """The per-arc column ``name`` (KeyError naming the columns there are)."""
        try:
            return self.columns[name]
        except KeyError:
            msg = f"no arc column {name!r}; the graph has {', '.join(self.columns) or 'none'}"
            raise KeyError(msg) from None

    def reachable(self, vertex: int, *, forward: bool = True) -> np.ndarray:
        """Vertices reachable from ``vertex`` (``forward``) or reaching it (bool per vertex)."""
        key = (vertex, forward)
        if key not in self._reach:
            starts, ends = (self.tails, self.heads) if forward else (self.heads, self.tails)
            self._reach[key] = reachable(self.n, starts, ends, vertex)
        return self._reach[key]

    def between(self, start: int, end: int) -> np.ndarray:
        """Arcs that lie on some ``start`` → ``end`` walk (bool per arc).

        The others (dead ends, branches towards other ends) cannot be on a route, so leaving
        them out changes no optimum; the solvers then see a smaller graph.
        """
        after = self.reachable(start, forward=True)
        before = self.reachable(end, forward=False)
        return after[self.tails] & before[self.heads]


def reachable(n: int, tails: np.ndarray, heads: np.ndarray, start: int) -> np.ndarray:
    """Vertices reachable from ``start`` along the arcs (bool per vertex; breadth first)."""
    order, first = _grouped(n, tails)
    targets = heads[order]
    seen = np.zeros(n, dtype=bool)
    seen[start] = True
    frontier = np.array([start], dtype=np.int64)
    while frontier.size:
        begin, count = first[frontier], first[frontier + 1] - first[frontier]
        total = int(count.sum())
        if not total:
            break
        offsets = np.repeat(begin - (np.cumsum(count) - count), count) + np.arange(total)
        found = targets[offsets]
        found = np.unique(found[~seen[found]])
        seen[found] = True
        frontier = found
    return seen


def _grouped(n: int, tails: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(tails, kind="stable")
    first = np.searchsorted(tails[order], np.arange(n + 1))
    return order, first
