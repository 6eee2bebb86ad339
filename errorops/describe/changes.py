"""What differs between two JSON values, leaf by leaf, and the generic words for a difference.

A describer puts the leaves it understands into words and marks them ``Explained``;
every other changed leaf still gets a ``path: old -> new`` line, so nothing that
changes is left out of a review.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any, Iterator

from .sentence import Sentence, say
from .values import MISSING

Path_ = tuple[Any, ...]


def _json_container(value: str) -> Any:
    text = value.strip()
    if not (text.startswith("{") or text.startswith("[")):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, (dict, list)) else None


def leaves(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every leaf of a JSON value. Lists of scalars are one leaf; JSON text is walked into."""
    if isinstance(value, dict):
        if not value:
            yield path, {}
        for key in sorted(value):
            yield from leaves(value[key], path + (key,))
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        for i, item in enumerate(value):
            yield from leaves(item, path + (i,))
    elif isinstance(value, str) and (parsed := _json_container(value)) is not None:
        yield from leaves(parsed, path)
    else:
        yield path, value


def _path_key(path: Path_) -> tuple[Any, ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in path)


def path_text(path: Path_) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(value)"


@dataclass(frozen=True)
class Leaf:
    path: Path_
    old: Any
    new: Any


def leaf_changes(old: Any, new: Any) -> list[Leaf]:
    a, b = dict(leaves(old)), dict(leaves(new))
    paths = sorted(set(a) | set(b), key=_path_key)
    return [Leaf(p, a.get(p, MISSING), b.get(p, MISSING)) for p in paths if a.get(p, MISSING) != b.get(p, MISSING)]


def _long(value: Any) -> bool:
    return isinstance(value, str) and ("\n" in value or len(value) > 160)


def generic(change: Leaf, prefix: str = "") -> Sentence:
    """``path: old -> new``; long texts as a line count with a unified diff underneath."""
    where = prefix + path_text(change.path)
    if _long(change.old) or _long(change.new):
        old = change.old.splitlines() if isinstance(change.old, str) else []
        new = change.new.splitlines() if isinstance(change.new, str) else []
        lines = [line for line in difflib.unified_diff(old, new, lineterm="", n=1)][2:]
        added = sum(1 for line in lines if line.startswith("+"))
        removed = sum(1 for line in lines if line.startswith("-"))
        return say(f"{{}}: text changed ({added} lines added, {removed} removed)", where, detail=tuple(lines))
    if isinstance(change.old, list) and isinstance(change.new, list):
        adds = [v for v in change.new if v not in change.old]
        dropped = [v for v in change.old if v not in change.new]
        if adds and dropped:
            return say("{}: adds {}, drops {}", where, adds, dropped)
        if adds or dropped:
            return say("{}: adds {}", where, adds) if adds else say("{}: drops {}", where, dropped)
    if change.old is MISSING:
        return say("{}: set to {}", where, change.new)
    if change.new is MISSING:
        return say("{}: removed (was {})", where, change.old)
    return say("{}: {} -> {}", where, change.old, change.new)


class Explained:
    """The leaves a describer has put into words; the rest get the generic line."""

    def __init__(self, changes: list[Leaf]):
        self.changes = changes
        self._done: set[Path_] = set()
        self._prefixes: list[Path_] = []

    def take(self, *path: Any) -> None:
        self._done.add(tuple(path))

    def take_under(self, *prefix: Any) -> None:
        self._prefixes.append(tuple(prefix))

    def rest(self) -> list[Leaf]:
        return [
            c
            for c in self.changes
            if c.path not in self._done and not any(c.path[: len(p)] == p for p in self._prefixes)
        ]
