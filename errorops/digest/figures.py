"""The digest's figures, computed from collected Sentry data alone (no I/O): a typed Digest.

Issues are placed in the taxonomy the way the alerts recognise them
(declare/sentry_payloads.py ``_kind_conditions``): the exception class, and where several
error types share a class, the message as well (contained in the exception value).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..model.digest import DigestSpec
from ..model.sentry import ErrorType
from ..model.types import Model
from .collect import Collected, PerfRow

# A Sentry issue of the day (its JSON) and where the taxonomy places it.
Classified = tuple[dict[str, Any], ErrorType | None]


@dataclass(frozen=True)
class LevelFigures:
    level: str
    name: str
    events: int
    issues: int
    events_before: int
    issues_before: int


@dataclass(frozen=True)
class IssueLine:
    short_id: str
    title: str
    exception: str
    error_type: str | None
    level: str | None
    events: int
    status: str
    assignee: str
    permalink: str
    first_seen: str


@dataclass(frozen=True)
class NewType:
    exception: str
    known: bool
    error_types: tuple[str, ...]
    issues: int
    events: int


@dataclass(frozen=True)
class AlertLine:
    name: str
    last_triggered: str


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str  # "%", "ms" or "/min"
    today: float | None
    day_before: float | None
    week_before: float | None
    threshold: str          # the process's threshold in words, "" where it sets none
    breached: bool

    @property
    def change_day(self) -> float | None:
        return percent_change(self.today, self.day_before)

    @property
    def change_week(self) -> float | None:
        return percent_change(self.today, self.week_before)


@dataclass(frozen=True)
class Digest:
    environment: str
    organization: str
    project: str
    date: str
    time_zone: str
    day_start: str
    day_end: str
    day_hours: float
    levels: tuple[LevelFigures, ...]
    total_events: int
    total_issues: int
    total_events_before: int
    total_issues_before: int
    uncategorized: tuple[IssueLine, ...]
    uncategorized_events: int
    categorized_percent: float | None  # of the day's events; None on a day without errors
    categorized_target: float
    new_types: tuple[NewType, ...]
    triage_hours: int
    triage_levels: tuple[str, ...]
    triage: tuple[IssueLine, ...]
    alerts: tuple[AlertLine, ...]
    performance: tuple[Metric, ...]
    # The sections shown, in order (alert_rules/digest.yaml `sections`).
    sections: tuple[str, ...] = ("errors", "new_error_types", "triage", "alerts", "performance")

    @property
    def empty(self) -> bool:
        return self.total_events == 0 and not self.triage and not self.alerts


def percent_change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before * 100


def classify(issue: dict[str, Any], taxonomy: tuple[ErrorType, ...]) -> ErrorType | None:
    meta = _object(issue.get("metadata"))
    exception, value = str(meta.get("type") or ""), str(meta.get("value") or "")
    candidates = [e for e in taxonomy if e.exception == exception]
    if len(candidates) == 1 and not _shared(candidates[0], taxonomy):
        return candidates[0]
    return next((e for e in candidates if e.message and e.message in value), None)


def _object(value: Any) -> dict[str, Any]:
    """A JSON object of Sentry's answer, or {} where the field is missing or of another type."""
    return value if isinstance(value, dict) else {}


def _shared(error: ErrorType, taxonomy: tuple[ErrorType, ...]) -> bool:
    return any(e.exception == error.exception and e.id != error.id for e in taxonomy)


def _is_error(issue: dict[str, Any]) -> bool:
    # Performance and metric (monitor) issues are not errors of the application.
    return bool(issue.get("issueCategory", "error") == "error")


def _count(issue: dict[str, Any]) -> int:
    try:
        return int(issue.get("count") or 0)  # a string in Sentry's answer
    except (TypeError, ValueError):
        return 0


def _assignee(issue: dict[str, Any]) -> str:
    who = issue.get("assignedTo")
    if isinstance(who, dict) and who.get("name"):
        return f"{who['name']} ({who.get('type', 'user')})"
    return "unassigned"


def _status(issue: dict[str, Any]) -> str:
    status, sub = str(issue.get("status") or "unknown"), issue.get("substatus")
    return f"{status} ({sub})" if sub else status


def _line(issue: dict[str, Any], error: ErrorType | None) -> IssueLine:
    meta = _object(issue.get("metadata"))
    return IssueLine(
        short_id=str(issue.get("shortId") or issue.get("id")), title=str(issue.get("title") or ""),
        exception=str(meta.get("type") or "(no exception type)"), error_type=error.id if error else None,
        level=error.severity if error else None, events=_count(issue), status=_status(issue),
        assignee=_assignee(issue), permalink=str(issue.get("permalink") or ""),
        first_seen=str((issue.get("lifetime") or {}).get("firstSeen") or issue.get("firstSeen") or ""),
    )


def _levels(model: Model, today: list[Classified], before: list[Classified]) -> tuple[LevelFigures, ...]:
    out = []
    for level in model.severity_levels:
        now = [(i, e) for i, e in today if e and e.severity == level.id]
        old = [(i, e) for i, e in before if e and e.severity == level.id]
        out.append(LevelFigures(level.id, level.name, sum(_count(i) for i, _ in now), len(now),
                                sum(_count(i) for i, _ in old), len(old)))
    return tuple(out)


def _new_types(today: list[Classified], collected: Collected) -> tuple[NewType, ...]:
    day = collected.windows.today
    groups: dict[str, list[Classified]] = {}
    for issue, error in today:
        # The issue's first event ever: with start/end, `firstSeen` is the first of the period only.
        lifetime = _object(issue.get("lifetime"))
        first = _parse(lifetime.get("firstSeen") or issue.get("firstSeen"))
        if first is not None and day.contains(first):
            exception = _line(issue, error).exception
            groups.setdefault(exception, []).append((issue, error))
    return tuple(
        NewType(exception, all(e is not None for _, e in members), tuple(sorted({e.id for _, e in members if e})),
                len(members), sum(_count(i) for i, _ in members))
        for exception, members in sorted(groups.items(), key=lambda kv: (-sum(_count(i) for i, _ in kv[1]), kv[0]))
    )


def _parse(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _metric(name: str, unit: str, values: dict[str, float | None], threshold: str, breached: bool) -> Metric:
    return Metric(name, unit, values["today"], values["day_before"], values["week_before"], threshold, breached)


def _performance(spec: DigestSpec, collected: Collected) -> tuple[Metric, ...]:
    perf = collected.performance
    windows = {k: getattr(collected.windows, k) for k in perf}

    def rate(row: PerfRow) -> float | None:
        return None if row.failure_rate is None or row.count == 0 else row.failure_rate * 100

    rates = {k: rate(p.total) for k, p in perf.items()}
    limit = spec.error_rate_percent
    metrics = [_metric("Error rate of requests", "%", rates, f"target < {limit:g}%",
                       rates["today"] is not None and rates["today"] >= limit)]
    for t in spec.transactions:
        p95 = {k: (p.transactions.get(t.transaction) or PerfRow(0, None, None)).p95_ms for k, p in perf.items()}
        change = percent_change(p95["today"], p95["week_before"])
        regression = spec.p95_regression_percent
        metrics.append(_metric(f"p95 latency: {t.name}", "ms", p95, f"alert > +{regression:g}% on the week before",
                               change is not None and change > regression))
    # Requests per minute of the window: a 23- or 25-hour day is divided by its own length.
    throughput = {k: p.total.count / windows[k].minutes if windows[k].minutes else None for k, p in perf.items()}
    metrics.append(_metric("Throughput (requests)", "/min", throughput, "", False))
    return tuple(metrics)


def build_digest(model: Model, spec: DigestSpec, environment: str, collected: Collected) -> Digest:
    taxonomy = model.sentry.error_types
    today = [(i, classify(i, taxonomy)) for i in collected.issues_today if isinstance(i, dict) and _is_error(i)]
    before = [(i, classify(i, taxonomy)) for i in collected.issues_day_before if isinstance(i, dict) and _is_error(i)]
    triage = [(i, classify(i, taxonomy)) for i in collected.issues_triage if isinstance(i, dict) and _is_error(i)]
    total = sum(_count(i) for i, _ in today)
    uncategorized = sorted((_line(i, None) for i, e in today if e is None), key=lambda line: (-line.events, line.short_id))
    unc_events = sum(line.events for line in uncategorized)
    rank: dict[str | None, int] = {level.id: n for n, level in enumerate(model.severity_levels)}
    agenda = sorted((_line(i, e) for i, e in triage if e and e.severity in spec.triage_levels),
                    key=lambda line: (rank.get(line.level, 99), -line.events, line.short_id))
    w = collected.windows
    return Digest(
        environment=environment, organization=collected.organization, project=collected.project,
        date=w.day.isoformat(), time_zone=w.time_zone,
        day_start=w.today.start.isoformat(), day_end=w.today.end.isoformat(), day_hours=w.today.hours,
        levels=_levels(model, today, before),
        total_events=total, total_issues=len(today),
        total_events_before=sum(_count(i) for i, _ in before), total_issues_before=len(before),
        uncategorized=tuple(uncategorized), uncategorized_events=unc_events,
        categorized_percent=(total - unc_events) / total * 100 if total else None,
        categorized_target=spec.categorized_target_percent,
        new_types=_new_types(today, collected),
        triage_hours=spec.triage_hours, triage_levels=spec.triage_levels, triage=tuple(agenda),
        alerts=tuple(AlertLine(str(a.get("name")), str(a.get("lastTriggered"))) for a in collected.alerts),
        performance=_performance(spec, collected) if collected.performance else (),
        sections=spec.sections,
    )
