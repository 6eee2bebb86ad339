"""``errorops diff --format markdown``: a pull-request comment.

A heading, one summary line per stack, then a section per stack with a bullet per
resource and its sentences underneath. Long sections are collapsed in ``<details>``;
the whole comment stays below GitHub's 65,536-character limit.
"""

from __future__ import annotations

import re

from .compare import Diff, ResourceChange, StackDiff
from .render_text import stack_summary
from ..describe.sentence import code_span, md_words
from ..describe import kind_name

MARKER = "<!-- errorops-diff -->"
COLLAPSE_RESOURCES = 6
COLLAPSE_LINES = 30
LIMIT = 60000
STATUS = {"added": "added", "removed": "removed", "changed": "changed"}


def _resource(change: ResourceChange) -> list[str]:
    title = f" — {md_words(change.title)}" if change.title and change.title != change.name else ""
    lines = [f"- **{STATUS[change.status]}** {md_words(kind_name(change.type))} {code_span(change.name)}{title}"]
    for sentence in change.sentences:
        lines.append(f"  - {sentence.markdown()}")
        if sentence.detail:
            # A fence longer than any run of backticks in the text (runbooks hold code blocks).
            fence = "`" * max(3, 1 + max((len(run) for line in sentence.detail for run in re.findall(r"`+", line)), default=0))
            lines += ["", "    <details><summary>text diff</summary>", "", f"    {fence}diff"]
            lines += [f"    {line}" for line in sentence.detail]
            lines += [f"    {fence}", "", "    </details>", ""]
    return lines


def _stack(stack: StackDiff) -> list[str]:
    body: list[str] = []
    for note in stack.notes:
        body.append(f"- {note.markdown()}")
    for change in stack.changes:
        body += _resource(change)
    lines = ["", f"### {md_words(stack.stack)}", ""]
    if len(stack.changes) > COLLAPSE_RESOURCES or len(body) > COLLAPSE_LINES:
        summary = md_words(f"{stack.stack}: {stack_summary(stack)}")
        return lines + [f"<details><summary>{summary}</summary>", "", *body, "", "</details>"]
    return lines + body


def render(diff: Diff) -> str:
    lines = [
        MARKER,
        "## errorops diff: what this change does to each stack",
        "",
        f"Base {code_span(diff.base_label)} → {md_words(diff.head_label)}. "
        "Planned offline with `errorops plan` (Pulumi mock runtime); values known only at deploy show as placeholders.",
        "",
    ]
    if diff.empty:
        return "\n".join(lines + ["No changes: every stack plans the same resources."]) + "\n"
    lines += [f"- **{md_words(s.stack)}**: {md_words(stack_summary(s))}" for s in diff.stacks]
    for stack in diff.stacks:
        if not stack.empty:
            lines += _stack(stack)
    text = "\n".join(lines) + "\n"
    if len(text) > LIMIT:
        cut = text.rfind("\n", 0, LIMIT)
        text = text[:cut] + "\n"
        open_fences = [f for f in re.findall(r"^ *(`{3,})", text, re.M)]
        if len(open_fences) % 2:
            text += f"    {open_fences[-1]}\n"
        text += "\n… (cut to fit a comment: run `errorops diff` locally for the whole report)\n"
        if text.count("<details>") > text.count("</details>"):
            text += "\n</details>\n" * (text.count("<details>") - text.count("</details>"))
    return text
