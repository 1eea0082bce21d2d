"""Command-line options made from the request declarations (:mod:`corridor.options`).

:func:`request_options` gives a typer command one option per field of a request class
(:class:`~corridor.routing.request.QuoteRequest`,
:class:`~corridor.planning.request.PlanRequest`), with the field's flag, help and type, and
calls the command with the values given gathered in one ``options`` dict: a new request
field is on the command line without a line here.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
import typing
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Annotated, Any

import typer

from corridor.options import flag_of, options_of
from corridor.planning.request import PlanRequest
from corridor.routing.request import QuoteRequest

REQUESTS = (QuoteRequest, PlanRequest)


def request_options(
    request: type, *, skip: Iterable[str] = (), before: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a command that takes ``options: dict``: add the fields of ``request`` as options.

    Fields in ``skip`` and those without a flag are left out. The new options come after the
    command's arguments, before its parameter ``before`` (default: its first option). The
    command gets ``options`` with the values given on the command line (an option left at
    ``None`` or an empty list is not given: the request's default applies).
    """
    skipped = set(skip)
    hints = typing.get_type_hints(request)
    fields = {f.name: f for f in dataclasses.fields(request)}
    declared = {
        name: o
        for name, o in options_of(request).items()
        if name not in skipped and flag_of(name, o) is not None
    }

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(command)
        annotations = typing.get_type_hints(command, include_extras=True)
        own = [  # annotations evaluated: typer reads its metadata from the signature
            p.replace(annotation=annotations[name])
            for name, p in signature.parameters.items()
            if name != "options"
        ]
        added = []
        for name, o in declared.items():
            kind = o.cli_type if o.cli_type is not None else hints[name]
            default = _cli_default(fields[name].default)
            if kind in (list[str],):
                kind, default = list[str] | None, None
            flag = flag_of(name, o)
            if kind is bool:  # --integer / --no-integer, as typer gives a bool
                flag = f"{flag}/--no-{flag.removeprefix('--')}"
            annotations[name] = Annotated[kind, typer.Option(flag, help=o.described)]
            added.append(
                inspect.Parameter(
                    name,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=default,
                    annotation=annotations[name],
                )
            )
        at = next(
            (
                i
                for i, p in enumerate(own)
                if (p.name == before if before else not _is_argument(annotations.get(p.name)))
            ),
            len(own),
        )
        keyword = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[at:]]
        parameters = [*own[:at], *added, *keyword]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - the command's own
            options = {
                name: kwargs.pop(name)
                for name in declared
                if name in kwargs and kwargs[name] is not None and kwargs[name] != []
            }
            for name in declared:
                kwargs.pop(name, None)
            return command(*args, options=options, **kwargs)

        del annotations["options"]
        wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = annotations | {"return": signature.return_annotation}
        del wrapper.__wrapped__  # typer reads the signature above, not the command's
        return wrapper

    return decorate


def _cli_default(default: object) -> object:
    """A field's default as the command line shows it (an enum as its value)."""
    if default is dataclasses.MISSING:
        return None
    if isinstance(default, Enum):
        return default.value
    if default == ():
        return None
    return default


def _is_argument(annotation: object) -> bool:
    """Whether a parameter's annotation declares a typer argument (not an option)."""
    return any(
        isinstance(m, typer.models.ArgumentInfo) for m in getattr(annotation, "__metadata__", ())
    )


def flag_names(extra: dict[str, str]) -> dict[str, str]:
    """API option names that errors may use, and the flags that set them.

    Every request field whose name holds an underscore (``value_usd``), a few single words
    that messages use only as option names (``teu``, ``tonnes``, ``year``, ``ready``), and
    ``extra`` (options of functions that are no request, such as a sweep's).
    """
    words = {"teu", "tonnes", "year", "ready"}
    flags = dict(extra)
    for request in REQUESTS:
        for name, o in options_of(request).items():
            flag = flag_of(name, o)
            if flag is not None and ("_" in name or name in words):
                flags.setdefault(name, flag)
    return flags


def flag_pattern(flags: dict[str, str]) -> re.Pattern[str]:
    """A pattern that finds the option names of ``flags`` as whole words."""
    return re.compile(r"\b(" + "|".join(sorted(flags, key=len, reverse=True)) + r")\b")
