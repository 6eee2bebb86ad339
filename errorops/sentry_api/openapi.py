"""Validate request bodies against Sentry's published OpenAPI request schemas."""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema

SPEC_PATH = Path(__file__).resolve().parents[2] / "vendor" / "sentry-openapi" / "sentry-openapi-subset.json"

# Django's re_camel_case, which Sentry's CamelSnakeSerializer uses to turn wire keys into the
# snake_case field names its OpenAPI schemas are generated from.
_CAMEL = re.compile(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))")


class BodyError(NamedTuple):
    """One schema violation; `path` uses the keys as written in the body."""

    path: tuple[str | int, ...]
    message: str
    value: Any

    @property
    def where(self) -> str:
        return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def camel_to_snake(key: str) -> str:
    return _CAMEL.sub(r"_\1", key).strip("_").lower()


def snake_to_camel(key: str) -> str:
    words = key.strip("_").split("_")
    return words[0].lower() + "".join(w.capitalize() for w in words[1:])


@functools.cache
def spec() -> dict[str, Any]:
    """The vendored spec, read on first use."""
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def request_schema(method: str, path_template: str) -> dict[str, Any] | None:
    """The published JSON request schema of an operation, or None if it takes no body."""
    try:
        operation = spec()["paths"][path_template][method.lower()]
    except KeyError:
        raise KeyError(f"{method.upper()} {path_template} is not in the vendored Sentry OpenAPI subset") from None
    body = operation.get("requestBody")
    if body is None:
        return None
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    return schema


def body_errors(method: str, path_template: str, body: Any) -> list[BodyError]:
    """Every violation of the operation's request schema, in a stable order."""
    validator = _validator(method.lower(), path_template)
    if validator is None:
        return []
    # Sentry converts camelCase keys to snake_case before validating, at every depth.
    converted = _convert_keys(body)
    errors: dict[tuple[tuple[str | int, ...], str], BodyError] = {}
    for error in validator.iter_errors(converted):
        path = _original_path(body, error.absolute_path)
        if error.validator == "required":
            # One error per missing key; name it the way callers write it.
            for key in error.validator_value:
                if isinstance(error.instance, dict) and key not in error.instance:
                    missing = BodyError(path, f"{snake_to_camel(key)!r} is a required property", None)
                    errors[(missing.path, missing.message)] = missing
            continue
        found = BodyError(path, _shorten(error.message), error.instance)
        errors[(found.path, found.message)] = found
    return sorted(errors.values(), key=lambda e: (e.where, e.message))


def validate_request(method: str, path_template: str, body: Any) -> list[str]:
    """Readable messages, each prefixed with the JSON path inside the body; empty if valid."""
    return [str(e) for e in body_errors(method, path_template, body)]


@functools.cache
def _validator(method: str, path_template: str) -> jsonschema.Draft4Validator | None:
    schema = request_schema(method, path_template)
    if schema is None:
        return None
    # OpenAPI 3.0 schemas are JSON Schema draft 4/5 plus `nullable`, which jsonschema ignores.
    return jsonschema.Draft4Validator(_with_nullable(copy.deepcopy(schema)))


def _shorten(message: str, limit: int = 300) -> str:
    # jsonschema quotes the whole offending value, which can be a large nested object.
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _with_nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_with_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _with_nullable(v) for k, v in node.items()}
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _convert_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {camel_to_snake(k) if isinstance(k, str) else k: _convert_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert_keys(v) for v in value]
    return value


def _original_path(body: Any, converted_path: Iterable[str | int]) -> tuple[str | int, ...]:
    path: list[str | int] = []
    node = body
    for part in converted_path:
        if isinstance(node, dict):
            part = next((k for k in node if isinstance(k, str) and camel_to_snake(k) == part), part)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        path.append(part)
    return tuple(path)


def response_errors(method: str, path_template: str, answer: Any, status: str = "200") -> list[str]:
    """Violations of the operation's published response schema (for the test doubles: an answer
    they make up must have the shape Sentry's answers have)."""
    validator = _response_validator(method.lower(), path_template, status)
    if validator is None:
        return []
    return sorted(f"$.{'.'.join(map(str, e.absolute_path))}: {_shorten(e.message)}" for e in validator.iter_errors(answer))


def query_parameters(method: str, path_template: str) -> frozenset[str]:
    """The query parameters the operation declares."""
    operation = spec()["paths"][path_template][method.lower()]
    return frozenset(p["name"] for p in operation.get("parameters", []) if p.get("in") == "query")


def response_example(method: str, path_template: str, status: str = "200") -> Any:
    """The first example answer Sentry publishes for the operation (a template for doubles)."""
    content = spec()["paths"][path_template][method.lower()]["responses"][status]["content"]["application/json"]
    return copy.deepcopy(next(iter(content["examples"].values()))["value"])


@functools.cache
def _response_validator(method: str, path_template: str, status: str) -> jsonschema.Draft4Validator | None:
    response = spec()["paths"][path_template][method.lower()].get("responses", {}).get(status, {})
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    return jsonschema.Draft4Validator(_with_nullable(copy.deepcopy(schema)))
