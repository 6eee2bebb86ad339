"""Everything the digest needs from Sentry, read through errorops.sentry_api.client (one client:
the same base URL, token handling, rate-limit waits and error messages as the providers).

Read-only scopes, each endpoint's ``security`` in vendor/sentry-openapi: org:read (projects,
events, workflows: any of alerts:read, org:read) and event:read (issues).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..model.digest import DigestSpec
from .days import Window, Windows

if TYPE_CHECKING:
    from ..sentry_api.client import SentryClient

ORG = "/api/0/organizations/{org}"
# Each path is in the vendored OpenAPI subset (vendor/sentry-openapi/sentry-openapi-subset.json).
PROJECTS = ORG + "/projects/"
ISSUES = ORG + "/issues/"
EVENTS = ORG + "/events/"
WORKFLOWS = ORG + "/workflows/"
READ_SCOPES = "org:read, event:read"


class CollectError(Exception):
    """The digest cannot be built from what Sentry has (e.g. the project does not exist)."""


@dataclass(frozen=True)
class PerfRow:
    count: int
    failure_rate: float | None   # a fraction of 1
    p95_ms: float | None


@dataclass(frozen=True)
class Performance:
    total: PerfRow
    transactions: dict[str, PerfRow]  # Sentry transaction name -> its figures


@dataclass(frozen=True)
class Collected:
    organization: str
    project: str
    project_id: str
    windows: Windows
    issues_today: tuple[dict[str, Any], ...]
    issues_day_before: tuple[dict[str, Any], ...]
    issues_triage: tuple[dict[str, Any], ...]
    alerts: tuple[dict[str, Any], ...]  # workflows whose lastTriggered falls in the triage window
    performance: dict[str, Performance]  # "today", "day_before", "week_before"


def _project_id(client: SentryClient, org: str, slug: str) -> str:
    # A numeric id: organisation listings refused slugs in ?project= before getsentry/sentry#117446.
    for project in client.paginate(PROJECTS.format(org=org), resource=f"sentry project '{slug}'"):
        if isinstance(project, dict) and project.get("slug") == slug:
            return str(project["id"])
    raise CollectError(f"Sentry organisation '{org}' has no project '{slug}' (or the token may not read it)")


def _issues(client: SentryClient, org: str, project_id: str, window: Window) -> tuple[dict[str, Any], ...]:
    # query= (empty) for every status: the default is is:unresolved (OpenAPI `query` default), and
    # an issue resolved during the day still counts in its summary. With start/end, an issue's
    # `count`, `firstSeen` and `lastSeen` are those of that period; `lifetime` holds all time
    # (src/sentry/api/serializers/models/group.py: GroupSerializerSnuba._execute_seen_stats_query
    # "if start or end or conditions", and StreamGroupSerializerSnuba._get_seen_stats's lifetime query).
    params = {"project": project_id, "query": "", "sort": "freq", **window.params()}
    return tuple(client.paginate(ISSUES.format(org=org), params, resource="sentry issues",
                                 page_size_param="limit"))


def _perf(client: SentryClient, org: str, project_id: str, window: Window, transactions: tuple[str, ...]) -> Performance:
    # Requests are root spans: dataset=spans with is_transaction:true replaces the deprecated
    # discover/transactions datasets (sentry PR #121563); failure_rate() is a fraction of 1
    # (src/sentry/search/eap/spans/formulas.py), p95(span.duration) in milliseconds.
    base = {"dataset": "spans", "project": project_id, **window.params()}
    total = client.get(EVENTS.format(org=org), {
        **base, "field": ["count()", "failure_rate()", "p95(span.duration)"], "query": "is_transaction:true",
    }, resource="sentry performance")
    rows = _rows(total)
    by_name: dict[str, PerfRow] = {}
    if transactions:
        answer = client.get(EVENTS.format(org=org), {
            **base, "field": ["transaction", "count()", "failure_rate()", "p95(span.duration)"],
            "query": f"is_transaction:true transaction:[{','.join(transactions)}]", "per_page": 100,
        }, resource="sentry performance")
        for row in _rows(answer):
            by_name[str(row.get("transaction"))] = _perf_row(row)
    return Performance(_perf_row(rows[0]) if rows else PerfRow(0, None, None), by_name)


def _rows(answer: Any) -> list[dict[str, Any]]:
    if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
        raise CollectError("Sentry's answer to the events query has no data list")
    return [r for r in answer["data"] if isinstance(r, dict)]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _perf_row(row: dict[str, Any]) -> PerfRow:
    return PerfRow(int(_number(row.get("count()")) or 0), _number(row.get("failure_rate()")),
                   _number(row.get("p95(span.duration)")))


def _alerts(client: SentryClient, org: str, project_id: str, window: Window) -> tuple[dict[str, Any], ...]:
    fired: list[dict[str, Any]] = []
    for workflow in client.paginate(WORKFLOWS.format(org=org), {"project": project_id}, resource="sentry alerts"):
        last = workflow.get("lastTriggered") if isinstance(workflow, dict) else None
        if not last:
            continue
        try:
            moment = datetime.fromisoformat(str(last).replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo and window.contains(moment):
            fired.append(workflow)
    return tuple(sorted(fired, key=lambda w: (str(w.get("lastTriggered")), str(w.get("name")))))


def collect(client: SentryClient, org: str, project_slug: str, spec: DigestSpec, windows: Windows) -> Collected:
    """Only what the configured sections show is read."""
    project_id = _project_id(client, org, project_slug)
    names = tuple(t.transaction for t in spec.transactions)
    wanted = set(spec.sections)
    return Collected(
        organization=org, project=project_slug, project_id=project_id, windows=windows,
        issues_today=_issues(client, org, project_id, windows.today) if wanted & {"errors", "new_error_types"} else (),
        issues_day_before=_issues(client, org, project_id, windows.day_before) if "errors" in wanted else (),
        issues_triage=_issues(client, org, project_id, windows.triage) if "triage" in wanted else (),
        alerts=_alerts(client, org, project_id, windows.triage) if "alerts" in wanted else (),
        performance={key: _perf(client, org, project_id, getattr(windows, key), names)
                     for key in ("today", "day_before", "week_before")} if "performance" in wanted else {},
    )
