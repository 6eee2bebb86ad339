"""``errorops diff --format text``: for a terminal."""

from __future__ import annotations

from .compare import Diff, ResourceChange, StackDiff
from ..describe import kind_name

MARK = {"added": "+", "removed": "-", "changed": "~"}
DETAIL_LINES = 40


def stack_summary(stack: StackDiff) -> str:
    if stack.status == "added":
        return f"stack added ({stack.resources} resources)"
    if stack.status == "removed":
        return f"stack removed ({stack.resources} resources)"
    if stack.empty:
        return "no changes"
    text = f"{stack.count('added')} added, {stack.count('removed')} removed, {stack.count('changed')} changed"
    return text + (f", {len(stack.notes)} stack-level notes" if stack.notes else "")


def resource_line(change: ResourceChange) -> str:
    title = f' "{change.title}"' if change.title and change.title != change.name else ""
    return f"{MARK[change.status]} {kind_name(change.type)} {change.name}{title}"


def render(diff: Diff) -> str:
    lines = [f"errorops diff: {diff.base_label} -> {diff.head_label}"]
    if diff.empty:
        lines.append("No changes: every stack plans the same resources.")
        return "\n".join(lines) + "\n"
    lines += [f"{s.stack}: {stack_summary(s)}" for s in diff.stacks]
    for stack in diff.stacks:
        if stack.empty:
            continue
        lines += ["", f"== {stack.stack} ({stack_summary(stack)}) =="]
        for note in stack.notes:
            lines.append(f"* {note.text()}")
        for change in stack.changes:
            lines.append(resource_line(change))
            for sentence in change.sentences:
                lines.append(f"    {sentence.text()}")
                detail = list(sentence.detail)
                shown = detail[:DETAIL_LINES]
                lines += [f"      {line}" for line in shown]
                if len(detail) > len(shown):
                    lines.append(f"      ... {len(detail) - len(shown)} more lines")
    return "\n".join(lines) + "\n"
