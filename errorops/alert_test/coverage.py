"""Which planned rules and policies lack a firing or a silent test, in each stack.

A Sentry rule is its monitor and its alert (an expectation on either counts); the GitHub-issue
alert is a rule of its own; a Cloud Monitoring policy is one. The units come from the plans,
so a rule that is not deployed in a stack needs no test there.
"""

from __future__ import annotations

from .load import Case
from .run import Planned


def units(planned: dict[str, Planned]) -> set[tuple[str, str, str]]:
    """(stack, 'sentry' | 'policy', id) of everything deployed."""
    out = set()
    for stack, p in planned.items():
        out |= {(stack, "sentry", rid) for rid in (*p.alerts, *p.monitors)}
        out |= {(stack, "policy", name) for name in p.policies}
    return out


def missing(cases: list[Case], planned: dict[str, Planned]) -> list[str]:
    seen: dict[tuple[str, str, str], set[bool]] = {}
    for case in cases:
        for stack in case.stacks:
            for e in case.expect:
                kind = "policy" if e.kind == "policy" else "sentry"
                seen.setdefault((stack, kind, e.target), set()).add(e.fires)
    lines = []
    for unit in sorted(units(planned)):
        stack, kind, name = unit
        what = "Sentry rule" if kind == "sentry" else "policy"
        for fires, word in ((True, "firing"), (False, "silent")):
            if fires not in seen.get(unit, set()):
                lines.append(f"{stack}: {what} {name} has no {word} test")
    return lines
