"""The digest as Markdown (`--format markdown`), e.g. for a GitHub issue or a wiki page."""

from __future__ import annotations

from . import fmt
from .figures import Digest


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(d: Digest) -> str:
    out = [f"# {fmt.heading(d)}", "", f"_{fmt.day_line(d)}_", "", "## Errors of the day", "",
           fmt.totals_line(d), "", "| Level | Events | Issues | Events (day before) | Issues (day before) |",
           "|---|---:|---:|---:|---:|"]
    for lv in d.levels:
        out.append(f"| {lv.level} {lv.name} | {lv.events} | {lv.issues} | {lv.events_before} | {lv.issues_before} |")
    out.append(f"| uncategorized | {d.uncategorized_events} | {len(d.uncategorized)} | | |")
    out += ["", fmt.categorized_line(d), ""]
    for issue in d.uncategorized:
        out.append(f"- [{_cell(issue.short_id)}]({issue.permalink}) {_cell(issue.title)}: "
                   f"{fmt.plural(issue.events, 'event')}")
    out += ["", "## New error types", ""]
    out += [f"- `{_cell(t.exception)}`: {fmt.plural(t.issues, 'issue')}, {fmt.plural(t.events, 'event')}; "
            + (f"in the taxonomy ({', '.join(t.error_types)})" if t.known else "**not in the taxonomy**")
            for t in d.new_types] or ["none"]
    out += ["", f"## {'/'.join(d.triage_levels)} issues of the last {d.triage_hours} hours", ""]
    out += [f"- **{i.level}** [{_cell(i.short_id)}]({i.permalink}) {_cell(i.title)}: "
            f"{fmt.plural(i.events, 'event')}, {i.status}, {_cell(i.assignee)}" for i in d.triage] or ["none"]
    out += ["", f"## Alerts that fired in the last {d.triage_hours} hours", ""]
    out += [f"- {_cell(a.name)} (last at {a.last_triggered})" for a in d.alerts] or ["none"]
    out += ["", "## Performance", "", "| Metric | That day | Day before | Change | Week before | Change | Threshold |",
            "|---|---:|---:|---:|---:|---:|---|"]
    for m in d.performance:
        threshold = m.threshold + (" **breached**" if m.breached else "")
        out.append(f"| {m.name} | {fmt.value(m.today, m.unit)} | {fmt.value(m.day_before, m.unit)} | "
                   f"{fmt.change(m.change_day)} | {fmt.value(m.week_before, m.unit)} | {fmt.change(m.change_week)} | "
                   f"{threshold} |")
    return "\n".join(out) + "\n"
