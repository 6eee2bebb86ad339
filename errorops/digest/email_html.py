"""The digest as an HTML e-mail body (the text part is render_text's)."""

from __future__ import annotations

from html import escape

from . import fmt
from .figures import Digest


def _a(url: str, label: str) -> str:
    if url.startswith("https://") or url.startswith("http://"):
        return f'<a href="{escape(url)}">{escape(label)}</a>'
    return escape(label)


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>" if items else "<p>none</p>"


def _errors(d: Digest) -> str:
    rows = "".join(f"<tr><td>{lv.level} {escape(lv.name)}</td><td>{lv.events}</td><td>{lv.issues}</td>"
                   f"<td>{lv.events_before}</td><td>{lv.issues_before}</td></tr>" for lv in d.levels)
    rows += f"<tr><td>uncategorized</td><td>{d.uncategorized_events}</td><td>{len(d.uncategorized)}</td><td></td><td></td></tr>"
    return "".join([
        f"<h2>Errors of the day</h2><p>{escape(fmt.totals_line(d))}</p>",
        "<table border=\"1\" cellpadding=\"4\"><tr><th>Level</th><th>Events</th><th>Issues</th>"
        "<th>Events (day before)</th><th>Issues (day before)</th></tr>", rows, "</table>",
        f"<p>{escape(fmt.categorized_line(d))}</p>",
        _list([f"{_a(i.permalink, i.short_id)} {escape(i.title)} ({i.events})" for i in d.uncategorized]),
    ])


def _new_types(d: Digest) -> str:
    return "<h2>New error types</h2>" + _list([
        f"<code>{escape(t.exception)}</code>: {fmt.plural(t.issues, 'issue')}, {fmt.plural(t.events, 'event')}"
        + ("" if t.known else " <strong>not in the taxonomy</strong>") for t in d.new_types])


def _triage(d: Digest) -> str:
    return f"<h2>{'/'.join(d.triage_levels)} issues of the last {d.triage_hours} hours</h2>" + _list([
        f"<strong>{i.level}</strong> {_a(i.permalink, i.short_id)} {escape(i.title)}: {i.events} events, "
        f"{escape(i.status)}, {escape(i.assignee)}" for i in d.triage])


def _alerts(d: Digest) -> str:
    return f"<h2>Alerts that fired in the last {d.triage_hours} hours</h2>" + \
        _list([f"{escape(a.name)} ({escape(a.last_triggered)})" for a in d.alerts])


def _performance(d: Digest) -> str:
    rows = "".join(
        f"<tr><td>{escape(m.name)}</td><td>{escape(fmt.value(m.today, m.unit))}</td>"
        f"<td>{escape(fmt.value(m.day_before, m.unit))} ({escape(fmt.change(m.change_day))})</td>"
        f"<td>{escape(fmt.value(m.week_before, m.unit))} ({escape(fmt.change(m.change_week))})</td>"
        f"<td>{escape(m.threshold)}{' <strong>breached</strong>' if m.breached else ''}</td></tr>" for m in d.performance)
    return ("<h2>Performance</h2><table border=\"1\" cellpadding=\"4\"><tr><th>Metric</th><th>That day</th>"
            "<th>Day before</th><th>Week before</th><th>Threshold</th></tr>" + rows + "</table>")


SECTIONS = {"errors": _errors, "new_error_types": _new_types, "triage": _triage, "alerts": _alerts,
            "performance": _performance}


def render(d: Digest) -> str:
    body = "".join(SECTIONS[name](d) for name in d.sections)
    return (f"<!DOCTYPE html><html><body><h1>{escape(fmt.heading(d))}</h1><p><em>{escape(fmt.day_line(d))}</em></p>"
            f"{body}</body></html>")
