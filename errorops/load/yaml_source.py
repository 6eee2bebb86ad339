"""Strict YAML loading that remembers where every node came from.

PyYAML's ``safe_load`` accepts things that hide mistakes in reviewed
configuration: a repeated key silently wins, an alias bomb expands without
limit, a tab may pass. Here the node tree is composed with the safe loader and
turned into plain data by hand, so every refusal can name a line and column.
"""

from __future__ import annotations

import datetime
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from ..problems import Problem

MAX_BYTES = 1024 * 1024
# Reviewed configuration never needs more; an alias bomb always does.
MAX_NODES = 100_000
# Nesting this deep is never configuration; far deeper would exhaust Python's recursion
# limit in the composer, the schema validator or the model.
MAX_DEPTH = 32
# The longest text in the files is a runbook paragraph of a few hundred characters, and
# Cloud Monitoring takes documentation up to 8192 (which a crossref rule checks, naming the
# rendered length); four times that in one value is a mistake, a megabyte title an attack.
MAX_STRING = 32768
# JSON (the plan, Sentry's API) carries integers exactly up to 2**53.
MAX_INT = 2**53

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

    def problem(self, path: PathKey, message: str, *, key: bool = False, rule: str = "") -> Problem:
        pos = self.position(path, key=key)
        return Problem(self.path, pos.line, pos.column, message, rule)


_PLAIN_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class _Refused(Exception):
    def __init__(self, node: yaml.Node | yaml.Event, message: str):
        super().__init__(message)
        self.node = node
        self.message = message


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
_COLLECTION_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_COLLECTION_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _prescan(text: str) -> None:
    """One pass over the parser's events before any node is composed.

    The node tree is then composed by libyaml's composer (when PyYAML has libyaml: several
    times faster than its Python one), which recurses in C: nesting is refused here first,
    at the node that goes too deep. Aliases are checked here too, so that an undefined alias
    or a repeated anchor is named (libyaml's composer says only "found undefined alias").
    The checks, messages and marks are PyYAML's own composer's (yaml/composer.py).
    """
    scanner = _Loader(text)
    try:
        depth = 0
        documents = 0
        anchors: dict[str, Any] = {}
        while True:
            event = scanner.get_event()
            if isinstance(event, _NODE_EVENTS):
                if depth >= MAX_DEPTH:
                    raise _Refused(event, f"nesting deeper than {MAX_DEPTH} levels")
                anchor = event.anchor
                mark: Any = event.start_mark  # PyYAML's Mark, or libyaml's (the stubs know only the first)
                if isinstance(event, yaml.AliasEvent):
                    if anchor not in anchors:
                        raise yaml.composer.ComposerError(None, None, f"found undefined alias {anchor!r}", mark)
                elif anchor is not None:
                    if anchor in anchors:
                        raise yaml.composer.ComposerError(f"found duplicate anchor {anchor!r}; first occurrence",
                                                          anchors[anchor], "second occurrence", mark)
                    anchors[anchor] = mark
                if isinstance(event, _COLLECTION_STARTS):
                    depth += 1
            elif isinstance(event, _COLLECTION_ENDS):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:  # the composer refuses a second document, as before
                    return
            elif isinstance(event, yaml.StreamEndEvent):
                return
    finally:
        scanner.dispose()


# YAML 1.2's core schema, which Pulumi (Go's yaml.v3) uses for Pulumi.*.yaml. PyYAML reads
# YAML 1.1, where 012345 is octal, yes/no/on/off are booleans and 1_000 and 1:30 are numbers.
_CORE_12 = (
    (re.compile(r"~|null|Null|NULL|"), lambda t: None),
    (re.compile(r"true|True|TRUE|false|False|FALSE"), lambda t: t.lower() == "true"),
    (re.compile(r"[-+]?[0-9]+"), int),
    (re.compile(r"0o[0-7]+"), lambda t: int(t[2:], 8)),
    (re.compile(r"0x[0-9a-fA-F]+"), lambda t: int(t[2:], 16)),
    (re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"), float),
    (re.compile(r"[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN"), lambda t: float(t.replace(".", ""))),
)


# Every pattern above matches only the empty text or a text starting with one of these.
_CORE_12_FIRST = frozenset("~nNtTfF0123456789+-.")
_STR = "tag:yaml.org,2002:str"


def _yaml12(text: str) -> Any:
    if text and text[0] not in _CORE_12_FIRST:
        return text
    for pattern, read in _CORE_12:
        if pattern.fullmatch(text):
            return read(text)
    return text


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


# C0 and C1 control characters other than tab and line breaks, and lone surrogates (which
# no UTF-8 file can hold, but a "\ud800" escape can): they break JSON, terminals and APIs.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class _Mark(Protocol):
    """A place in the text: PyYAML's Mark, or libyaml's (a different class with the same fields)."""

    line: int
    column: int


def _at(mark: _Mark) -> Position:
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


def _check_value(node: yaml.Node, value: Any) -> None:
    """Refuse values that pass a schema and break later. Messages never quote the value:
    it may be a secret."""
    if isinstance(value, float) and not math.isfinite(value):
        raise _Refused(node, "not a finite number (.nan and .inf cannot be planned or sent)")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= MAX_INT:
        raise _Refused(node, "number out of range (integers are limited to less than 2**53)")
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise _Refused(node, f"text of {len(value)} characters; values are limited to {MAX_STRING}")
        if value and not value.strip():
            # "" is a deliberate empty value (an unset id); blanks alone are a name nobody can read.
            raise _Refused(node, "text is only whitespace; write a value, or \"\" for none")
        bad = _BAD_CHAR.search(value)
        if bad:
            raise _Refused(node, f"text contains the control character or lone surrogate U+{ord(bad.group()):04X}")


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
            assert isinstance(node, yaml.MappingNode)  # the composer builds scalars, sequences and mappings only
            return self._mapping(node, path)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, *, key: bool = False) -> Any:
        if node.tag == _STR:
            value: Any = node.value  # what SafeConstructor.construct_yaml_str returns, without its dispatch
        else:
            try:
                value = self.loader.construct_object(node, deep=True)
            except ValueError as exc:  # e.g. an integer past Python's digit limit
                raise _Refused(node, f"value cannot be read: {str(exc).split(';')[0]}") from None
        # Dates would reach the schema as datetime objects; the files mean text.
        if isinstance(value, (datetime.date, datetime.datetime)):
            value = node.value
        if isinstance(value, bytes):
            raise _Refused(node, "binary scalars (!!binary) are not allowed")
        # A plain scalar: PyYAML says style None, libyaml says "".
        if not key and not node.style and not node.tag.startswith("!") and not _same(value, _yaml12(node.value)):
            raise _Refused(node, "this plain value reads differently in YAML 1.1 and in YAML 1.2, which Pulumi uses "
                                 "(octal 012, yes/no/on/off, 1_000, 1:30, 1e3); quote it if it is text, "
                                 "or write the number or true/false plainly")
        _check_value(node, value)
        return value

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(key_node, "merge keys ('<<') are not supported; write the keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(key_node, "mapping keys must be plain scalars")
            key = self._scalar(key_node, key=True)
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


class Unreadable(Exception):
    """A file that is not a regular file inside the repository, or is too large."""


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def read_regular(path: Path, within: Path | None = None, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit``; anything else raises Unreadable.

    A device (/dev/zero), a FIFO or a socket would hang or never end, so the file is
    opened non-blocking and checked with fstat on the open descriptor before any read.
    The limit holds for the bytes read, not for st_size, which a device reports as 0.
    """
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as exc:  # ELOOP: a symlink loop; ENOENT: a dangling link
        raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None
    if within is not None and os.path.commonpath([real, os.path.realpath(within)]) != os.path.realpath(within):
        raise Unreadable("is a symlink to a file outside the repository; copy the file in instead")
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            raise Unreadable(f"is {what}, not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Unreadable(f"file is larger than {limit} bytes; configuration files are limited to that")
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def load_yaml(path: Path, display: str | None = None, within: Path | None = None) -> tuple[Document | None, list[Problem]]:
    """Load one YAML file strictly. Returns the document, or None and the reasons.

    ``within``: the repository the file (after symlinks) must lie in."""
    display = display or str(path)
    try:
        raw = read_regular(path, within)
    except Unreadable as exc:
        return None, [Problem(display, 1, 1, str(exc), "files")]
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
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        pos = _reader_position(text, exc.position)
        return None, [Problem(display, pos.line, pos.column, _control(exc))]
    try:
        _prescan(text)
        node = loader.get_single_node()
        doc = Document(display, None)
        if node is not None:
            doc.data = _Builder(loader, doc).build(node, ())
        return doc, []
    except _Refused as exc:
        assert exc.node.start_mark is not None  # the parser marks every event and node it makes
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
