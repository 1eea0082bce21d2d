"""The ``corridor`` command line: the typer app, one-line errors, and what commands share.

Errors from the library are printed as one line on stderr; the exit code is 2 for bad input
(unknown place, malformed data, contradictory options) and 1 for a request without an answer
(infeasible, or a solver stopped by its time limit).
"""

from __future__ import annotations

import functools
import io
import json
import re
import sys
import typing
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from corridor.cli.options import flag_names, flag_pattern
from corridor.errors import (
    CorridorError,
    InfeasibleError,
    InvalidRequestError,
    RequestWarning,
    SolverError,
)

app = typer.Typer(
    rich_markup_mode="rich",
    no_args_is_help=True,
    help="Multimodal freight routes on the Kunming – Lao Cai – Hanoi – Hai Phong corridor.",
)
network_app = typer.Typer(no_args_is_help=True, help="Inspect and check the network data.")
app.add_typer(network_app, name="network")
scenario_app = typer.Typer(no_args_is_help=True, help="What-if scenarios: list, show, compare.")
app.add_typer(scenario_app, name="scenario")

out = Console()
err = Console(stderr=True, highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 1

YearOption = Annotated[int, typer.Option("--year", help="Network as it stands in this year.")]
DataOption = Annotated[
    Path | None,
    typer.Option("--data", envvar="CORRIDOR_DATA", help="Data folder (default: shipped data)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
PngOption = Annotated[Path | None, typer.Option("--png", help="Write a PNG chart (matplotlib).")]
HTML = (".html", ".htm")
PNG = (".png",)
TABLES = (".csv", ".gpkg", ".geojson")


def _warning_printer(flags: set[str]) -> Callable[..., None]:
    """``warnings.showwarning`` for a command with ``flags``: one line on stderr.

    No file, line number or source code; in a warning about a request option (not about a
    table's columns) the option's name becomes the command's flag that sets it.
    """

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: object = None,
        line: str | None = None,
    ) -> None:
        text = str(message)
        if issubclass(category, RequestWarning):
            text = _as_flags(text, flags)
        err.print(f"warning: {text}", markup=False)

    return show


_FLAGS = flag_names({"dask_address": "--dask", "workers": "--workers"})
"""API option names in request errors, and the CLI flags that set them."""
_FLAG_NAME = flag_pattern(_FLAGS)


def _as_flags(message: str, flags: set[str] | None = None) -> str:
    """``message`` with the API option names in it written as the CLI flags that set them.

    Only as the ``flags`` a command has, if given: ``ready`` in a table of shipments stays
    ``ready`` for a command without ``--ready``.
    """

    def flag(match: re.Match[str]) -> str:
        wanted = _FLAGS[match[0]]
        return wanted if flags is None or wanted in flags else match[0]

    return _FLAG_NAME.sub(flag, message)


def _flags_of(command: Callable[..., Any]) -> set[str]:
    """The long option flags of a typer command (``--ready``), from its annotations."""
    flags: set[str] = set()
    for name, hint in typing.get_type_hints(command, include_extras=True).items():
        for info in getattr(hint, "__metadata__", ()):
            if isinstance(info, typer.models.OptionInfo):  # in Annotated, names come first
                names = [info.default, *(info.param_decls or ())]
                declared = {d for d in names if isinstance(d, str) and d.startswith("--")}
                flags |= declared or {f"--{name.replace('_', '-')}"}
    return flags


MAX_SHOWN_CHARS = 1_000
"""The longest text printed whole: a message or a user's text beyond it is cut in the middle."""


def clip(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """``text`` cut to about ``limit`` characters for display, saying how much was left out.

    Long input (a 10,000-character name) makes long messages and slow terminal layout; the
    start and end of the text are kept, which is where a message says what and why.
    """
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]} [… {len(text) - 2 * half:,} characters …] {text[-half:]}"


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a CorridorError or an unwritable file into one line on stderr and an exit code.

    Warnings are printed as one line each on stderr, ``warning: ...``.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with warnings.catch_warnings():
                if not sys.warnoptions:  # python -W ... decides for itself
                    warnings.simplefilter("default")
                warnings.showwarning = _warning_printer(_flags_of(command))
                return command(*args, **kwargs)
        except CorridorError as error:
            message = str(error)
            if isinstance(error, InvalidRequestError | SolverError):  # not a table's columns
                message = _as_flags(message, _flags_of(command))
            err.print(f"error: {clip(message)}", markup=False)
            unanswered = isinstance(error, InfeasibleError | SolverError)
            code = EXIT_INFEASIBLE if unanswered else EXIT_BAD_INPUT
            raise typer.Exit(code=code) from None
        except OSError as error:  # a read-only disk, a folder removed while running
            if error.strerror and error.filename:
                message = f"{error.strerror}: {error.filename}"
            else:
                message = str(error)
            err.print(f"error: {clip(message)}", markup=False)
            raise typer.Exit(code=EXIT_BAD_INPUT) from None

    return wrapper


def main(argv: list[str] | None = None) -> None:
    """The ``corridor`` command: a usage error (an unknown flag, ``--teu 2TEU``) is one line too.

    Typer would print it in a box under the usage; here it is ``error: ...`` on stderr, with
    the command's ``--help`` to turn to, and exit code 2, as for any other bad input. On a
    console whose encoding lacks a character (→, Hải Phòng, 老街), it is written as an escape.
    ``argv``: the arguments (default: the command line's).
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = app(args=argv, prog_name="corridor", standalone_mode=False)
    except typer.TyperException as error:  # typer's click: usage errors, unreadable files
        code = error.exit_code
        if type(error).__name__ != "NoArgsIsHelpError":  # else the help is printed already
            ctx = getattr(error, "ctx", None)
            see = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
            err.print(f"error: {error.format_message()}{see}", markup=False)
    except typer.Abort:  # Ctrl-C at a prompt
        err.print("aborted", markup=False)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


def show_progress(as_json: bool) -> bool:
    """Whether to draw a progress bar: on a terminal, and not for ``--json`` output."""
    return not as_json and err.is_terminal


def print_json(payload: Any) -> None:  # noqa: ANN401 - any JSON-able value
    """Print ``payload`` as JSON on stdout (non-ASCII characters as they are)."""
    out.print_json(json.dumps(payload, ensure_ascii=False))


def check_output(
    path: Path | None,
    option: str,
    suffixes: tuple[str, ...] = (),
    reads: Iterable[Path | None] = (),
) -> None:
    """Check an output file before any work: folder, extension, and not a file it reads.

    The folder must exist and the extension fit. ``reads`` are the command's input files and
    data folder; the shipped data folder is always one. Outputs are written whole or not at
    all (:mod:`corridor.outputs`).

    Raises
    ------
    InvalidRequestError
        Naming the option, so the user knows which file to fix.
    """
    if path is None:
        return
    if suffixes and path.suffix.lower() not in suffixes:
        choices = " or ".join(filter(None, (", ".join(suffixes[:-1]), suffixes[-1])))
        msg = f"{option}: write a {choices} file, not {path.name!r}"
        raise InvalidRequestError(msg)
    if not path.parent.is_dir():
        msg = f"{option}: cannot write {path}, the folder {path.parent} does not exist"
        raise InvalidRequestError(msg)
    from corridor.data import default_data_dir

    target = path.resolve()
    for read in (*reads, default_data_dir()):
        source = None if read is None else read.resolve()
        if source is not None and (target == source or source in target.parents):
            what = "in a data folder" if source.is_dir() else "an input"
            msg = f"{option}: {path} is {what} of this command; write it elsewhere"
            raise InvalidRequestError(msg)


def save(path: Path | None, write: Callable[[Path], object]) -> None:
    """Write an output file whole or not at all, then say so; nothing when ``path`` is None.

    ``write`` writes the file it is given (a temporary one beside ``path``, renamed onto it
    when complete, :func:`corridor.outputs.replacing`).
    """
    if path is None:
        return
    from corridor.outputs import replacing

    with replacing(path) as part:
        write(part)
    wrote(path)


def print_notes(notes: Iterable[str]) -> None:
    """Each note of a result as ``note: ...`` on stderr."""
    for note in notes:
        err.print(f"note: {note}", markup=False)


def wrote(*paths: Path) -> None:
    """List the files a command wrote on stderr (stdout stays its table or JSON)."""
    for path in paths:
        err.print(f"wrote {path}", markup=False, soft_wrap=True)
