"""Each YAML text parsed, and each parsed document checked against its schema, once per test process.

Hundreds of tests check a copy of the repository with one file edited (conftest's ``Repo``, the
fuzz's mutants): the other files parse and validate exactly as before. Both steps are
deterministic in their input, and nothing downstream changes a Document (test_parse_once.py
checks that premise over a whole check and plan), so the first answer is kept and given again.
Every distinct text still goes through the real loader and the real schema once per process,
and the commands a test starts as a subprocess do all their work themselves.

Installed for the whole run by conftest.py; ``python tests/fuzz_mutants.py`` installs it alone.
"""

from __future__ import annotations

from typing import Any

from errorops import pipeline
from errorops.load import yaml_source

_REAL = (yaml_source.parse_text, pipeline.validate_document)
# (text, display) -> (document, problems); id(document), schema, declared -> (document, problems).
# Each value holds its document, so no id is reused while the cache lives.
_parsed: dict[tuple[str, str], tuple[Any, list[Any]]] = {}
_validated: dict[tuple[int, str, frozenset[str]], tuple[Any, list[Any]]] = {}


def _parse_text(text: str, display: str) -> tuple[Any, list[Any]]:
    key = (text, display)
    if key not in _parsed:
        _parsed[key] = _REAL[0](text, display)
    doc, problems = _parsed[key]
    return doc, list(problems)


def _validate_document(doc: Any, schema_name: str, declared: frozenset[str] = frozenset()) -> list[Any]:
    key = (id(doc), schema_name, declared)
    if key not in _validated:
        _validated[key] = (doc, _REAL[1](doc, schema_name, declared))
    return list(_validated[key][1])


def install() -> None:
    yaml_source.parse_text, pipeline.validate_document = _parse_text, _validate_document


def installed() -> bool:
    return yaml_source.parse_text is _parse_text


def uninstall() -> None:
    yaml_source.parse_text, pipeline.validate_document = _REAL
    forget()


def forget() -> None:
    """Empty the caches (they stay installed)."""
    _parsed.clear()
    _validated.clear()


def fresh_parse(text: str, display: str) -> tuple[Any, list[Any]]:
    """The loader itself, past the cache."""
    return _REAL[0](text, display)


def parsed_documents() -> list[tuple[str, str, Any]]:
    """(text, display, document) of every text parsed so far into a document."""
    return [(text, display, doc) for (text, display), (doc, _) in _parsed.items() if doc is not None]
