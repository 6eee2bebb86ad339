"""Strict YAML loading that remembers where every node came from.

PyYAML's ``safe_load`` accepts things that hide mistakes in reviewed
configuration: a repeated key silently wins, an alias bomb expands without
limit, a tab may pass. Here the node tree is composed with the safe loader and
turned into plain data by hand, so every refusal can name a line and column.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..problems import Problem

MAX_BYTES = 1024 * 1024
# Reviewed configuration never needs more; an alias bomb always does.
MAX_NODES = 100_000

PathKey = tuple[Any, ...]


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class Document:
    """A parsed file: plain data plus the 1-based position of every value and key."""

    path: str
    data: Any
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        """Position of the node at ``path``, or of its nearest ancestor that has one."""
        if key and path in self.keys:
            return self.keys[path]
        path = tuple(path)
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Position(1, 1))

    def problem(self, path: PathKey, message: str, *, key: bool = False, rule: str = "error") -> Problem:
        pos = self.position(path, key=key)
        return Problem(self.path, pos.line, pos.column, message, rule)


_PLAIN_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.node = node
        self.message = message


def _at(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    # A byte-order mark is allowed, and is not part of the first line.
    raw = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line_start = before.rfind(b"\n") + 1
        # Columns count characters, as editors and every other message here do.
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        return None, [
            Problem(display, before.count(b"\n") + 1, column,
                    f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)")
        ]


def _tab_problems(text: str, display: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            problems.append(
                Problem(display, number, indent.index("\t") + 1, "tab character in indentation; indent with spaces")
            )
    return problems


class _Builder:
    """Turns a composed node tree into plain data, recording positions."""

    def __init__(self, loader: yaml.SafeLoader, doc: Document):
        self.loader = loader
        self.doc = doc
        self.count = 0
        self.active: set[int] = set()

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Refused(node, f"document expands to more than {MAX_NODES} nodes (anchors and aliases?)")
        self.doc.values.setdefault(path, _at(node.start_mark))
        if id(node) in self.active:
            raise _Refused(node, "recursive alias: a node contains itself")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if node.tag not in _PLAIN_TAGS:
            raise _Refused(node, f"tag {node.tag} is not allowed; configuration is plain lists and mappings")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. an integer past Python's digit limit
            raise _Refused(node, f"value cannot be read: {str(exc).split(';')[0]}") from None
        # Dates would reach the schema as datetime objects; the files mean text.
        if isinstance(value, (datetime.date, datetime.datetime)):
            return node.value
        if isinstance(value, bytes):
            raise _Refused(node, "binary scalars (!!binary) are not allowed")
        return value

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict:
        result: dict = {}
        first_seen: dict[Any, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(key_node, "merge keys ('<<') are not supported; write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(key_node, "mapping keys must be plain scalars")
            key = self._scalar(key_node)
            if not isinstance(key, str):
                key = str(key_node.value)
            here = _at(key_node.start_mark)
            if key in first_seen:
                seen = first_seen[key]
                raise _Refused(
                    key_node, f"duplicate key '{key}' (first defined at line {seen.line}, column {seen.column})"
                )
            first_seen[key] = here
            self.doc.keys[path + (key,)] = here
            result[key] = self.build(value_node, path + (key,))
        return result


def load_yaml(path: Path, display: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Load one YAML file strictly. Returns the document, or None and the reasons."""
    display = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(display, 1, 1, f"file is {size} bytes; configuration files are limited to {MAX_BYTES}")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    text, problems = _decode(raw, display)
    if text is None:
        return None, problems
    problems = _tab_problems(text, display)
    if problems:
        return None, problems
    return parse_text(text, display)


def _control(exc: yaml.reader.ReaderError) -> str:
    char = chr(exc.character) if isinstance(exc.character, int) else exc.character
    return f"invalid YAML: control character {char!r} is not allowed"


def _reader_position(text: str, index: int) -> Position:
    before = text[:index]
    return Position(before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


def parse_text(text: str, display: str) -> tuple[Document | None, list[Problem]]:
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        pos = _reader_position(text, exc.position)
        return None, [Problem(display, pos.line, pos.column, _control(exc))]
    try:
        node = loader.get_single_node()
        doc = Document(display, None)
        if node is not None:
            doc.data = _Builder(loader, doc).build(node, ())
        return doc, []
    except _Refused as exc:
        pos = _at(exc.node.start_mark)
        return None, [Problem(display, pos.line, pos.column, exc.message)]
    except yaml.reader.ReaderError as exc:
        pos = _reader_position(text, exc.position)
        return None, [Problem(display, pos.line, pos.column, _control(exc))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _at(mark) if mark else Position(1, 1)
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if "expected a single document" in message:
            message = "expected a single YAML document in the file, found more ('---')"
        return None, [Problem(display, pos.line, pos.column, f"invalid YAML: {message}")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, 1, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
