"""Sentry ownership rules in words: who each exception class is assigned to, the fallback team,
auto-assignment ("CacheError now assigned to #backend (was #devops)")."""

from __future__ import annotations

from typing import Any

from .base import Describer
from .changes import Explained
from .roles import Roles
from .sentence import Raw, Sentence, say
from .values import get

SENTRY_OWNERSHIP = "pulumi-python:dynamic/sentry:ProjectOwnership"
CATCH_ALL_PREFIX = "tags.level:"  # errorops.model.ownership.CATCH_ALL (not imported: describe reads plans only)


def parse_raw(raw: Any) -> list[tuple[str, tuple[str, ...]]]:
    """(matcher, owners) for each rule line of Sentry's ownership text; comments and blank lines skipped."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for line in str(raw or "").splitlines():
        words = line.split()
        if len(words) >= 2 and not line.lstrip().startswith("#"):
            out.append((words[0], tuple(words[1:])))
    return out


def _what(matcher: str) -> str:
    if matcher.startswith(CATCH_ALL_PREFIX):
        return "any other error"
    return matcher.split(":", 1)[1] if matcher.startswith("tags.") and ":" in matcher else matcher


def _assignment(value: Any) -> str:
    return {"Auto Assign to Issue Owner": "auto-assigns to the issue owner",
            "Auto Assign to Suspect Commits": "auto-assigns to suspect commits first",
            "Turn off Auto-Assignment": "does not auto-assign"}.get(str(value), f"autoAssignment {value}")


def rule_sentences(raw: Any) -> list[str]:
    """Each rule as the process document says it: ``CacheError -> #devops``."""
    return [f"{_what(m)} -> {' '.join(o)}" for m, o in parse_raw(raw)]


class OwnershipWords(Describer):
    kind = "Sentry ownership rules"
    rank = 2

    def title(self, inputs: dict[str, Any]) -> str | None:
        return f"ownership of {inputs.get('project')}" if inputs.get("project") else None

    def line(self, inputs: dict[str, Any], feeder: dict[str, Any] | None = None) -> str:
        payload = inputs.get("payload") or {}
        rules = rule_sentences(payload.get("raw"))
        fallthrough = "; no match: every project member" if payload.get("fallthrough") else ""
        return f"{_assignment(payload.get('autoAssignment'))}{fallthrough}; {len(rules)} rules: " + ", ".join(rules)

    def summary(self, stack: str, inputs: dict[str, Any], roles: Roles) -> list[Sentence]:
        return [say("{}", Raw(self.line(inputs)))]

    def describe(self, stack: str, old: dict[str, Any], new: dict[str, Any], roles: Roles,
                 ex: Explained) -> list[Sentence]:
        out: list[Sentence] = []
        before = dict(parse_raw(get(old, "payload", "raw")))
        after = dict(parse_raw(get(new, "payload", "raw")))
        if before != after:
            ex.take_under("payload", "raw")
            for matcher in sorted(set(before) | set(after)):
                a, b = before.get(matcher), after.get(matcher)
                if a == b:
                    continue
                if a is None:
                    out.append(say("{} now assigned to {}", Raw(_what(matcher)), Raw(" ".join(b or ()))))
                elif b is None:
                    out.append(say("{} no longer assigned (was {})", Raw(_what(matcher)), Raw(" ".join(a))))
                else:
                    out.append(say("{} now assigned to {} (was {})", Raw(_what(matcher)), Raw(" ".join(b)),
                                   Raw(" ".join(a))))
        a_mode, b_mode = get(old, "payload", "autoAssignment"), get(new, "payload", "autoAssignment")
        if a_mode != b_mode:
            ex.take_under("payload", "autoAssignment")
            out.append(say("now {} (was: {})", Raw(_assignment(b_mode)), Raw(_assignment(a_mode))))
        return out


DESCRIBERS: dict[str, Describer] = {SENTRY_OWNERSHIP: OwnershipWords()}
