"""The digest as Markdown (`--format markdown`), e.g. for a GitHub issue or a wiki page."""

from __future__ import annotations

from . import fmt
from .figures import Digest


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _errors(d: Digest) -> list[str]:
    out = ["## Errors of the day", "", fmt.totals_line(d), "",
           "| Level | Events | Issues | Events (day before) | Issues (day before) |", "|---|---:|---:|---:|---:|"]
    for lv in d.levels:
        out.append(f"| {lv.level} {lv.name} | {lv.events} | {lv.issues} | {lv.events_before} | {lv.issues_before} |")
    out.append(f"| uncategorized | {d.uncategorized_events} | {len(d.uncategorized)} | | |")
    out += ["", fmt.categorized_line(d), ""]
    out += [f"- [{_cell(i.short_id)}]({i.permalink}) {_cell(i.title)}: {fmt.plural(i.events, 'event')}"
            for i in d.uncategorized]
    return out


def _new_types(d: Digest) -> list[str]:
    return ["## New error types", ""] + ([
        f"- `{_cell(t.exception)}`: {fmt.plural(t.issues, 'issue')}, {fmt.plural(t.events, 'event')}; "
        + (f"in the taxonomy ({', '.join(t.error_types)})" if t.known else "**not in the taxonomy**")
        for t in d.new_types] or ["none"])


def _triage(d: Digest) -> list[str]:
    return [f"## {'/'.join(d.triage_levels)} issues of the last {d.triage_hours} hours", ""] + ([
        f"- **{i.level}** [{_cell(i.short_id)}]({i.permalink}) {_cell(i.title)}: "
        f"{fmt.plural(i.events, 'event')}, {i.status}, {_cell(i.assignee)}" for i in d.triage] or ["none"])


def _alerts(d: Digest) -> list[str]:
    return [f"## Alerts that fired in the last {d.triage_hours} hours", ""] + (
        [f"- {_cell(a.name)} (last at {a.last_triggered})" for a in d.alerts] or ["none"])


def _performance(d: Digest) -> list[str]:
    out = ["## Performance", "", "| Metric | That day | Day before | Change | Week before | Change | Threshold |",
           "|---|---:|---:|---:|---:|---:|---|"]
    for m in d.performance:
        threshold = m.threshold + (" **breached**" if m.breached else "")
        out.append(f"| {m.name} | {fmt.value(m.today, m.unit)} | {fmt.value(m.day_before, m.unit)} | "
                   f"{fmt.change(m.change_day)} | {fmt.value(m.week_before, m.unit)} | {fmt.change(m.change_week)} | "
                   f"{threshold} |")
    return out


SECTIONS = {"errors": _errors, "new_error_types": _new_types, "triage": _triage, "alerts": _alerts,
            "performance": _performance}


def render(d: Digest) -> str:
    out = [f"# {fmt.heading(d)}", "", f"_{fmt.day_line(d)}_"]
    for name in d.sections:
        out += ["", *SECTIONS[name](d)]
    return "\n".join(out) + "\n"
