"""Reading YAML files (scenarios, sweep specs) into pydantic models, keeping each node's line.

Errors name the file, the line and the field path, so that a user finds the cell to fix.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from corridor.data import Where
from corridor.errors import DataError, ScenarioError, location
from corridor.tables import MAX_LINE_CHARS, read_text

ModelT = TypeVar("ModelT", bound=BaseModel)

MAX_YAML_BYTES = 2**20
"""The largest scenario or sweep file read (1 MiB; the shipped ones are under 4 KiB)."""
MAX_DEPTH = 20
"""The deepest nesting of lists and maps in a scenario or sweep file (the schemas need 5)."""


def load_yaml(model: type[ModelT], path: str | Path) -> tuple[ModelT, yaml.Node | None]:
    """A YAML file as a pydantic model, and its node tree (which knows each node's line).

    Raises
    ------
    ScenarioError
        Naming the file, the line and the field path of the first problem.
    """
    path = Path(path)
    try:
        text = read_text(path, max_bytes=MAX_YAML_BYTES)
        _check_events(text, path)
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            raw = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except DataError as error:  # not UTF-8
        raise ScenarioError(str(error)) from None
    except yaml.MarkedYAMLError as error:  # one line: where, and what the parser met
        mark = error.problem_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = error.problem or "a syntax error"
        if error.context and error.context_mark:
            what += f" {error.context} from line {error.context_mark.line + 1}"
        raise ScenarioError(f"{path}{where}: not valid YAML: {what}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    if raw is None:
        raise ScenarioError(f"{path}: the file is empty")
    try:
        return model.model_validate(raw), node
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        at = location(str(path), line_at(node, first["loc"]))
        message = first["msg"].removeprefix("Value error, ")  # a validator's own message
        if first["type"] == "extra_forbidden" and len(first["loc"]) == 1:
            close = difflib.get_close_matches(str(first["loc"][0]), model.model_fields, n=1)
            message += f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError(f"{at}: {where}: {message}") from None


def line_at(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The line (from 1) of the YAML node at a pydantic error's ``loc``.

    Parts that name no node are passed over: a missing field gives the line of the mapping
    that lacks it, and a union's tag (``update`` in ``operations.0.update.set``, also a key
    whose value is a plain name) is not followed while the path goes on. A key written twice
    is its last (the value PyYAML keeps); an alias gives the line of its anchor.
    """
    for depth, part in enumerate(loc, 1):
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in reversed(node.value) if k.value == str(part)), None)
            if found is not None and (depth == len(loc) or not isinstance(found, yaml.ScalarNode)):
                node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if 0 <= part < len(node.value) else node
    return None if node is None else node.start_mark.line + 1


def operation_wheres(node: yaml.Node | None, file: str) -> list[Where]:
    """Where each item of a scenario file's ``operations`` list is written.

    Its line (from 1), and the lines of the cells it names: ``id`` and the keys of ``row``,
    ``set`` and ``scale``.
    """
    items = next(
        (
            value
            for key, value in (node.value if isinstance(node, yaml.MappingNode) else [])
            if key.value == "operations"
        ),
        None,
    )
    if not isinstance(items, yaml.SequenceNode):
        return []
    wheres = []
    for item in items.value:
        cells: dict[str, int] = {}
        for key, value in item.value if isinstance(item, yaml.MappingNode) else []:
            if key.value == "id":
                cells["id"] = key.start_mark.line + 1
            elif key.value in {"row", "set", "scale"} and isinstance(value, yaml.MappingNode):
                cells |= {
                    cell.value: cell.start_mark.line + 1
                    for cell, _ in value.value
                    if isinstance(cell, yaml.ScalarNode)
                }
        wheres.append(Where(file, item.start_mark.line + 1, cells))
    return wheres


def _check_events(text: str, path: Path) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH`, aliases and over-long texts, by line.

    The parser's events are read before any node is built, so a file nested thousands of
    levels deep is refused without recursion, and an alias (``*name``), which could make a
    small file expand into a huge document, is refused outright.

    Raises
    ------
    ScenarioError
        Naming the file and line.
    """
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                msg = f"{path}, line {line}: lists and maps nested over {MAX_DEPTH} levels deep"
                raise ScenarioError(msg)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            msg = f"{path}, line {line}: an alias (*{event.anchor}); write the value out"
            raise ScenarioError(msg)
        elif isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_LINE_CHARS:
            msg = f"{path}, line {line}: a text of {len(event.value):,} characters; at most "
            raise ScenarioError(msg + f"{MAX_LINE_CHARS:,} are read")
