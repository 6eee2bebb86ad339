"""What the KPI reports read from Sentry, through the digest's reader (errorops.digest.collect: the
project's id, the period's issues, request spans) and the one client; plus each issue's activity.

Read-only scopes, as the digest: org:read, event:read. Endpoints (vendored OpenAPI subset):
``GET /organizations/{org}/issues/`` (issues with events in the period, their counts of it),
``GET /organizations/{org}/issues/{issue_id}/`` (its ``activity``: ``set_resolved*``,
``set_regression``, ``assigned``, with ``dateCreated``; src/sentry/types/activity.py ActivityType)
and ``GET /organizations/{org}/events/`` (dataset=spans, failure_rate() of requests, per day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from ..digest.collect import ISSUES, CollectError, PerfRow, _issues, _perf, _project_id
from ..sentry_api.client import SentryClient
from .periods import Period, previous

ISSUE = ISSUES + "{issue_id}/"


@dataclass(frozen=True)
class PeriodData:
    period: Period
    issues: tuple[dict[str, Any], ...]     # issues with events in the period; counts are the period's
    requests: PerfRow                       # all requests of the period
    daily: tuple[tuple[date, PerfRow], ...]  # requests of each day


@dataclass(frozen=True)
class KpiCollected:
    organization: str
    project: str
    project_id: str
    current: PeriodData
    previous: PeriodData
    activity: dict[str, tuple[dict[str, Any], ...]]  # issue id -> its activity, all time


def _period_data(client: SentryClient, org: str, project_id: str, period: Period) -> PeriodData:
    issues = _issues(client, org, project_id, period.window)
    requests = _perf(client, org, project_id, period.window, ()).total
    daily = tuple((day, _perf(client, org, project_id, window, ()).total) for day, window in period.days)
    return PeriodData(period, tuple(i for i in issues if isinstance(i, dict)), requests, daily)


def _activity(client: SentryClient, org: str, issue_id: str) -> tuple[dict[str, Any], ...]:
    answer = client.get(ISSUE.format(org=org, issue_id=quote(issue_id, safe="")), resource="sentry issue")
    if not isinstance(answer, dict):
        raise CollectError(f"Sentry's answer for issue {issue_id} is not an object")
    return tuple(a for a in answer.get("activity") or () if isinstance(a, dict))


def collect(client: SentryClient, org: str, project_slug: str, period: Period) -> KpiCollected:
    project_id = _project_id(client, org, project_slug)
    current = _period_data(client, org, project_id, period)
    before = _period_data(client, org, project_id, previous(period))
    ids = sorted({str(i.get("id")) for i in (*current.issues, *before.issues) if i.get("id") is not None})
    return KpiCollected(org, project_slug, project_id, current, before,
                        {issue_id: _activity(client, org, issue_id) for issue_id in ids})
