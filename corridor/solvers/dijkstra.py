"""Shortest paths by Dijkstra (``scipy.sparse.csgraph``) on arc arrays.

The searches run on a sparse adjacency holding the lightest of parallel arcs; the arc behind
each stored entry is kept, so that a path comes back as arc indices. Weights must be
non-negative; an infinite weight means no arc.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra


def adjacency(
    n: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray
) -> tuple[csr_array, np.ndarray]:
    """Adjacency with the lightest of parallel arcs, and the arc behind each stored entry.

    Built from ``(data, indices, indptr)`` so that zero weights stay explicit entries (arcs);
    arcs of infinite weight are left out.
    """
    order = np.lexsort((weights, heads, tails))
    order = order[np.isfinite(weights[order])]
    t, h = tails[order], heads[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
    kept = order[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails[kept], minlength=n), out=indptr[1:])
    matrix = csr_array((weights[kept], heads[kept].astype(np.int32), indptr), shape=(n, n))
    return matrix, kept


def distances(
    n: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray, *, source: int, sink: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shortest distances from ``source`` and to ``sink`` (inf where unreachable)."""
    forward = dijkstra(adjacency(n, tails, heads, weights)[0], indices=source)
    backward = dijkstra(adjacency(n, heads, tails, weights)[0], indices=sink)
    return forward, backward


def shortest(
    n: int, tails: np.ndarray, heads: np.ndarray, weights: np.ndarray, *, source: int, sink: int
) -> list[int] | None:
    """Arc indices of a shortest path (lightest parallel arc), or None if unreachable."""
    matrix, kept = adjacency(n, tails, heads, weights)
    dist, pred = dijkstra(matrix, indices=source, return_predecessors=True)
    if not np.isfinite(dist[sink]):
        return None
    return tree_path(entry_keys(matrix), kept, pred, source, sink).tolist()


def entry_keys(matrix: csr_array) -> np.ndarray:
    """The stored entries of an adjacency as ``tail × n + head``, in storage order."""
    n = matrix.shape[0]
    return np.repeat(np.arange(n, dtype=np.int64), np.diff(matrix.indptr)) * n + matrix.indices


def tree_path(
    keys: np.ndarray, entry_arc: np.ndarray, pred: np.ndarray, source: int, sink: int
) -> np.ndarray:
    """Arc indices of the tree path source → sink given Dijkstra predecessors.

    ``keys`` are the adjacency's stored entries (:func:`entry_keys`, ascending) and
    ``entry_arc`` the arc behind each, so one search finds every entry of the path.
    """
    n = len(pred)
    vertices = [sink]
    vertex = sink
    while vertex != source:
        vertex = int(pred[vertex])
        vertices.append(vertex)
    path = np.asarray(vertices[::-1], dtype=np.int64)
    return entry_arc[np.searchsorted(keys, path[:-1] * n + path[1:])]
