"""The describer of a resource type: its title, its line in the plan table, and its sentences in a diff.

The base class is the generic describer: a title, the inputs as ``key=value`` pairs in
the table, no summary, and every changed input as ``path: old -> new``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .changes import Explained, generic, leaf_changes
from .roles import Roles
from .sentence import Raw, Sentence, say
from .values import MISSING, get, opt, show


def pair_value(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ",".join(map(str, value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)


def pairs(inputs: dict[str, Any]) -> str:
    """``key=value  key=value`` in key order: the table line of a resource nobody describes."""
    return "  ".join(f"{k}={pair_value(v)}" for k, v in sorted(inputs.items()))


class Describer:
    kind = ""  # what a reviewer calls it ("Sentry alert"); "" for the type token itself
    rank = 3  # where a review lists it: what notifies people first

    def title(self, inputs: dict[str, Any]) -> str | None:
        for path in (("displayName",), ("payload", "name"), ("name",)):
            value = get(inputs, *path)
            if isinstance(value, str) and value:
                return value
        return None

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        """The plan table's text (lines after the first stand under it). ``feeder``: the
        inputs of the resource that feeds this one (a Sentry alert's metric monitor)."""
        return pairs(inputs)

    def summary(self, stack: str, inputs: dict[str, Any], roles: Roles) -> list[Sentence]:
        """What a review says of the resource when it is added or removed."""
        return []

    def changes(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles) -> list[Sentence]:
        explained = Explained(leaf_changes(old, new))
        out = self.describe(stack, old, new, roles, explained)
        return out + [generic(c) for c in explained.rest()]

    def describe(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles,
                 ex: Explained) -> list[Sentence]:
        """The changes this describer puts into words (marked in ``ex``)."""
        return []


def scalar(ex: Explained, old: Any, new: Any, path: tuple[Any, ...], template: str,
           fmt: Callable[[Any], str] = show) -> list[Sentence]:
    """One ``template`` sentence ("window {} -> {}") if the value at ``path`` differs."""
    a, b = get(old, *path, default=MISSING), get(new, *path, default=MISSING)
    if a == b:
        return []
    ex.take_under(*path)
    return [say(template, Raw(opt(a, fmt)), Raw(opt(b, fmt)))]


def toggled(ex: Explained, old: Any, new: Any, path: tuple[Any, ...], on: str, off: str) -> list[Sentence]:
    a, b = get(old, *path, default=MISSING), get(new, *path, default=MISSING)
    if a == b or not isinstance(b, bool):
        return []
    ex.take_under(*path)
    return [say(on if b else off)]


class Named(Describer):
    """A resource with a reviewer's name and, optionally, a table line of its own; its
    changes are listed leaf by leaf."""

    def __init__(self, kind: str, line: Callable[[dict[str, Any]], str] | None = None, rank: int = 3):
        self.kind, self.rank, self._line = kind, rank, line

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        return self._line(inputs) if self._line else pairs(inputs)
