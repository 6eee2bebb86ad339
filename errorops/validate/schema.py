"""JSON Schema validation (draft 2020-12) with errors placed on the offending line."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from collections.abc import Mapping
from typing import Any, Iterator

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from ..load.yaml_source import Document, PathKey
from ..problems import Problem
from .secrets import is_secret_path

# Schemas for the Pulumi files themselves, and for alert_tests/ (errorops test); every other
# schema is a kind of rule file.
PULUMI_SCHEMAS = ("stack", "pulumi_project")
NOT_RULE_SCHEMAS = (*PULUMI_SCHEMAS, "alert_tests")


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    text = resources.files("errorops.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    # Checking the schema against the metaschema costs more than validating every file, and
    # the schemas ship with the code: tests/test_schema_validation.py checks each once.
    return Draft202012Validator(json.loads(text))


@lru_cache(maxsize=None)
def rule_kinds() -> tuple[str, ...]:
    suffix = ".schema.json"
    names = (p.name[: -len(suffix)] for p in resources.files("errorops.schemas").iterdir() if p.name.endswith(suffix))
    return tuple(sorted(n for n in names if n not in NOT_RULE_SCHEMAS))


def dotted(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _declared(schema: Mapping[str, Any], key: str) -> bool:
    if key in schema.get("properties", {}):
        return True
    return any(re.search(p, key) for p in schema.get("patternProperties", {}))


def _secret_message(path: PathKey, error: ValidationError) -> str:
    """The message of an error at a secret position, built from the schema alone: jsonschema's
    own message quotes the instance, which here is (part of) a secret."""
    if len(path) == 2 and path[0] == "config" and not isinstance(error.instance, dict):
        key = path[1]
        return (f"{dotted(path)}: is a secret and must not be stored in plain text; set it with: "
                f"pulumi config set --secret {key.split(':', 1)[1] if key.startswith('errorops:') else key} ...")
    if isinstance(error.validator, str) and error.validator in ("pattern", "type", "format"):
        why = {"pattern": "does not match", "type": "is not of type", "format": "is not a"}[error.validator]
        return f"{dotted(path)}: {why} {error.validator_value!r}"
    return f"{dotted(path)}: is not valid here ({error.validator})"


def _problems(doc: Document, error: ValidationError, declared: frozenset[str] = frozenset()) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        assert isinstance(error.schema, Mapping)  # the schema holding additionalProperties is an object
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        for key in error.instance:
            if not _declared(error.schema, key):
                # Inside a secret, a key may be a pasted secret itself: name the place, not the key.
                what = f"{dotted(path)}: unknown key" if is_secret_path(path, declared) else \
                    f"{dotted(path + (key,))}: unknown key '{key}'"
                yield doc.problem(path + (key,), f"{what} (allowed: {allowed})", key=True)
        return
    if error.validator == "required":
        yield doc.problem(path, f"{dotted(path)}: {error.message.replace('is a required property', 'is required')}")
        return
    if "propertyNames" in error.relative_schema_path:
        # jsonschema reports the key's own failure (e.g. pattern) at the mapping's path.
        key = error.instance
        why = f"does not match {error.validator_value!r}" if error.validator == "pattern" else f"is not allowed: {error.message}"
        yield doc.problem(path + (key,), f"{dotted(path)}: key '{key}' {why}", key=True)
        return
    if error.validator in ("anyOf", "oneOf") and error.context:
        # Prefer the branch written for this kind of value over "is not of type ...".
        shaped = [e for e in error.context if e.validator != "type"] or error.context
        yield from _problems(doc, best_match(shaped), declared)
        return
    if is_secret_path(path, declared):
        yield doc.problem(path, _secret_message(path, error))
        return
    yield doc.problem(path, f"{dotted(path)}: {error.message}")


def validate_document(doc: Document, schema_name: str, declared: frozenset[str] = frozenset()) -> list[Problem]:
    """Schema problems of a document; ``declared``: the stack config keys Pulumi.yaml makes secret."""
    errors = sorted(validator(schema_name).iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path])
    return [p for error in errors for p in _problems(doc, error, declared)]


def schema_for(doc: Document) -> tuple[str | None, list[Problem]]:
    """Which rule-file schema a document declares with its ``kind``."""
    data: Any = doc.data
    if not isinstance(data, dict):
        return None, [doc.problem((), "expected a mapping with a 'kind' key at the top level")]
    kind = data.get("kind")
    if kind is None:
        return None, [doc.problem((), f"missing 'kind' (one of: {', '.join(rule_kinds())})")]
    if kind not in rule_kinds():
        return None, [doc.problem(("kind",), f"unknown kind {kind!r} (one of: {', '.join(rule_kinds())})")]
    return kind, []
