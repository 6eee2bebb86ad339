"""Where secrets sit, and messages that never print them.

A value is *secret* when it is a ``secure:`` value, the value of a stack config key
that Pulumi.yaml declares ``secret: true``, or the value of any key that looks like a
credential (``sentry:token``, ``gcp:credentials``, ``slackAuthToken``, ``password``...).
Two layers keep such values out of every message, whatever the output format:

- ``schema.py`` builds the message of an error at a secret position from the schema
  alone (``does not match '^v1:'``), never from the instance, as jsonschema would;
- ``redact`` replaces, in every problem of a run, the text of every secret value
  found in the documents, so that a message built elsewhere cannot leak one either.

Passing (Pulumi.prod.yaml)::

    config:
      sentry:token: {secure: v1:...}

Failing (plain text; the message names the key, never the token)::

    config:
      sentry:token: sntrys_abc...
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import lru_cache
from importlib import resources
from collections.abc import Iterable, Iterator
from typing import Any

from ..load.yaml_source import Document, PathKey
from ..problems import Problem



@lru_cache(maxsize=None)
def _credential() -> re.Pattern[str]:
    """The last word of a key (camelCase, snake_case, kebab-case) that names a credential:
    one pattern, the one stack.schema.json holds every such config key to ``secure:`` with."""
    schema = json.loads(resources.files("errorops.schemas").joinpath("stack.schema.json").read_text("utf-8"))
    (pattern,) = schema["properties"]["config"]["patternProperties"]
    return re.compile(pattern)


# Redacting very short strings would blank out ordinary words of unrelated messages.
_MIN_REDACTED = 4
REDACTED = "[secret]"


def credential_key(key: Any) -> bool:
    return isinstance(key, str) and _credential_word(key)


@lru_cache(maxsize=4096)
def _credential_word(key: str) -> bool:
    # Cached: the same few hundred keys recur in every document, and each is asked about often.
    return bool(_credential().search(key))


def declared_secrets(project: Document | None) -> frozenset[str]:
    """Stack config keys (``<project>:<key>``) that Pulumi.yaml declares ``secret: true``."""
    if project is None or not isinstance(project.data, dict):
        return frozenset()
    name, config = project.data.get("name"), project.data.get("config")
    if not isinstance(name, str) or not isinstance(config, dict):
        return frozenset()
    return frozenset(f"{name}:{k}" for k, v in config.items() if isinstance(v, dict) and v.get("secret") is True)


def is_secret_path(path: PathKey, declared: frozenset[str] = frozenset()) -> bool:
    """Whether the value at ``path`` (of any document) is, or lies inside, a secret."""
    if len(path) >= 2 and path[0] == "config" and path[1] in declared:
        return True
    return any(part == "secure" or credential_key(part) for part in path)


def secret_values(doc: Document, declared: frozenset[str] = frozenset()) -> Iterator[str]:
    """The text of every secret value in a document (strings and numbers, as written)."""
    def walk(value: Any, path: PathKey, inside: bool) -> Iterator[str]:
        # A path is secret when a prefix is (config.<declared key> being two parts long): given the
        # parent's answer, only what the last part adds is asked, not the whole path at every node.
        inside = inside or is_secret_path(path if len(path) <= 2 else path[-1:], declared)
        if isinstance(value, dict):
            for key, item in value.items():
                if inside and key != "secure":  # a key inside a secret may be a pasted secret too
                    yield str(key)
                yield from walk(item, path + (key,), inside)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, path + (index,), inside)
        elif inside and value is not None and not isinstance(value, bool):
            yield str(value)

    yield from walk(doc.data, (), False)


def redact(problems: Iterable[Problem], secrets: Iterable[str]) -> list[Problem]:
    # As written, and as repr() and JSON escape it (a message may quote either way);
    # longest first, so that a secret containing another is replaced whole.
    forms = {form for s in secrets for form in (s, repr(s)[1:-1], json.dumps(s)[1:-1])}
    texts = sorted((f for f in forms if len(f) >= _MIN_REDACTED), key=len, reverse=True)
    out = []
    for problem in problems:
        message = problem.message
        for text in texts:
            message = message.replace(text, REDACTED)
        out.append(dataclasses.replace(problem, message=message) if message != problem.message else problem)
    return out
