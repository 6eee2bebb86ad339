"""The report as Slack Block Kit, inside Slack's limits (50 blocks, 3,000 characters a section, 150 a
header; as errorops.digest.slack_blocks): the KPIs with their status, then the offenders."""

from __future__ import annotations

from typing import Any

from .figures import Figure, IssueRef, Report, show

MAX_TEXT, MAX_HEADER = 3000, 150


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(lines: list[str]) -> dict[str, Any]:
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        kept: list[str] = []
        for n, line in enumerate(lines):
            tail = f"\n... and {len(lines) - n} more"
            if len("\n".join([*kept, line])) + len(tail) > MAX_TEXT:
                text = "\n".join(kept) + tail
                break
            kept.append(line)
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_TEXT]}}


def _kpi(f: Figure) -> str:
    status = "" if f.met is None else (" ✅" if f.met else " *BREACHED*")
    target = f" (target {f.target})" if f.target else ""
    return f"• {_esc(f.name)}: {show(f.value, f.unit)}{_esc(target)}, previous {show(f.previous, f.unit)}{status}"


def _issue(i: IssueRef) -> str:
    label = f"<{i.permalink}|{_esc(i.short_id)}>" if i.permalink.startswith(("https://", "http://")) else _esc(i.short_id)
    return f"• [{i.level or '?'}] {label} {_esc(i.title)}: {i.events} events, {_esc(i.assignee)}"


def blocks(r: Report) -> list[dict[str, Any]]:
    what = "Weekly" if r.period == "week" else "Monthly"
    title = f"{what} KPI report, {r.environment}: {r.label}"
    out: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title[:MAX_HEADER]}},
                                 _section([f"*KPIs* ({r.first} to {r.last}, {r.time_zone}; against {_esc(r.previous_label)})",
                                           *[_kpi(f) for f in (*r.kpis, *r.response_times)]])]
    categories = [f"• {_esc(c.name)}: {c.events} events (previous {c.events_previous})" for c in r.top_categories]
    out.append(_section(["*Top error categories*", *(categories or ["• none"])]))
    out.append(_section(["*Recurring issues*", *([_issue(i) for i in r.recurring] or ["• none"])]))
    out.append(_section([f"*Unassigned {'/'.join(r.unassigned_levels)} issues*",
                         *([_issue(i) for i in r.unassigned] or ["• none"])]))
    out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "Charts: in the e-mail, and with "
                                                 "`errorops report --format html`."}]})
    return out
