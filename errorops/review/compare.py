"""Two plans, compared resource by resource.

A resource is identified by (stack, type, logical name), as Pulumi identifies it within
a stack: the same key on both sides is the same resource, updated in place when its
inputs differ. Stacks present on one side only are added or removed as a whole.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from .roles import Roles
from .sentence import MISSING, Sentence, say

Path_ = tuple[Any, ...]


# --- leaf-level differences ---------------------------------------------------------------

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


def _path_key(path: Path_) -> tuple:
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


def get(value: Any, *path: Any, default: Any = None) -> Any:
    for p in path:
        if isinstance(p, int):
            if not isinstance(value, list) or not -len(value) <= p < len(value):
                return default
        elif not isinstance(value, dict) or p not in value:
            return default
        value = value[p]
    return value


def _long(value: Any) -> bool:
    return isinstance(value, str) and ("\n" in value or len(value) > 160)


def generic(change: Leaf, prefix: str = "") -> Sentence:
    """``path: old -> new``; long texts as a line count with a unified diff underneath."""
    where = prefix + path_text(change.path)
    if _long(change.old) or _long(change.new):
        old = change.old.splitlines() if isinstance(change.old, str) else []
        new = change.new.splitlines() if isinstance(change.new, str) else []
        lines = [l for l in difflib.unified_diff(old, new, lineterm="", n=1)][2:]
        added = sum(1 for l in lines if l.startswith("+"))
        removed = sum(1 for l in lines if l.startswith("-"))
        return say(f"{{}}: text changed ({added} lines added, {removed} removed)", where, detail=tuple(lines))
    if isinstance(change.old, list) and isinstance(change.new, list):
        added = [v for v in change.new if v not in change.old]
        dropped = [v for v in change.old if v not in change.new]
        if added and dropped:
            return say("{}: adds {}, drops {}", where, added, dropped)
        if added or dropped:
            return say("{}: adds {}", where, added) if added else say("{}: drops {}", where, dropped)
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


# --- resources and stacks -----------------------------------------------------------------

@dataclass
class ResourceChange:
    status: str  # added | removed | changed
    type: str
    name: str
    title: str | None
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class StackDiff:
    stack: str
    status: str  # added | removed | changed | same
    changes: list[ResourceChange] = field(default_factory=list)
    notes: list[Sentence] = field(default_factory=list)  # outputs, config, lookups
    resources: int = 0  # for an added/removed stack: how many resources it holds

    def count(self, status: str) -> int:
        return sum(1 for c in self.changes if c.status == status)

    @property
    def empty(self) -> bool:
        return not self.changes and not self.notes and self.status in ("same", "changed")


@dataclass
class Diff:
    base_label: str
    head_label: str
    stacks: list[StackDiff]

    @property
    def empty(self) -> bool:
        return all(s.empty for s in self.stacks)


def _by_key(plan: dict) -> dict[tuple[str, str], dict]:
    return {(r["type"], r["name"]): r for r in plan.get("resources", [])}


def _option_sentences(old: dict, new: dict) -> list[Sentence]:
    out = []
    if bool(old.get("protect")) != bool(new.get("protect")):
        out.append(
            say("now protected: pulumi refuses to delete it")
            if new.get("protect")
            else say("no longer protected: pulumi may delete or replace it")
        )
    old_deps, new_deps = set(old.get("depends_on") or []), set(new.get("depends_on") or [])
    out += [say("now depends on {}", d) for d in sorted(new_deps - old_deps)]
    out += [say("no longer depends on {}", d) for d in sorted(old_deps - new_deps)]
    skip = ("protect", "depends_on")
    for change in leaf_changes({k: v for k, v in old.items() if k not in skip}, {k: v for k, v in new.items() if k not in skip}):
        out.append(generic(change, "option "))
    return out


def _inputs(resource: dict | None) -> dict:
    inputs = resource.get("inputs") if resource is not None else None
    return inputs if isinstance(inputs, dict) else {}


def compare_resource(stack: str, old: dict | None, new: dict | None, roles: Roles) -> ResourceChange | None:
    from . import words

    resource = new if new is not None else old
    kind = words.describer(resource["type"])
    if old is None or new is None:
        status = "added" if old is None else "removed"
        sentences = kind.summary(stack, _inputs(resource), roles)
        if status == "removed" and resource.get("options", {}).get("protect"):
            sentences.append(say("protected: pulumi up fails until protect is lifted"))
        return ResourceChange(status, resource["type"], resource["name"], kind.title(_inputs(resource)), sentences)
    if old.get("inputs") == new.get("inputs") and old.get("options") == new.get("options"):
        return None
    sentences = kind.changes(stack, _inputs(old), _inputs(new), roles) if old.get("inputs") != new.get("inputs") else []
    sentences += _option_sentences(old.get("options") or {}, new.get("options") or {})
    return ResourceChange("changed", new["type"], new["name"], kind.title(_inputs(new)), sentences)


def _stack_notes(old: dict, new: dict) -> list[Sentence]:
    notes = []
    old_unset, new_unset = set(old.get("unset_config", [])), set(new.get("unset_config", []))
    for key in sorted(new_unset - old_unset):
        notes.append(say("config {} is now needed and unset in this stack: set it before pulumi up", key))
    for key in sorted(old_unset - new_unset):
        notes.append(say("config {} is no longer unset (set, defaulted or not read any more)", key))
    for change in leaf_changes(old.get("outputs", {}), new.get("outputs", {})):
        notes.append(generic(change, "output "))
    def lookups(plan: dict) -> set[str]:
        return {f"{l.get('token')} {json.dumps(l.get('args'), sort_keys=True)}" for l in plan.get("lookups", [])}
    for item in sorted(lookups(new) - lookups(old)):
        notes.append(say("now looks up {}", item))
    for item in sorted(lookups(old) - lookups(new)):
        notes.append(say("no longer looks up {}", item))
    return notes


def _order(change: ResourceChange) -> tuple:
    from .words import type_rank

    return (type_rank(change.type), change.type, change.name)


def compare_plans(base: list[dict], head: list[dict], roles: Roles, base_label: str, head_label: str) -> Diff:
    old_stacks = {p["stack"]: p for p in base}
    new_stacks = {p["stack"]: p for p in head}
    # Head's order (environments as declared), then stacks only the base has, in its order.
    names = [p["stack"] for p in head] + [p["stack"] for p in base if p["stack"] not in new_stacks]
    stacks = []
    for name in names:
        old, new = old_stacks.get(name), new_stacks.get(name)
        if old is None or new is None:
            plan = new if new is not None else old
            status = "added" if old is None else "removed"
            changes = [
                compare_resource(name, None if old is None else r, r if old is None else None, roles)
                for r in plan.get("resources", [])
            ]
            changes.sort(key=_order)
            stacks.append(StackDiff(name, status, changes, resources=len(changes)))
            continue
        a, b = _by_key(old), _by_key(new)
        changes = []
        for key in sorted(set(a) | set(b)):
            change = compare_resource(name, a.get(key), b.get(key), roles)
            if change is not None:
                changes.append(change)
        changes.sort(key=_order)
        notes = _stack_notes(old, new)
        stacks.append(StackDiff(name, "changed" if changes or notes else "same", changes, notes, len(b)))
    return Diff(base_label, head_label, stacks)
