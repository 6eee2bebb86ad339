"""The report's figures, computed from collected Sentry data alone (no I/O): a typed Report.

Definitions (alert_rules/kpis.yaml ``description`` says each in words):

- error rate: failed requests / requests of the period, in percent (Sentry's failure_rate() of root spans);
- MTTR per severity: for each resolution in the period, resolution - the start of that issue's open
  spell (its first seen, or the regression that reopened it), mean per level;
- recurrence: issues resolved in the period that regressed after that resolution, before the period's
  end / issues resolved in the period;
- categorized: events of issues the taxonomy places / all events (errorops.digest.figures.classify, as
  the digest and the alerts place them);
- assigned: issues with an assignee / all issues of the period;
- response time per severity (the monthly review's "Team Response Time"): first assignment - first seen,
  for issues first seen in the period, against the level's response time (severity_levels.yaml).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..digest.days import Window
from ..digest.figures import classify, percent_change
from ..model.kpis import KpiSpec, Target, fmt_value
from ..model.sentry import ErrorType
from ..model.types import Model
from .collect import KpiCollected, PeriodData


@dataclass(frozen=True)
class Figure:
    kpi: str                   # error_rate, mttr, recurrence, categorized, assigned, response_time
    name: str
    unit: str                  # "percent" or "minutes"
    value: float | None
    previous: float | None
    target: str                # "< 1%", "" where none
    met: bool | None           # None: no figure, or no target
    detail: str                # what it was computed from: "3 of 4 resolved issues"
    previous_detail: str
    level: str | None = None
    target_value: float | None = None   # the target's number, in the unit

    @property
    def change(self) -> float | None:
        return percent_change(self.value, self.previous)


@dataclass(frozen=True)
class Category:
    name: str        # the taxonomy id, or "uncategorized: <exception class>"
    level: str | None
    events: int
    issues: int
    events_previous: int


@dataclass(frozen=True)
class IssueRef:
    short_id: str
    title: str
    level: str | None
    events: int
    assignee: str
    regressions: int
    permalink: str


@dataclass(frozen=True)
class Day:
    day: str
    requests: int
    error_rate: float | None   # percent


@dataclass(frozen=True)
class Report:
    environment: str
    organization: str
    project: str
    period: str               # "week" or "month"
    label: str
    first: str
    last: str
    time_zone: str
    previous_label: str
    kpis: tuple[Figure, ...]
    response_times: tuple[Figure, ...]
    events: int
    events_previous: int
    issues: int
    issues_previous: int
    recurring_now: int
    recurring_before: int
    top_categories: tuple[Category, ...]
    recurring: tuple[IssueRef, ...]
    unassigned: tuple[IssueRef, ...]
    unassigned_levels: tuple[str, ...]
    daily: tuple[Day, ...]
    error_rate_target: float

    @property
    def events_change(self) -> float | None:
        return percent_change(float(self.events), float(self.events_previous))

    @property
    def breached(self) -> tuple[Figure, ...]:
        return tuple(f for f in (*self.kpis, *self.response_times) if f.met is False)


# --- one issue ------------------------------------------------------------------------------------

def _time(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _count(issue: dict[str, Any]) -> int:
    try:
        return int(issue.get("count") or 0)  # a string in Sentry's answer
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class _Issue:
    raw: dict[str, Any]
    error: ErrorType | None
    events: int
    first_seen: datetime | None
    resolutions: tuple[datetime, ...]
    regressions: tuple[datetime, ...]
    assignments: tuple[datetime, ...]

    @property
    def level(self) -> str | None:
        return self.error.severity if self.error else None

    @property
    def assigned(self) -> bool:
        return isinstance(self.raw.get("assignedTo"), dict)

    def ref(self, window: Window) -> IssueRef:
        who = self.raw.get("assignedTo")
        assignee = f"{who.get('name')} ({who.get('type', 'user')})" if isinstance(who, dict) else "unassigned"
        return IssueRef(str(self.raw.get("shortId") or self.raw.get("id")), str(self.raw.get("title") or ""),
                        self.level, self.events, assignee,
                        sum(1 for g in self.regressions if window.contains(g)), str(self.raw.get("permalink") or ""))


def _times(activity: Iterable[dict[str, Any]], *prefixes: str) -> tuple[datetime, ...]:
    found = (_time(a.get("dateCreated")) for a in activity if str(a.get("type", "")).startswith(prefixes))
    return tuple(sorted(t for t in found if t is not None))


def _issues(data: PeriodData, collected: KpiCollected, taxonomy: tuple[ErrorType, ...]) -> list[_Issue]:
    out = []
    for issue in data.issues:
        if issue.get("issueCategory", "error") != "error":
            continue  # performance and monitor issues are not errors of the application
        activity = collected.activity.get(str(issue.get("id")), ())
        lifetime = issue.get("lifetime") if isinstance(issue.get("lifetime"), dict) else {}
        out.append(_Issue(issue, classify(issue, taxonomy), _count(issue),
                          _time((lifetime or {}).get("firstSeen") or issue.get("firstSeen")),
                          _times(activity, "set_resolved"), _times(activity, "set_regression"),
                          _times(activity, "assigned")))
    return out


# --- the period's figures -------------------------------------------------------------------------

def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _share(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole else None


@dataclass(frozen=True)
class _Figures:
    error_rate: float | None
    requests: int
    failed: int
    mttr: dict[str, list[float]]        # level -> minutes of each resolution
    resolved: int
    recurred: list[_Issue]
    events: int
    categorized_events: int
    issues: int
    assigned: int
    response: dict[str, list[float]]    # level -> minutes to first assignment
    unassigned_new: dict[str, int]      # level -> issues first seen in the period, never assigned
    all: list[_Issue]


def _figures(data: PeriodData, issues: list[_Issue]) -> _Figures:
    window = data.period.window
    rate = data.requests.failure_rate
    requests = data.requests.count
    mttr: dict[str, list[float]] = {}
    resolved: list[_Issue] = []
    recurred: list[_Issue] = []
    response: dict[str, list[float]] = {}
    unassigned_new: dict[str, int] = {}
    for issue in issues:
        in_period = [r for r in issue.resolutions if window.contains(r)]
        for resolution in in_period:
            starts = [t for t in (issue.first_seen, *issue.regressions) if t is not None and t <= resolution]
            if starts and issue.level:
                mttr.setdefault(issue.level, []).append((resolution - max(starts)).total_seconds() / 60)
        if in_period:
            resolved.append(issue)
            if any(in_period[0] < g < window.end for g in issue.regressions):
                recurred.append(issue)
        if issue.first_seen is not None and window.contains(issue.first_seen) and issue.level:
            later = [a for a in issue.assignments if a >= issue.first_seen]
            if later:
                response.setdefault(issue.level, []).append((later[0] - issue.first_seen).total_seconds() / 60)
            else:
                unassigned_new[issue.level] = unassigned_new.get(issue.level, 0) + 1
    events = sum(i.events for i in issues)
    return _Figures(
        error_rate=None if rate is None or requests == 0 else rate * 100, requests=requests,
        failed=round((rate or 0) * requests), mttr=mttr, resolved=len(resolved), recurred=recurred,
        events=events, categorized_events=sum(i.events for i in issues if i.error is not None),
        issues=len(issues), assigned=sum(1 for i in issues if i.assigned), response=response,
        unassigned_new=unassigned_new, all=issues,
    )


def _figure(kpi: str, name: str, unit: str, now: float | None, before: float | None, target: Target | None,
            detail: str, previous_detail: str, level: str | None = None) -> Figure:
    return Figure(kpi, name, unit, now, before, target.words(unit) if target else "",
                  target.met(now) if target else None, detail, previous_detail, level,
                  target.value if target else None)


def _kpis(spec: KpiSpec, model: Model, now: _Figures, before: _Figures) -> list[Figure]:
    k = spec.kpi
    out = [_figure("error_rate", k("error_rate").name, "percent", now.error_rate, before.error_rate,
                   k("error_rate").target, f"{now.failed} of {now.requests} requests failed",
                   f"{before.failed} of {before.requests}")]
    mttr = k("mttr")
    names = {s.id: s.name for s in model.severity_levels}
    for level, target in mttr.per_level:
        a, b = now.mttr.get(level, []), before.mttr.get(level, [])
        out.append(_figure("mttr", f"MTTR {level} {names.get(level, '')}".rstrip(), "minutes", _mean(a), _mean(b),
                           target, f"{len(a)} resolution{'s' if len(a) != 1 else ''}", f"{len(b)}", level))
    out.append(_figure("recurrence", k("recurrence").name, "percent", _share(len(now.recurred), now.resolved),
                       _share(len(before.recurred), before.resolved), k("recurrence").target,
                       f"{len(now.recurred)} of {now.resolved} resolved issues regressed",
                       f"{len(before.recurred)} of {before.resolved}"))
    out.append(_figure("categorized", k("categorized").name, "percent", _share(now.categorized_events, now.events),
                       _share(before.categorized_events, before.events), k("categorized").target,
                       f"{now.categorized_events} of {now.events} events", f"{before.categorized_events} of {before.events}"))
    out.append(_figure("assigned", k("assigned").name, "percent", _share(now.assigned, now.issues),
                       _share(before.assigned, before.issues), k("assigned").target,
                       f"{now.assigned} of {now.issues} issues", f"{before.assigned} of {before.issues}"))
    return out


def _response_times(model: Model, now: _Figures, before: _Figures) -> list[Figure]:
    out = []
    for level in model.severity_levels:
        a, b = now.response.get(level.id, []), before.response.get(level.id, [])
        waiting = now.unassigned_new.get(level.id, 0)
        if not a and not b and not waiting:
            continue
        detail = f"{len(a)} assigned" + (f", {waiting} not yet" if waiting else "")
        out.append(_figure("response_time", f"Response time {level.id} {level.name}", "minutes", _mean(a), _mean(b),
                           Target("below", float(level.response_business_minutes)), detail, f"{len(b)} assigned",
                           level.id))
    return out


def _category(issue: _Issue) -> str:
    if issue.error is not None:
        return issue.error.id
    meta = issue.raw.get("metadata") if isinstance(issue.raw.get("metadata"), dict) else {}
    return f"uncategorized: {(meta or {}).get('type') or '(no exception type)'}"


def _top_categories(now: list[_Issue], before: list[_Issue], top: int) -> tuple[Category, ...]:
    groups: dict[str, list[_Issue]] = {}
    for issue in now:
        groups.setdefault(_category(issue), []).append(issue)
    earlier: dict[str, int] = {}
    for issue in before:
        earlier[_category(issue)] = earlier.get(_category(issue), 0) + issue.events
    rows = [Category(name, members[0].level, sum(i.events for i in members), len(members), earlier.get(name, 0))
            for name, members in groups.items()]
    return tuple(sorted(rows, key=lambda c: (-c.events, c.name))[:top])


def build_report(model: Model, spec: KpiSpec, environment: str, collected: KpiCollected) -> Report:
    taxonomy = model.sentry.error_types
    cur, prev = collected.current, collected.previous
    now_issues, before_issues = _issues(cur, collected, taxonomy), _issues(prev, collected, taxonomy)
    now, before = _figures(cur, now_issues), _figures(prev, before_issues)
    window = cur.period.window
    rank = {s.id: n for n, s in enumerate(model.severity_levels)}
    recurring = sorted((i.ref(window) for i in now_issues if any(window.contains(g) for g in i.regressions)),
                       key=lambda r: (-r.regressions, -r.events, r.short_id))[:spec.top]
    unassigned = sorted((i.ref(window) for i in now_issues if not i.assigned and i.level in spec.unassigned_levels),
                        key=lambda r: (rank.get(r.level or "", 99), -r.events, r.short_id))
    target = spec.kpi("error_rate").target
    return Report(
        environment=environment, organization=collected.organization, project=collected.project,
        period=cur.period.kind, label=cur.period.label, first=cur.period.first.isoformat(),
        last=cur.period.last.isoformat(), time_zone=cur.period.time_zone, previous_label=prev.period.label,
        kpis=tuple(_kpis(spec, model, now, before)), response_times=tuple(_response_times(model, now, before)),
        events=now.events, events_previous=before.events, issues=now.issues, issues_previous=before.issues,
        recurring_now=len(now.recurred), recurring_before=len(before.recurred),
        top_categories=_top_categories(now_issues, before_issues, spec.top), recurring=tuple(recurring),
        unassigned=tuple(unassigned), unassigned_levels=spec.unassigned_levels,
        daily=tuple(Day(d.isoformat(), row.count,
                        None if row.failure_rate is None or row.count == 0 else row.failure_rate * 100)
                    for d, row in cur.daily),
        error_rate_target=target.value if target else 1.0,
    )


def show(value: float | None, unit: str) -> str:
    """A figure as the report prints it: ``1.25%``, ``45 min``, ``4.5 h``; ``n/a`` without one."""
    if value is None:
        return "n/a"
    if unit == "percent":
        return f"{value:.2f}%"
    if value >= 120:
        return f"{value / 60:.1f} h"
    return f"{value:.0f} min"


__all__ = ["Report", "Figure", "Category", "IssueRef", "Day", "build_report", "show", "fmt_value"]
