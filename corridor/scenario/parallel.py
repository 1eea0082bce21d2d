"""Running many independent plans: in this process, on a local process pool, or on Dask.

Sweeps and criticality rankings are many plans that share nothing; :func:`run_all` runs a
function over their arguments and returns the results in order. The default is a local
process pool (one process per core); ``dask_address`` sends the runs to a Dask distributed
scheduler instead. Progress is reported to a callback ``(done, total)``, or drawn as a rich
bar on stderr (:mod:`corridor.progress`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from corridor.errors import InvalidRequestError
from corridor.options import whole
from corridor.progress import ProgressCallback, progress_bar, tell

T = TypeVar("T")

MAX_WORKERS = 256
"""The most local processes (each holds a network and a solver)."""


def check_workers(workers: object, dask_address: str | None) -> int | None:
    """``workers`` checked: a whole number from 1 to :data:`MAX_WORKERS`, or None.

    Raises
    ------
    InvalidRequestError
        For another value, or for workers given with a Dask scheduler.
    """
    if workers is None:
        return None
    if dask_address is not None:
        msg = "give workers (a local pool) or dask_address (a cluster), not both"
        raise InvalidRequestError(msg)
    return whole(workers, "workers", 1, MAX_WORKERS)


def run_all(
    function: Callable[..., T],
    runs: Sequence[tuple[Any, ...]],
    *,
    workers: int | None = None,
    dask_address: str | None = None,
    progress: bool | ProgressCallback = False,
    label: str = "runs",
) -> list[T]:
    """``function(*run)`` for every run, results in the order of ``runs``.

    Parameters
    ----------
    function
        A module-level function (it is sent to other processes by name).
    runs
        The arguments of each call.
    workers
        Local processes (default: one per core, no more than there are runs); 1 runs here.
    dask_address
        A Dask distributed scheduler (``tcp://host:8786``): run there instead.
    progress
        A callback ``(done, total)``, or True for a rich progress bar on stderr.
    label
        The bar's label.

    Raises
    ------
    InvalidRequestError
        For bad workers, or a Dask scheduler that cannot be reached.
    """
    workers = check_workers(workers, dask_address)
    with _reporting(progress, label, len(runs)) as report:
        if dask_address is not None:
            return _on_dask(function, runs, dask_address, report)
        if workers == 1 or len(runs) <= 1:
            results = []
            for run in runs:
                results.append(function(*run))
                report(len(results))
            return results
        return _on_pool(function, runs, workers, report)


def _on_pool(
    function: Callable[..., T],
    runs: Sequence[tuple[Any, ...]],
    workers: int | None,
    report: Callable[[int], None],
) -> list[T]:
    size = min(workers or os.cpu_count() or 1, len(runs))  # no idle processes
    results: list[Any] = [None] * len(runs)
    with ProcessPoolExecutor(max_workers=size) as pool:
        futures = {pool.submit(function, *run): i for i, run in enumerate(runs)}
        for done, future in enumerate(as_completed(futures), 1):
            results[futures[future]] = future.result()
            report(done)
    return results


def _on_dask(
    function: Callable[..., T],
    runs: Sequence[tuple[Any, ...]],
    address: str,
    report: Callable[[int], None],
) -> list[T]:
    from distributed import Client
    from distributed import as_completed as completed

    try:
        client = Client(address)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, OSError) as error:  # a malformed or unreachable address
        msg = f"dask_address {address!r}: cannot connect to a scheduler ({error})"
        raise InvalidRequestError(msg) from None
    with client:
        futures = client.map(function, *zip(*runs, strict=True), pure=False)
        for done, _ in enumerate(completed(futures), 1):  # type: ignore[no-untyped-call]
            report(done)
        return cast(list[T], client.gather(futures))  # type: ignore[no-untyped-call]


@contextmanager
def _reporting(
    progress: bool | ProgressCallback, label: str, total: int
) -> Iterator[Callable[[int], None]]:
    """A function told the runs done so far: the callback, a bar (True) or nothing."""
    if callable(progress):
        yield lambda done: progress(done, total)
        return
    with progress_bar(label, shown=bool(progress)) as update:
        yield lambda done: tell(update, done, total)
