"""The report as one HTML page (``--format html``, and the e-mail's HTML part): the charts inline
as ``data:`` URLs, so the page needs no other file."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from .figures import Figure, IssueRef, Report, show


def _rows(figures: tuple[Figure, ...]) -> str:
    head = ("<tr><th>KPI</th><th>this period</th><th>previous period</th><th>change</th><th>target</th>"
            "<th>status</th></tr>")
    body = ""
    for f in figures:
        status = "no data" if f.met is None and f.value is None else "" if f.met is None else \
            "met" if f.met else "<strong>BREACHED</strong>"
        change = "n/a" if f.change is None else f"{f.change:+.1f}%"
        body += (f"<tr><td>{escape(f.name)}</td><td>{show(f.value, f.unit)} ({escape(f.detail)})</td>"
                 f"<td>{show(f.previous, f.unit)} ({escape(f.previous_detail)})</td><td>{change}</td>"
                 f"<td>{escape(f.target)}</td><td>{status}</td></tr>")
    return f'<table border="1" cellpadding="4">{head}{body}</table>'


def _issues(items: tuple[IssueRef, ...]) -> str:
    if not items:
        return "<p>none</p>"
    lines = []
    for i in items:
        label = escape(i.short_id)
        if i.permalink.startswith(("https://", "http://")):
            label = f'<a href="{escape(i.permalink)}">{label}</a>'
        lines.append(f"<li>[{escape(i.level or 'uncategorized')}] {label} {escape(i.title)}: {i.events} events, "
                     f"{escape(i.assignee)}</li>")
    return "<ul>" + "".join(lines) + "</ul>"


def render(r: Report, charts: list[Path] | None = None) -> str:
    what = "Weekly" if r.period == "week" else "Monthly"
    title = f"{what} KPI report of {r.environment} ({r.project}): {r.label}"
    parts = [f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(title)}</title></head><body>",
             f"<h1>{escape(title)}</h1>",
             f"<p>{r.first} to {r.last}, midnight to midnight {escape(r.time_zone)}; compared with "
             f"{escape(r.previous_label)}.</p>",
             "<h2>KPIs</h2>", _rows(r.kpis),
             "<h2>Response time by severity</h2>", _rows(r.response_times) if r.response_times else "<p>none</p>",
             "<h2>Top error categories</h2><ul>",
             "".join(f"<li>{escape(c.name)}: {c.events} events in {c.issues} issues (previous period "
                     f"{c.events_previous})</li>" for c in r.top_categories), "</ul>",
             "<h2>Recurring issues</h2>", _issues(r.recurring),
             f"<h2>Unassigned {escape('/'.join(r.unassigned_levels))} issues</h2>", _issues(r.unassigned)]
    for path in charts or []:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        parts.append(f'<p><img alt="{escape(path.stem)}" src="data:image/png;base64,{data}"></p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
