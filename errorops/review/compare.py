"""Two plans, compared resource by resource.

A resource is identified by (stack, type, logical name), as Pulumi identifies it within
a stack: the same key on both sides is the same resource, updated in place when its
inputs differ. Stacks present on one side only are added or removed as a whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..describe import describer, type_rank
from ..describe.changes import generic, leaf_changes
from ..describe.roles import Roles
from ..describe.sentence import Sentence, say


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


def _by_key(plan: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["type"], r["name"]): r for r in plan.get("resources", [])}


def _option_sentences(old: dict[str, Any], new: dict[str, Any]) -> list[Sentence]:
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


def _inputs(resource: dict[str, Any] | None) -> dict[str, Any]:
    inputs = resource.get("inputs") if resource is not None else None
    return inputs if isinstance(inputs, dict) else {}


def _added_or_removed(stack: str, resource: dict[str, Any], status: str, roles: Roles) -> ResourceChange:
    kind = describer(resource["type"])
    sentences = kind.summary(stack, _inputs(resource), roles)
    if status == "removed" and resource.get("options", {}).get("protect"):
        sentences.append(say("protected: pulumi up fails until protect is lifted"))
    return ResourceChange(status, resource["type"], resource["name"], kind.title(_inputs(resource)), sentences)


def compare_resource(stack: str, old: dict[str, Any] | None, new: dict[str, Any] | None, roles: Roles) -> ResourceChange | None:
    if old is None or new is None:
        resource = new if new is not None else old
        assert resource is not None, "a resource on neither side"
        return _added_or_removed(stack, resource, "added" if old is None else "removed", roles)
    kind = describer(new["type"])
    if old.get("inputs") == new.get("inputs") and old.get("options") == new.get("options"):
        return None
    sentences = kind.changes(stack, _inputs(old), _inputs(new), roles) if old.get("inputs") != new.get("inputs") else []
    sentences += _option_sentences(old.get("options") or {}, new.get("options") or {})
    return ResourceChange("changed", new["type"], new["name"], kind.title(_inputs(new)), sentences)


def _stack_notes(old: dict[str, Any], new: dict[str, Any]) -> list[Sentence]:
    notes = []
    old_unset, new_unset = set(old.get("unset_config", [])), set(new.get("unset_config", []))
    for key in sorted(new_unset - old_unset):
        notes.append(say("config {} is now needed and unset in this stack: set it before pulumi up", key))
    for key in sorted(old_unset - new_unset):
        notes.append(say("config {} is no longer unset (set, defaulted or not read any more)", key))
    for change in leaf_changes(old.get("outputs", {}), new.get("outputs", {})):
        notes.append(generic(change, "output "))
    def lookups(plan: dict[str, Any]) -> set[str]:
        return {f"{lookup.get('token')} {json.dumps(lookup.get('args'), sort_keys=True)}" for lookup in plan.get("lookups", [])}
    for item in sorted(lookups(new) - lookups(old)):
        notes.append(say("now looks up {}", item))
    for item in sorted(lookups(old) - lookups(new)):
        notes.append(say("no longer looks up {}", item))
    return notes


def _order(change: ResourceChange) -> tuple[int, str, str]:
    return (type_rank(change.type), change.type, change.name)


def compare_plans(base: list[dict[str, Any]], head: list[dict[str, Any]], roles: Roles, base_label: str, head_label: str) -> Diff:
    old_stacks = {p["stack"]: p for p in base}
    new_stacks = {p["stack"]: p for p in head}
    # Head's order (environments as declared), then stacks only the base has, in its order.
    names = [p["stack"] for p in head] + [p["stack"] for p in base if p["stack"] not in new_stacks]
    stacks: list[StackDiff] = []
    for name in names:
        old, new = old_stacks.get(name), new_stacks.get(name)
        if old is None or new is None:
            plan = new if new is not None else old
            assert plan is not None  # `name` comes from one side or the other
            status = "added" if old is None else "removed"
            changes = [_added_or_removed(name, r, status, roles) for r in plan.get("resources", [])]
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
