"""Progress of long runs: a callback ``(done, total)``, and a rich bar on stderr that is one.

Library functions that take long (:func:`corridor.plan` with marginal values,
:func:`corridor.quote_many`, :func:`corridor.compare`, sweeps and criticality rankings) take
``progress``: a callable told how many steps are done of how many. :func:`progress_bar`
makes one that draws a rich progress bar on stderr; the command line uses it on a terminal
and never with ``--json``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

ProgressCallback = Callable[[int, int], None]
"""Called with (steps done, steps in all) after each step."""


def tell(progress: ProgressCallback | None, done: int, total: int) -> None:
    """Report to ``progress`` if there is one."""
    if progress is not None:
        progress(done, total)


@contextmanager
def progress_bar(label: str, *, shown: bool = True) -> Iterator[ProgressCallback | None]:
    """A callback drawing a rich bar on stderr while the block runs (None when not ``shown``).

    The bar learns its total from the first call; it is removed when the block ends.
    """
    if not shown:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


def counted(items: Sequence[T], progress: ProgressCallback | None) -> Iterator[T]:
    """``items`` one by one, telling ``progress`` after each is dealt with."""
    for done, item in enumerate(items, 1):
        yield item
        tell(progress, done, len(items))


class Steps:
    """A count of steps done of a known total, told to ``progress`` at each :meth:`step`."""

    def __init__(self, progress: ProgressCallback | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def step(self) -> None:
        """One more step is done."""
        self.done += 1
        tell(self.progress, self.done, self.total)
