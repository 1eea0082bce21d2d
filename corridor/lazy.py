"""Public names of a package imported on first use (PEP 562), so that importing it stays light."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_names(
    package: str, homes: dict[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__`` for the names of ``homes`` (module: names).

    The first use of a name imports its module and keeps the value in the package.
    """
    home = {name: module for module, names in homes.items() for name in names}
    namespace = import_module(package).__dict__

    def __getattr__(name: str) -> Any:  # noqa: ANN401, N807 - any public object
        if name not in home:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(import_module(home[name]), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted({*namespace, *home})

    return __getattr__, __dir__
