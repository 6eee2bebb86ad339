"""The read side of the Sentry double that ``errorops digest`` uses: the organisation's projects,
its issues and the events (Discover/Explore) query, computed from raw events and spans that a
test adds, so the test can compute every expected figure by hand from the same fixtures.

Answers start from the example Sentry publishes for the operation (vendored OpenAPI subset)
and are checked against its response schema; a query parameter the operation does not declare
is refused (real Sentry ignores it silently, which would hide a typo in errorops).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from errorops.sentry_api import openapi

ORG = "/api/0/organizations/{organization_id_or_slug}"
PROJECTS, ISSUES, EVENTS = f"{ORG}/projects/", f"{ORG}/issues/", f"{ORG}/events/"
ISSUE = f"{ORG}/issues/{{issue_id}}/"
ROUTES = [
    (re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/issues/(?P<id>[^/]+)/$"), ISSUE, "org_issue"),
    (re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/projects/$"), PROJECTS, "org_projects"),
    (re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/issues/$"), ISSUES, "org_issues"),
    (re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/events/$"), EVENTS, "org_events"),
]
_TEMPLATES = {name: template for _pattern, template, name in ROUTES}


def parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    # Sentry reads a time without an offset as UTC (src/sentry/api/utils.py: get_date_range_from_params).
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeIssue:
    id: str
    project: dict
    short_id: str
    exception: str
    message: str
    events: list[datetime]
    status: str = "unresolved"
    substatus: str | None = "ongoing"
    assigned_to: dict | None = None
    level: str = "error"
    category: str = "error"
    # Its activity, (type, ISO time) each: set_resolved, set_regression, assigned, ... (src/sentry/types/activity.py).
    activity: list[tuple[str, str]] = field(default_factory=list)

    def first_seen(self) -> datetime:
        return min(self.events)

    def last_seen(self) -> datetime:
        return max(self.events)


@dataclass
class FakeSpan:
    project_id: str
    transaction: str
    duration_ms: float
    failed: bool
    timestamp: datetime
    is_transaction: bool = True


@dataclass
class DigestData:
    issues: list[FakeIssue] = field(default_factory=list)
    spans: list[FakeSpan] = field(default_factory=list)
    # Answers that did not match Sentry's published response schema (a test asserts none).
    shape_errors: list[str] = field(default_factory=list)


class DigestRoutes:
    """Mixed into SentryDouble: handlers ``_<name>_get`` for the routes above."""

    digest: DigestData

    def add_issue(self, project_slug: str, short_id: str, exception: str, message: str, events: list[str], **kw):
        project = self.projects[project_slug]
        issue = FakeIssue(self._new_id(), project, short_id, exception, message,
                          sorted(parse_time(e) for e in events), **kw)
        self.digest.issues.append(issue)
        return issue

    def add_spans(self, project_slug: str, transaction: str, at: str, durations_ms: list[float],
                  failed: int = 0) -> None:
        """Root spans (requests) of ``transaction`` at time ``at``; the first ``failed`` of them failed."""
        project_id = self.projects[project_slug]["id"]
        for n, duration in enumerate(durations_ms):
            self.digest.spans.append(FakeSpan(project_id, transaction, duration, n < failed, parse_time(at)))

    # --- handlers --------------------------------------------------------------------------

    def _checked(self, name: str, query: dict) -> dict | None:
        allowed = openapi.query_parameters("GET", _TEMPLATES[name])
        unknown = sorted(set(query) - allowed)
        if unknown:
            return {"detail": f"unknown query parameter(s) {', '.join(unknown)} for {_TEMPLATES[name]}"}
        return None

    def _shape(self, name: str, answer) -> None:
        errors = openapi.response_errors("GET", _TEMPLATES[name], answer)
        self.digest.shape_errors += [f"GET {_TEMPLATES[name]}: {e}" for e in errors]

    def _org_projects_get(self, params, query, _body):
        refused = self._checked("org_projects", query)
        if refused:
            return 400, refused, {}
        template = openapi.response_example("GET", PROJECTS)[0]
        items = [{**template, "id": p["id"], "slug": p["slug"], "name": p["name"]} for p in self.projects.values()]
        self._shape("org_projects", items)
        return self._page(items, query, params["path"])

    def _window(self, query):
        start, end = query.get("start", [None])[0], query.get("end", [None])[0]
        if not start or not end:
            return None
        return parse_time(start), parse_time(end)

    def _org_issues_get(self, params, query, _body):
        refused = self._checked("org_issues", query)
        if refused:
            return 400, refused, {}
        window = self._window(query)
        if window is None:
            return 400, {"detail": "the digest double needs start and end"}, {}
        projects = set(query.get("project", []))
        if any(not p.isdigit() for p in projects):
            return 400, {"detail": "Invalid project parameter. Values must be numbers."}, {}
        # The default query is is:unresolved (OpenAPI: `query` default); send query= for all issues.
        text = query["query"][0] if "query" in query else "is:unresolved"
        if text not in ("", "is:unresolved"):
            return 400, {"detail": f"the digest double plays query= and is:unresolved, not {text!r}"}, {}
        start, end = window
        rows = []
        for issue in self.digest.issues:
            if projects and issue.project["id"] not in projects:
                continue
            if text == "is:unresolved" and issue.status != "unresolved":
                continue
            # With start/end, `count`, `firstSeen` and `lastSeen` are those of the period asked for;
            # `lifetime` holds all time (src/sentry/api/serializers/models/group.py:
            # GroupSerializerSnuba._execute_seen_stats_query, StreamGroupSerializerSnuba._get_seen_stats).
            seen = [e for e in issue.events if start <= e < end]
            if seen:
                rows.append((issue, seen))
        sort = query.get("sort", ["date"])[0]
        key = {"freq": lambda r: (-len(r[1]), r[0].id), "new": lambda r: (-r[0].first_seen().timestamp(), r[0].id),
               "date": lambda r: (-max(r[1]).timestamp(), r[0].id)}[sort]
        items = [self._issue_answer(issue, seen) for issue, seen in sorted(rows, key=key)]
        self._shape("org_issues", items)
        limit = min(int(query.get("limit", ["100"])[0]), 100)
        return self._page(items, {**query, "per_page": [str(limit)]}, params["path"])

    def _issue_answer(self, issue: FakeIssue, seen: list[datetime]) -> dict:
        answer = openapi.response_example("GET", ISSUES)[0]
        title = f"{issue.exception}: {issue.message}"
        answer.update({
            "id": issue.id, "shortId": issue.short_id, "title": title, "culprit": "app.handlers in run",
            "permalink": f"{self.base_url}/organizations/{self.organization}/issues/{issue.id}/",
            "level": issue.level, "status": issue.status, "substatus": issue.substatus,
            "issueCategory": issue.category, "issueType": "error" if issue.category == "error" else issue.category,
            "type": "error", "metadata": {"type": issue.exception, "value": issue.message, "title": title},
            "count": str(len(seen)), "userCount": 0, "firstSeen": iso(min(seen)), "lastSeen": iso(max(seen)),
            "lifetime": {"count": str(len(issue.events)), "firstSeen": iso(issue.first_seen()),
                         "lastSeen": iso(issue.last_seen()), "userCount": 0},
            "assignedTo": issue.assigned_to, "isUnhandled": False, "stats": {},
            "project": {"id": issue.project["id"], "name": issue.project["name"], "platform": "python",
                        "slug": issue.project["slug"]},
        })
        return answer

    def _org_issue_get(self, params, query, _body):
        """One issue with its activity, oldest last as Sentry lists it (GroupDetailsEndpoint: newest first)."""
        refused = self._checked("org_issue", query)
        if refused:
            return 400, refused, {}
        issue = next((i for i in self.digest.issues if i.id == params["id"] or i.short_id == params["id"]), None)
        if issue is None:
            return 404, {"detail": "The requested resource does not exist"}, {}
        answer = {**openapi.response_example("GET", ISSUE), **self._issue_answer(issue, issue.events)}
        answer["activity"] = [{"id": str(n), "type": kind, "dateCreated": iso(parse_time(when)), "user": None,
                               "data": {}}
                              for n, (kind, when) in sorted(enumerate([("first_seen", iso(issue.first_seen())),
                                                                        *issue.activity]),
                                                            key=lambda a: parse_time(a[1][1]), reverse=True)]
        answer.pop("lifetime", None)
        # The published example's `owners` is one object where its schema says a list (or null).
        answer["owners"] = None
        self._shape("org_issue", answer)
        return 200, answer, {}

    def _org_events_get(self, params, query, _body):
        refused = self._checked("org_events", query)
        if refused:
            return 400, refused, {}
        if query.get("dataset") != ["spans"]:
            return 400, {"detail": "the digest double plays dataset=spans only"}, {}
        window = self._window(query)
        if window is None:
            return 400, {"detail": "the digest double needs start and end"}, {}
        fields = query.get("field", [])
        if not fields or len(fields) > 20:
            return 400, {"detail": "between 1 and 20 fields"}, {}
        spans = [s for s in self.digest.spans if window[0] <= s.timestamp < window[1]]
        projects = set(query.get("project", []))
        if projects:
            spans = [s for s in spans if s.project_id in projects]
        for token in (query.get("query", [""])[0]).split():
            name, _, value = token.partition(":")
            if name == "is_transaction":
                spans = [s for s in spans if s.is_transaction == (value == "true")]
            elif name == "transaction":
                wanted = value[1:-1].split(",") if value.startswith("[") else [value]
                spans = [s for s in spans if s.transaction in wanted]
            else:
                return 400, {"detail": f"the digest double does not play {token!r}"}, {}
        groups = [f for f in fields if "(" not in f]
        buckets: dict[tuple, list[FakeSpan]] = {}
        for span in spans:
            buckets.setdefault(tuple(getattr(span, g) for g in groups), []).append(span)
        if not groups:
            buckets.setdefault((), [])
        data = []
        for key, members in sorted(buckets.items()):
            row = dict(zip(groups, key))
            for f in fields:
                if f in groups:
                    continue
                value = _aggregate(f, members)
                if value is _UNKNOWN:
                    return 400, {"detail": f"the digest double does not play {f!r}"}, {}
                row[f] = value
            data.append(row)
        kinds = {"count()": "integer", "failure_rate()": "percentage", "p95(span.duration)": "duration"}
        meta = {"fields": {f: kinds.get(f, "string") for f in fields},
                "units": {f: ("millisecond" if f == "p95(span.duration)" else None) for f in fields},
                "dataset": "spans", "isMetricsData": False}
        answer = {"data": data, "meta": meta}
        self._shape("org_events", answer)
        return 200, answer, {}


_UNKNOWN = object()


def _aggregate(name: str, spans: list[FakeSpan]):
    if name == "count()":
        return len(spans)
    if name == "failure_rate()":
        # A fraction of 1 (search/eap/spans/formulas.py: failure_rate), not a percentage.
        return sum(s.failed for s in spans) / len(spans) if spans else 0
    if name == "p95(span.duration)":
        if not spans:
            return None
        # Nearest rank; Sentry's own quantile is approximate, the digest shows whatever it answers.
        ordered = sorted(s.duration_ms for s in spans)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]
    return _UNKNOWN
