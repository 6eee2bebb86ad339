"""The digest as plain text: the e-mail's text part, and `errorops digest --format text`."""

from __future__ import annotations

from . import fmt
from .figures import Digest


def _errors(d: Digest) -> list[str]:
    lines = ["Errors of the day: " + fmt.totals_line(d)]
    for lv in d.levels:
        lines.append(f"  {lv.level} {lv.name:<9} {fmt.plural(lv.events, 'event'):>11} in {fmt.plural(lv.issues, 'issue'):<9}"
                     f" (day before {lv.events_before} in {lv.issues_before})")
    lines.append(f"  uncategorized {fmt.plural(d.uncategorized_events, 'event'):>10} in "
                 f"{fmt.plural(len(d.uncategorized), 'issue')}")
    lines.append(fmt.categorized_line(d))
    for issue in d.uncategorized:
        lines.append(f"  - {issue.short_id} {issue.title} ({fmt.plural(issue.events, 'event')}) {issue.permalink}")
    return lines


def _new_types(d: Digest) -> list[str]:
    lines = ["New error types (first seen that day):"]
    for t in d.new_types:
        known = f"in the taxonomy ({', '.join(t.error_types)})" if t.known else "NOT IN THE TAXONOMY"
        lines.append(f"  - {t.exception}: {fmt.plural(t.issues, 'issue')}, {fmt.plural(t.events, 'event')}; {known}")
    return lines + (["  none"] if not d.new_types else [])


def _triage(d: Digest) -> list[str]:
    lines = [f"{'/'.join(d.triage_levels)} issues of the last {d.triage_hours} hours (triage agenda):"]
    for issue in d.triage:
        lines.append(f"  - [{issue.level}] {issue.short_id} {issue.title}: {fmt.plural(issue.events, 'event')}, "
                     f"{issue.status}, {issue.assignee} {issue.permalink}")
    return lines + (["  none"] if not d.triage else [])


def _alerts(d: Digest) -> list[str]:
    lines = [f"Alerts that fired in the last {d.triage_hours} hours:"]
    lines += [f"  - {alert.name} (last at {alert.last_triggered})" for alert in d.alerts]
    return lines + (["  none"] if not d.alerts else [])


def _performance(d: Digest) -> list[str]:
    return ["Performance (that day; against the day before and the week before):"] + \
        ["  - " + fmt.metric_line(m) for m in d.performance]


SECTIONS = {"errors": _errors, "new_error_types": _new_types, "triage": _triage, "alerts": _alerts,
            "performance": _performance}


def render(d: Digest) -> str:
    lines = [fmt.heading(d), fmt.day_line(d)]
    for name in d.sections:
        lines += ["", *SECTIONS[name](d)]
    return "\n".join(lines) + "\n"
