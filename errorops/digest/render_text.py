"""The digest as plain text: the e-mail's text part, and `errorops digest --format text`."""

from __future__ import annotations

from . import fmt
from .figures import Digest


def render(d: Digest) -> str:
    lines = [fmt.heading(d), fmt.day_line(d), ""]
    lines.append("Errors of the day: " + fmt.totals_line(d))
    for lv in d.levels:
        lines.append(f"  {lv.level} {lv.name:<9} {fmt.plural(lv.events, 'event'):>11} in {fmt.plural(lv.issues, 'issue'):<9}"
                     f" (day before {lv.events_before} in {lv.issues_before})")
    lines.append(f"  uncategorized {fmt.plural(d.uncategorized_events, 'event'):>10} in "
                 f"{fmt.plural(len(d.uncategorized), 'issue')}")
    lines.append(fmt.categorized_line(d))
    for issue in d.uncategorized:
        lines.append(f"  - {issue.short_id} {issue.title} ({fmt.plural(issue.events, 'event')}) {issue.permalink}")
    lines += ["", "New error types (first seen that day):"]
    if not d.new_types:
        lines.append("  none")
    for t in d.new_types:
        known = f"in the taxonomy ({', '.join(t.error_types)})" if t.known else "NOT IN THE TAXONOMY"
        lines.append(f"  - {t.exception}: {fmt.plural(t.issues, 'issue')}, {fmt.plural(t.events, 'event')}; {known}")
    lines += ["", f"{'/'.join(d.triage_levels)} issues of the last {d.triage_hours} hours (triage agenda):"]
    if not d.triage:
        lines.append("  none")
    for issue in d.triage:
        lines.append(f"  - [{issue.level}] {issue.short_id} {issue.title}: {fmt.plural(issue.events, 'event')}, "
                     f"{issue.status}, {issue.assignee} {issue.permalink}")
    lines += ["", f"Alerts that fired in the last {d.triage_hours} hours:"]
    if not d.alerts:
        lines.append("  none")
    for alert in d.alerts:
        lines.append(f"  - {alert.name} (last at {alert.last_triggered})")
    lines += ["", "Performance (that day; against the day before and the week before):"]
    for m in d.performance:
        lines.append("  - " + fmt.metric_line(m))
    return "\n".join(lines) + "\n"
