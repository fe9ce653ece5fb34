"""Load a YAML file into a pydantic model, and report mistakes as `file:line: reason`.

Counsellors edit `content/`; when they slip, start-up must say where, not print a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

__all__ = ["ContentError", "load_model"]

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


class ContentError(Exception):
    """A content file that cannot be used. `str()` is one line: file, line and reason."""

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


# libyaml when PyYAML was built with it: the pure-Python scanner made start-up take seconds.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _construct(node: yaml.Node) -> Any:
    """The Python value of a node whose tag the composer already resolved (int, bool, date, str...)."""
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _to_python(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else _construct(key_node)
            if key in out:
                raise ContentError("", key_node.start_mark.line + 1, f"duplicate key {key!r}")
            out[key] = _to_python(value_node, (*loc, key), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*loc, i), lines) for i, item in enumerate(node.value)]
    return _construct(node)


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def load_model(path: Path, model: type[M], *, context: dict[str, Any] | None = None) -> M:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(path, None, f"cannot read: {exc}") from exc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ContentError(path, line, f"not valid YAML: {exc.problem or exc.context}") from exc
    if node is None:
        raise ContentError(path, 1, "the file is empty")
    lines: dict[Loc, int] = {}
    try:
        data = _to_python(node, (), lines)
    except ContentError as exc:
        raise ContentError(path, exc.line, exc.reason) from exc
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc: Loc = tuple(first["loc"])
        # pydantic adds the union member or validator name to loc; drop parts that are not in the data.
        while loc and loc not in lines and len(loc) > 1:
            trimmed = tuple(p for p in loc if (isinstance(p, int) or p in _keys_at(lines, loc)))
            if trimmed == loc:
                break
            loc = trimmed
        field = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise ContentError(path, _line_for(loc, lines), f"{field}: {first['msg']}") from exc


def _keys_at(lines: dict[Loc, int], loc: Loc) -> set[str | int]:
    return {k[-1] for k in lines if k}
