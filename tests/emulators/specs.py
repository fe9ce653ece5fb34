"""Check what the emulators receive and send against the official API specs in `../shared/specs/`.

Both checks are driven by the spec files, never by a per-method list written here:

- Telegram: `telegram-bot-api-10.1.json` lists every method and type with its fields, their types
  ("Integer", "Array of BotCommand", "InlineKeyboardMarkup or ReplyKeyboardMarkup", ...) and whether
  they are required; limits such as "1-64 bytes" or "1-4096 characters" live in the descriptions and
  are read from there. A request is form fields (strings, JSON strings for objects, bytes for files),
  so each field is read as the spec types it before it is checked.
- Discord: `openapi.json` (OpenAPI 3.1, so JSON Schema 2020-12) is checked with `jsonschema`. The
  route must be one the spec has, with that HTTP method; the body must match the request schema;
  query parameters must be known. The spec leaves most objects open, so every object schema that
  lists its properties is closed first: a field the spec does not know is reported, not ignored.

Each check returns a list of problems (empty when all is well); the emulators record them, and a
test that caused one fails when its emulator stops. Specs are read once per test session.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ["DiscordSpec", "TelegramSpec", "discord_spec", "specs_dir", "telegram_spec"]

JSONDict = dict[str, Any]
_LIMIT = re.compile(r"\b(\d+)-(\d+) (characters|bytes)\b")
_INTEGER = re.compile(r"-?\d+")


def specs_dir() -> Path:
    """`REKINDLE_SPECS_DIR`, else `shared/specs` beside the checkout (where CI and every worktree has it)."""
    configured = os.environ.get("REKINDLE_SPECS_DIR")
    root = Path(configured) if configured else Path(__file__).resolve().parents[3] / "shared" / "specs"
    if not root.is_dir():
        raise FileNotFoundError(
            f"the API specs are not at {root}: put shared/specs beside the checkout or set REKINDLE_SPECS_DIR"
        )
    return root


# ---- Telegram ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    types: tuple[str, ...]
    required: bool
    limit: tuple[int, int, str] | None  # (low, high, "characters" | "bytes")


def _fields(raw: Iterable[JSONDict]) -> dict[str, _Field]:
    out: dict[str, _Field] = {}
    for field in raw:
        match = _LIMIT.search(field.get("description", ""))
        limit = (int(match[1]), int(match[2]), match[3]) if match else None
        out[field["name"]] = _Field(field["name"], tuple(field["types"]), bool(field["required"]), limit)
    return out


class TelegramSpec:
    """The Bot API reference as data: `check_request(method, params)` and `check_update(update)`."""

    def __init__(self, data: JSONDict) -> None:
        self.version = str(data.get("version", ""))
        self._methods = {name: _fields(m.get("fields", ())) for name, m in data["methods"].items()}
        self._types = {name: _fields(t.get("fields", ())) for name, t in data["types"].items()}
        self._subtypes = {name: tuple(t["subtypes"]) for name, t in data["types"].items() if "subtypes" in t}

    def knows(self, method: str) -> bool:
        return method in self._methods

    def check_request(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """A Bot API call as the server reads it: form fields are strings, uploads are bytes."""
        fields = self._methods.get(method)
        if fields is None:
            return [f"{method}: no such method in the Bot API"]
        problems = [f"{method}: unknown parameter {name!r}" for name in params if name not in fields]
        for field in fields.values():
            if field.name not in params:
                if field.required:
                    problems.append(f"{method}: required parameter {field.name!r} is missing")
                continue
            problems += self._field(f"{method}.{field.name}", field, params[field.name], form=True)
        return problems

    def check_update(self, update: JSONDict) -> list[str]:
        return self._object("Update", update, "Update")

    def check_object(self, type_name: str, value: Any) -> list[str]:
        return self._value(type_name, (type_name,), value, form=False)

    def _field(self, where: str, field: _Field, value: Any, *, form: bool) -> list[str]:
        problems = self._value(where, field.types, value, form=form)
        if problems or field.limit is None or not isinstance(value, str):
            return problems
        low, high, unit = field.limit
        size = len(value.encode()) if unit == "bytes" else len(value.encode("utf-16-le")) // 2
        if not low <= size <= high:
            return [f"{where}: {size} {unit}, the spec allows {low}-{high}"]
        return []

    def _value(self, where: str, types: tuple[str, ...], value: Any, *, form: bool) -> list[str]:
        """Valid when any of `types` accepts it; otherwise the problems of the closest match."""
        best: list[str] | None = None
        for kind in types:
            problems = self._one(where, kind, value, form=form)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        return best or [f"{where}: no type given"]

    def _one(self, where: str, kind: str, value: Any, *, form: bool) -> list[str]:
        structured = kind.startswith("Array of ") or kind in self._types
        # A form field holds an object or a list as JSON; a file given by id or URL is a plain string.
        if form and isinstance(value, str) and structured and kind != "InputFile":
            try:
                value = json.loads(value)
            except ValueError:
                return [f"{where}: expected JSON for {kind}, got {value!r:.60}"]
            form = False
        if kind.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{where}: expected {kind}"]
            inner = kind.removeprefix("Array of ")
            return [p for i, item in enumerate(value) for p in self._one(f"{where}[{i}]", inner, item, form=False)]
        scalar = _scalar(kind, value, form=form)
        if scalar is not None:
            return [] if scalar else [f"{where}: expected {kind}, got {value!r:.60}"]
        if kind == "InputFile":
            return [] if isinstance(value, bytes | str) else [f"{where}: expected InputFile"]
        if kind in self._subtypes:
            return self._value(where, self._subtypes[kind], value, form=False)
        if kind in self._types:
            return self._object(where, value, kind)
        return [f"{where}: the spec has no type {kind!r}"]

    def _object(self, where: str, value: Any, kind: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: expected a {kind} object"]
        fields = self._types[kind]
        problems = [f"{where}: {kind} has no field {name!r}" for name in value if name not in fields]
        for field in fields.values():
            if field.name in value:
                problems += self._field(f"{where}.{field.name}", field, value[field.name], form=False)
            elif field.required:
                problems.append(f"{where}: {kind} needs {field.name!r}")
        return problems


def _scalar(kind: str, value: Any, *, form: bool) -> bool | None:
    """Whether `value` is a `kind` scalar; None when `kind` is not a scalar type."""
    if kind == "String":
        return isinstance(value, str)
    if form and isinstance(value, str):
        if kind == "Integer":
            return _INTEGER.fullmatch(value) is not None
        if kind == "Float":
            try:
                float(value)
            except ValueError:
                return False
            return True
        if kind in ("Boolean", "True"):
            return value in ("true", "True") if kind == "True" else value in ("true", "false", "True", "False")
    if kind == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "Boolean":
        return isinstance(value, bool)
    if kind == "True":
        return value is True
    return None


@functools.cache
def telegram_spec() -> TelegramSpec:
    path = specs_dir() / "telegram" / "telegram-bot-api-10.1.json"
    return TelegramSpec(json.loads(path.read_text(encoding="utf-8")))


# ---- Discord -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Route:
    template: str
    pattern: re.Pattern[str]
    literals: int  # segments without a {parameter}: the more, the more specific the route


class DiscordSpec:
    """The Discord OpenAPI document: `check_request(method, path, query, body, files)`."""

    def __init__(self, data: JSONDict) -> None:
        self._data = _closed(data)
        self._paths: dict[str, JSONDict] = self._data["paths"]
        self._routes = sorted(
            (_route(template) for template in self._paths), key=lambda r: r.literals, reverse=True
        )
        resource = Resource.from_contents(self._data, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource("urn:discord", resource)
        self._validators: dict[str, jsonschema.Draft202012Validator] = {}
        self._results: dict[tuple[str, str, str], tuple[str, ...]] = {}

    def route(self, method: str, path: str) -> str | None:
        """The spec's template for `path` (`/channels/{channel_id}/messages`) that has `method`."""
        for route in self._routes:
            if route.pattern.fullmatch(path) and method.lower() in self._paths[route.template]:
                return route.template
        return None

    def check_request(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        body: Any,
        files: Iterable[str] = (),
        *,
        multipart: bool = False,
    ) -> list[str]:
        where = f"{method} {path}"
        template = self.route(method, path)
        if template is None:
            known = any(r.pattern.fullmatch(path) for r in self._routes)
            return [f"{where}: {'no ' + method + ' for this route' if known else 'no such route'} in the spec"]
        operation = self._paths[template][method.lower()]
        where = f"{method} {template}"
        problems = self._check_query(where, operation, query)
        request = operation.get("requestBody")
        if request is None:
            if body not in (None, {}, []):
                problems.append(f"{where}: the spec takes no body here")
            return problems
        content = request["content"]
        media = "application/json" if "application/json" in content else next(iter(content))
        if body is None:
            if request.get("required"):
                problems.append(f"{where}: a body is required")
            return problems
        problems += self._check_schema(where, content[media]["schema"], body)
        if multipart or files:
            form = content.get("multipart/form-data")
            if form is None:
                problems.append(f"{where}: the spec takes no file upload here")
            else:
                allowed = _file_fields(form["schema"], self._data)
                problems += [f"{where}: unknown upload field {name!r}" for name in files if name not in allowed]
        return problems

    def _check_query(self, where: str, operation: JSONDict, query: Mapping[str, str]) -> list[str]:
        params = {p["name"]: p for p in operation.get("parameters", ()) if p.get("in") == "query"}
        problems = [f"{where}: unknown query parameter {name!r}" for name in query if name not in params]
        for name, raw in query.items():
            if name in params:
                problems += self._check_schema(f"{where}?{name}", params[name]["schema"], _query_value(raw))
        return problems

    def _check_schema(self, where: str, schema: JSONDict, value: Any) -> list[str]:
        # Many requests repeat (the same buttons for every user): a checked body is not checked again.
        key = (where, json.dumps(schema, sort_keys=True), json.dumps(value, sort_keys=True))
        known = self._results.get(key)
        if known is not None:
            return list(known)
        validator = self._validators.get(key[1])
        if validator is None:
            validator = jsonschema.Draft202012Validator(_rooted(schema), registry=self._registry)
            self._validators[key[1]] = validator
        problems = [f"{where}: {_describe(error)}" for error in _best(validator.iter_errors(value))]
        if len(self._results) > 20_000:
            self._results.clear()
        self._results[key] = tuple(problems)
        return problems


def _rooted(schema: JSONDict) -> JSONDict:
    """Local `#/components/...` references resolve inside the registered document."""
    return json.loads(json.dumps(schema).replace('"$ref": "#/', '"$ref": "urn:discord#/'))


def _best(errors: Iterable[jsonschema.ValidationError]) -> list[jsonschema.ValidationError]:
    """The most telling top-level error (not jsonschema's best_match, which dives into a oneOf's
    branches by its own rule; `_describe` chooses the branch)."""
    found = list(errors)
    return [max(found, key=jsonschema.exceptions.relevance)] if found else []


def _describe(error: jsonschema.ValidationError) -> str:
    at = "/".join(str(p) for p in error.absolute_path) or "(body)"
    if not error.context:
        return f"{at}: {error.message[:200]}"
    if not isinstance(error.instance, dict | list):
        # A scalar that fits no branch of a oneOf/anyOf: say how it failed each ("an int, not a string").
        branches = sorted({e.message[:120] for e in error.context})[:4]
        return f"{at}: {error.instance!r:.60} matches none of the allowed forms ({'; '.join(branches)})"
    # An object that fits no branch: the branch whose discriminator it matches (no wrong `type`
    # value or wrong kind of value at its top) is the one it meant, and its failure is worth reading.
    depth = len(error.absolute_path)
    by_branch: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)

    def rank(errs: list[jsonschema.ValidationError]) -> tuple[bool, int, int]:
        other_kind = any(
            e.validator in ("enum", "const", "type") and len(e.absolute_path) <= depth + 1 for e in errs
        )
        return other_kind, len(errs), -max(len(e.absolute_path) for e in errs)

    meant = min(by_branch.values(), key=rank)
    return _describe(max(meant, key=jsonschema.exceptions.relevance))


def _query_value(raw: str) -> Any:
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if raw in ("0", "1"):  # discord.py sends booleans in query strings as 0/1
        return raw == "1"
    if _INTEGER.fullmatch(raw):
        return int(raw)
    return raw


def _file_fields(schema: JSONDict, data: JSONDict) -> set[str]:
    names: set[str] = set()
    for part in schema.get("allOf", [schema]):
        names.update(name for name in part.get("properties", {}) if name.startswith("files["))
    return names


def _route(template: str) -> _Route:
    parts = template.strip("/").split("/")
    regex = "/" + "/".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return _Route(template, re.compile(regex), sum(not p.startswith("{") for p in parts))


def _closed(data: JSONDict) -> JSONDict:
    """A copy where every object schema that lists its properties allows no others.

    A oneOf also becomes an anyOf: a value either fits one of the forms or none, and anyOf stops at
    the first that fits, where oneOf tries every form (a message with fifteen buttons took 9 ms).
    """
    out = copy.deepcopy(data)

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if (
                "properties" in node
                and "additionalProperties" not in node
                and "patternProperties" not in node
            ):
                node["additionalProperties"] = False
            if "oneOf" in node and "anyOf" not in node:
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(out["components"])
    close(out["paths"])
    return out


@functools.cache
def discord_spec() -> DiscordSpec:
    path = specs_dir() / "discord" / "openapi.json"
    return DiscordSpec(json.loads(path.read_text(encoding="utf-8")))
