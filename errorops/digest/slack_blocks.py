"""The digest as Slack Block Kit, inside Slack's limits: 50 blocks a message, 3,000 characters
a section text, 150 a header (docs.slack.dev/reference/block-kit/blocks; slack_sdk
models/blocks/blocks.py). Long lists are cut with "... and N more", never refused by Slack."""

from __future__ import annotations

from typing import Any

from . import fmt
from .figures import Digest

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_HEADER = 150

# A Block Kit block, as the JSON Slack reads.
Block = dict[str, Any]


def _esc(text: str) -> str:
    # mrkdwn: &, < and > are control characters (docs.slack.dev "Formatting text").
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(lines: list[str]) -> Block:
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        kept: list[str] = []
        for n, line in enumerate(lines):
            tail = f"\n... and {len(lines) - n} more"
            if len("\n".join(kept + [line])) + len(tail) + 20 > MAX_TEXT:
                text = "\n".join(kept) + tail
                break
            kept.append(line)
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_TEXT]}}


def _link(url: str, label: str) -> str:
    return f"<{url}|{_esc(label)}>" if url.startswith("https://") or url.startswith("http://") else _esc(label)


def _errors(d: Digest) -> list[Block]:
    return [_section([f"*Errors of the day:* {_esc(fmt.totals_line(d))}"]
                     + [f"• {lv.level} {lv.name}: {fmt.plural(lv.events, 'event')} in {fmt.plural(lv.issues, 'issue')} "
                        f"(day before {lv.events_before} in {lv.issues_before})" for lv in d.levels]
                     + [f"• uncategorized: {fmt.plural(d.uncategorized_events, 'event')} in "
                        f"{fmt.plural(len(d.uncategorized), 'issue')}", _esc(fmt.categorized_line(d))]
                     + [f"  ◦ {_link(i.permalink, i.short_id)} {_esc(i.title)} ({i.events})" for i in d.uncategorized])]


def _new_types(d: Digest) -> list[Block]:
    return [_section(["*New error types*"] + ([
        f"• `{_esc(t.exception)}`: {fmt.plural(t.issues, 'issue')}, {fmt.plural(t.events, 'event')}"
        + ("" if t.known else " :warning: *not in the taxonomy*") for t in d.new_types] or ["none"]))]


def _triage(d: Digest) -> list[Block]:
    return [_section([f"*{'/'.join(d.triage_levels)} issues, last {d.triage_hours} h (triage)*"] + ([
        f"• *{i.level}* {_link(i.permalink, i.short_id)} {_esc(i.title)}: {i.events} events, {_esc(i.status)}, "
        f"{_esc(i.assignee)}" for i in d.triage] or ["none"]))]


def _alerts(d: Digest) -> list[Block]:
    return [_section([f"*Alerts that fired, last {d.triage_hours} h*"]
                     + ([f"• {_esc(a.name)} ({a.last_triggered})" for a in d.alerts] or ["none"]))]


def _performance(d: Digest) -> list[Block]:
    return [_section(["*Performance* (against the day before and the week before)"]
                     + [("• :red_circle: " if m.breached else "• ") + _esc(fmt.metric_line(m)) for m in d.performance])]


SECTIONS = {"errors": _errors, "new_error_types": _new_types, "triage": _triage, "alerts": _alerts,
            "performance": _performance}


def blocks(d: Digest) -> list[Block]:
    out: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": fmt.heading(d)[:MAX_HEADER]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _esc(fmt.day_line(d))}]},
    ]
    for n, name in enumerate(d.sections):
        if n:
            out.append({"type": "divider"})
        out += SECTIONS[name](d)
    return out[:MAX_BLOCKS]

