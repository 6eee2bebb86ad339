"""The report as Markdown (the default of ``errorops report``; what Slack and the e-mail's text part carry)."""

from __future__ import annotations

from .figures import Figure, IssueRef, Report, show


def _change(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.1f}%"


def _status(f: Figure) -> str:
    if f.met is None:
        return "no data" if f.value is None else ""
    return "met" if f.met else "**BREACHED**"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def kpi_rows(figures: tuple[Figure, ...]) -> list[str]:
    rows = ["| KPI | this period | previous period | change | target | status |", "|---|---|---|---|---|---|"]
    for f in figures:
        rows.append(f"| {_cell(f.name)} | {show(f.value, f.unit)} ({_cell(f.detail)}) | {show(f.previous, f.unit)} "
                    f"({_cell(f.previous_detail)}) | {_change(f.change)} | {f.target} | {_status(f)} |")
    return rows


def _issue(i: IssueRef, regressions: bool = False) -> str:
    again = f", regressed {i.regressions}x" if regressions else ""
    where = f" {i.permalink}" if i.permalink else ""
    return f"- [{i.level or 'uncategorized'}] {_cell(i.short_id)} {_cell(i.title)}: {i.events} events{again}, " \
           f"{_cell(i.assignee)}{where}"


def render(r: Report, charts: list[str] | None = None) -> str:
    what = "Weekly" if r.period == "week" else "Monthly"
    out = [f"# {what} KPI report of {r.environment} ({r.project}): {r.label}", "",
           f"{r.first} to {r.last}, midnight to midnight {r.time_zone}; compared with {r.previous_label}.", ""]
    breached = r.breached
    out += [f"**{len(breached)} target{'s' if len(breached) != 1 else ''} breached**"
            + (": " + ", ".join(f.name for f in breached) if breached else "."), ""]
    out += ["## KPIs", "", *kpi_rows(r.kpis), ""]
    out += ["## Response time by severity (first assignment - first seen)", ""]
    out += [*kpi_rows(r.response_times), ""] if r.response_times else ["No issue first seen in the period.", ""]
    out += ["## Trend", "",
            f"- Events: {r.events} in {_n(r.issues, 'issue')} (previous period {r.events_previous} in "
            f"{_n(r.issues_previous, 'issue')}; "
            f"{_change(r.events_change)})",
            f"- Error rate: {show(r.kpis[0].value, 'percent')} (previous period {show(r.kpis[0].previous, 'percent')}; "
            f"{_change(r.kpis[0].change)})",
            f"- Prevention effectiveness: {_n(r.recurring_now, 'resolved issue')} regressed (previous period "
            f"{r.recurring_before})", ""]
    out += ["## Top error categories", ""]
    out += [f"- {_cell(c.name)} ({c.level or 'no level'}): {c.events} events in {_n(c.issues, 'issue')} "
            f"(previous period {c.events_previous})" for c in r.top_categories] or ["- none"]
    out += ["", "## Recurring issues (regressed in the period)", ""]
    out += [_issue(i, True) for i in r.recurring] or ["- none"]
    out += ["", f"## Unassigned {'/'.join(r.unassigned_levels)} issues", ""]
    out += [_issue(i) for i in r.unassigned] or ["- none"]
    if charts:
        out += ["", "## Charts", ""] + [f"![{name}]({name})" for name in charts]
    return "\n".join(out) + "\n"
