"""A loopback HTTP server that plays Sentry's monitors (detectors) and alerts (workflows) API."""

from __future__ import annotations

import json
import re
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from errorops.sentry_api import openapi

from .contract import OrgState, drf_errors, refusals
from .digest_data import ROUTES as DIGEST_ROUTES, DigestData, DigestRoutes

ORG = "/api/0/organizations/{organization_id_or_slug}"
ROUTES = [
    (re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/projects/(?P<project>[^/]+)/detectors/$"),
     f"{ORG}/projects/{{project_id_or_slug}}/detectors/", "project_detectors"),
    (re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/detectors/$"), f"{ORG}/detectors/", "detectors"),
    (re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/detectors/(?P<id>[^/]+)/$"),
     f"{ORG}/detectors/{{detector_id}}/", "detector"),
    (re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/workflows/$"), f"{ORG}/workflows/", "workflows"),
    (re.compile(r"^/api/0/organizations/(?P<org>[^/]+)/workflows/(?P<id>[^/]+)/$"),
     f"{ORG}/workflows/{{workflow_id}}/", "workflow"),
    (re.compile(r"^/api/0/projects/(?P<org>[^/]+)/(?P<project>[^/]+)/ownership/$"),
     "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/ownership/", "project_ownership"),
    *DIGEST_ROUTES,
]
# Which contract rules (tests/sentry_double/contract) each body kind must pass.
CONTRACT = {"project_detectors": "detector", "detector": "detector", "workflows": "workflow", "workflow": "workflow",
            "project_ownership": "ownership"}
# Every scope a token can have: the default token may do anything; tests take scopes away.
ALL_SCOPES = {"org:read", "org:write", "team:read", "team:write", "team:admin", "project:read", "project:write",
              "project:admin", "alerts:read", "alerts:write"}
NOT_FOUND = {"detail": "The requested resource does not exist"}
RATE_LIMITED = "You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds"
PER_PAGE_MAX = 100
TICKETING = ("github", "github_enterprise", "jira", "jira_server", "azure_devops")


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str | None


@dataclass
class _Retired:
    prefix: str
    date: str
    replacement: str
    gone: bool


@dataclass
class _Faults:
    rate_limited: int = 0
    reset_at: int | None = None
    failing: int = 0
    fail_status: int = 500
    # Carry the request out, then answer with the failure (a proxy timing out on a slow Sentry).
    fail_after_processing: bool = False
    # Carry the next request out, then answer these raw bytes instead (an odd or broken answer).
    mangled: bytes | None = None
    retired: list[_Retired] = field(default_factory=list)


class SentryDouble(DigestRoutes):
    """In-memory Sentry for one organization. Start it, point a client at `base_url`."""

    def __init__(self, token: str = "sntryu_double_0123456789abcdef", organization: str = "acme"):
        self.token = token
        self.organization = organization
        self.projects: dict[str, dict] = {}
        self.detectors: dict[str, dict] = {}
        self.workflows: dict[str, dict] = {}
        # Each project's ownership (rules, fallthrough, auto-assignment) and its teams' slugs.
        self.ownership: dict[str, dict] = {}
        self.project_teams: dict[str, set[str]] = {}
        self.requests: list[Recorded] = []
        # Issues and spans for the digest's reads (tests/sentry_double/digest_data.py).
        self.digest = DigestData()
        self.crashes: list[str] = []
        # The organisation as Sentry's validators see it, and each refusal given (rule id, message).
        self.state = OrgState(scopes=set(ALL_SCOPES))
        self.refused: list[tuple[str, str]] = []
        self._faults = _Faults()
        self._next_id = 1000
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> "SentryDouble":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.double = self  # type: ignore[attr-defined]
        # A short poll keeps shutdown() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="sentry-double", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- test controls ---------------------------------------------------------------------

    def rate_limit_next(self, count: int, reset_at: int | None) -> None:
        """Answer the next `count` requests 429, with X-Sentry-Rate-Limit-Reset = reset_at if given."""
        with self._lock:
            self._faults.rate_limited, self._faults.reset_at = count, reset_at

    def fail_next(self, count: int, status: int = 500, *, after_processing: bool = False) -> None:
        """Answer the next `count` requests with a server error (after carrying them out, if asked)."""
        with self._lock:
            self._faults.failing, self._faults.fail_status = count, status
            self._faults.fail_after_processing = after_processing

    def mangle_next_answer(self, raw: bytes) -> None:
        """Carry the next request out, then answer 201 with ``raw`` as the body."""
        with self._lock:
            self._faults.mangled = raw

    def add_environment(self, name: str) -> None:
        self.state.environments.add(name)

    def add_team(self, slug: str, *, member: bool = True, team_id: str | None = None) -> str:
        """A team of the organisation; `member`: the token's user belongs to it. Returns its id."""
        with self._lock:
            team_id = team_id or self._new_id()
            self.state.teams[team_id] = slug
            if member:
                self.state.member_of.add(team_id)
            return team_id

    def add_user(self, user_id: str) -> None:
        self.state.user_ids.add(str(user_id))

    def add_slack_channel(self, channel_id: str, name: str) -> None:
        """A channel the installed Slack integration can see."""
        self.state.slack_channels[channel_id] = name.lstrip("#")

    def add_integration(self, provider: str, integration_id: str | None = None) -> str:
        """An active integration (slack, github, pagerduty) installed in the organisation. Returns its id."""
        with self._lock:
            integration_id = integration_id or self._new_id()
            self.state.integrations[integration_id] = provider
            return integration_id

    def add_pagerduty_service(self, name: str, service_id: str | None = None) -> str:
        with self._lock:
            service_id = service_id or self._new_id()
            self.state.pagerduty_services[service_id] = name
            return service_id

    def retire(self, prefix: str, *, date: str, replacement: str, gone: bool = True) -> None:
        """Mark paths under `prefix` deprecated: 410 when `gone`, otherwise served with the headers."""
        with self._lock:
            self._faults.retired.append(_Retired(prefix, date, replacement, gone))

    def add_project(self, slug: str, *, default_alert: bool = True) -> dict:
        """Create a project with its error and issue-stream monitors, and Sentry's default alert
        unless told not to (workflow_engine/defaults/detectors.py, defaults/workflows.py)."""
        with self._lock:
            project = {"id": self._new_id(), "slug": slug, "name": slug}
            self.projects[slug] = project
            for kind, name in (("error", "Error Monitor"), ("issue_stream", "Issue Stream")):
                detector = {
                    "id": self._new_id(), "projectId": project["id"], "name": name, "type": kind,
                    "description": None, "enabled": True, "owner": None, "createdBy": None, "config": {},
                    "dataSources": None, "conditionGroup": None, "workflowIds": [], "latestGroup": None,
                    "dateCreated": _now(), "dateUpdated": _now(),
                }
                self.detectors[detector["id"]] = detector
            if default_alert:
                self.seed_default_alert(slug)
            return project

    def seed_default_alert(self, slug: str) -> dict:
        """Add the workflow Sentry creates for a new project: workflow_engine/defaults/workflows.py
        ensure_default_workflows connects create_priority_workflow to the project's issue-stream
        monitor (config frequency 0, no creator)."""
        with self._lock:
            issue_stream = next(
                d for d in self.detectors.values()
                if d["type"] == "issue_stream" and d["projectId"] == self.projects[slug]["id"]
            )
            workflow = self._store_workflow({
                "name": "Send a notification for high priority issues",
                "enabled": True, "environment": None, "owner": None, "config": {"frequency": 0},
                "detectorIds": [int(issue_stream["id"])],
                "triggers": {"logicType": "any-short", "conditions": [
                    {"type": "new_high_priority_issue", "comparison": True, "conditionResult": True},
                    {"type": "existing_high_priority_issue", "comparison": True, "conditionResult": True},
                ]},
                "actionFilters": [{"logicType": "any-short", "conditions": [], "actions": [{
                    "type": "email", "integrationId": None, "data": {"fallthroughType": "ActiveMembers"},
                    "config": {"targetType": "issue_owners", "targetDisplay": None, "targetIdentifier": None},
                    "status": "active",
                }]}],
            }, created_by=None)
            return workflow

    def requests_to(self, method: str, path_prefix: str = "/") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # --- request handling ------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, raw_body: bytes, authorization: str | None):
        """Return (status, json body or None, extra headers)."""
        url = urlsplit(raw_path)
        query = parse_qs(url.query, keep_blank_values=True)
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError as exc:
            self.requests.append(Recorded(method, url.path, query, raw_body.decode(errors="replace"), authorization))
            return 400, {"detail": f"JSON parse error - {exc}"}, {}
        with self._lock:
            self.requests.append(Recorded(method, url.path, query, body, authorization))
            if authorization != f"Bearer {self.token}":
                detail = "Invalid token" if authorization else "Authentication credentials were not provided."
                return 401, {"detail": detail}, {}
            retired = next((r for r in self._faults.retired if url.path.startswith(r.prefix)), None)
            deprecation = {}
            if retired:
                deprecation = {"X-Sentry-Deprecation-Date": retired.date,
                               "X-Sentry-Replacement-Endpoint": retired.replacement}
                if retired.gone:
                    return 410, {"message": "This API no longer exists."}, deprecation
            if self._faults.rate_limited:
                self._faults.rate_limited -= 1
                return 429, RATE_LIMITED, {
                    "X-Sentry-Rate-Limit-Limit": "40", "X-Sentry-Rate-Limit-Remaining": "0",
                    "X-Sentry-Rate-Limit-Reset": None if self._faults.reset_at is None else str(self._faults.reset_at),
                    "X-Sentry-Rate-Limit-ConcurrentLimit": "25", "X-Sentry-Rate-Limit-ConcurrentRemaining": "24",
                }
            if self._faults.failing:
                self._faults.failing -= 1
                if self._faults.fail_after_processing:
                    self._route(method, url.path, query, body)
                return self._faults.fail_status, {"detail": "Internal Error"}, {}
            status, answer, headers = self._route(method, url.path, query, body)
            if self._faults.mangled is not None:
                raw, self._faults.mangled = self._faults.mangled, None
                return 201, _Raw(raw), {}
            return status, answer, {**headers, **deprecation}

    def _route(self, method, path, query, body):
        for pattern, template, name in ROUTES:
            match = pattern.match(path)
            if match:
                break
        else:
            return 404, NOT_FOUND, {}
        params = {**match.groupdict(), "path": path}
        if params["org"] != self.organization:
            return 404, NOT_FOUND, {}
        if method.lower() not in openapi.spec()["paths"][template]:
            return 405, {"detail": f'Method "{method}" not allowed.'}, {}
        handler = getattr(self, f"_{name}_{method.lower()}", None)
        if handler is None:  # in Sentry's API (bulk edits) but not needed by errorops
            return 501, {"detail": f"{method} {template} is not played by the double"}, {}
        if method in ("POST", "PUT"):
            errors = openapi.body_errors(method, template, body if body is not None else {})
            if errors:
                return 400, _drf_errors(errors), {}
            self.state.detector_ids = set(self.detectors)
            self.state.project_teams = self.project_teams.get(params.get("project", ""), set())
            found = refusals(CONTRACT[name], body, self.state)
            if found:
                self.refused += [(r.id, refusal.message) for r, refusal in found]
                return 400, drf_errors(found), {}
        status, answer, headers = handler(params, query, body)
        return status, _as_sentry_orders(answer), headers

    def _project_detectors_post(self, params, _query, body):
        project = self._project(params["project"])
        if project is None:
            return 404, NOT_FOUND, {}
        detector = {"id": self._new_id(), "projectId": project["id"], "createdBy": "1",
                    "dateCreated": _now(), "latestGroup": None}
        self._fill_detector(detector, body)
        self.detectors[detector["id"]] = detector
        return 201, detector, {}

    def set_project_teams(self, slug: str, teams: list[str]) -> None:
        """The teams (slugs) of a project: the only teams its ownership rules may name."""
        self.project_teams[slug] = set(teams)

    def _project_ownership_get(self, params, _query, _body):
        # api/endpoints/project_ownership.py get_ownership: a project without one answers an empty ownership.
        if self._project(params["project"]) is None:
            return 404, NOT_FOUND, {}
        return 200, self.ownership.get(params["project"]) or _ownership({}), {}

    def _project_ownership_put(self, params, _query, body):
        if self._project(params["project"]) is None:
            return 404, NOT_FOUND, {}
        # partial=True: only the attributes sent change; a blank raw is stored as none.
        current = self.ownership.get(params["project"]) or _ownership({})
        updated = _ownership({**current, **body, "dateCreated": current["dateCreated"] or _now(), "lastUpdated": _now()})
        self.ownership[params["project"]] = updated
        return 200, updated, {}

    def _detectors_get(self, params, query, _body):
        items = list(self.detectors.values())
        if _slug_in(query):
            return 400, PROJECT_NOT_NUMBER, {}
        if query.get("project"):
            wanted = self._project_ids(query["project"])
            items = [d for d in items if d["projectId"] in wanted]
        # The search query's `type:` field, the one filter the providers use.
        types = [t.split(":", 1)[1] for t in " ".join(query.get("query", [])).split() if t.startswith("type:")]
        if types:
            items = [d for d in items if d["type"] in types]
        return self._page(items, query, params["path"])

    def _detector_get(self, params, _query, _body):
        detector = self.detectors.get(params["id"])
        return (200, detector, {}) if detector else (404, NOT_FOUND, {})

    def _detector_put(self, params, _query, body):
        detector = self.detectors.get(params["id"])
        if detector is None:
            return 404, NOT_FOUND, {}
        self._fill_detector(detector, body)
        return 200, detector, {}

    def _detector_delete(self, params, _query, _body):
        return (204, None, {}) if self.detectors.pop(params["id"], None) else (404, NOT_FOUND, {})

    def _workflows_get(self, params, query, _body):
        items = list(self.workflows.values())
        if _slug_in(query):
            return 400, PROJECT_NOT_NUMBER, {}
        if query.get("id"):
            items = [w for w in items if w["id"] in query["id"]]
        if query.get("project") and query["project"] != ["-1"]:
            wanted = self._project_ids(query["project"])
            items = [w for w in items if any(self._detector_project(d) in wanted for d in w["detectorIds"])]
        return self._page(items, query, params["path"])

    def _workflows_post(self, _params, _query, body):
        return 201, self._store_workflow(body, created_by="1"), {}

    def _workflow_get(self, params, _query, _body):
        workflow = self.workflows.get(params["id"])
        return (200, workflow, {}) if workflow else (404, NOT_FOUND, {})

    def _workflow_put(self, params, _query, body):
        workflow = self.workflows.get(params["id"])
        if workflow is None:
            return 404, NOT_FOUND, {}
        self._fill_workflow(workflow, body)
        return 200, workflow, {}

    def _workflow_delete(self, params, _query, _body):
        return (204, None, {}) if self.workflows.pop(params["id"], None) else (404, NOT_FOUND, {})

    # --- state helpers ---------------------------------------------------------------------

    def _new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def _project(self, id_or_slug: str) -> dict | None:
        return next((p for p in self.projects.values() if id_or_slug in (p["id"], p["slug"])), None)

    def _project_ids(self, ids_or_slugs: list[str]) -> set[str]:
        return {p["id"] for p in map(self._project, ids_or_slugs) if p}

    def _detector_project(self, detector_id) -> str | None:
        detector = self.detectors.get(str(detector_id))
        return detector["projectId"] if detector else None

    def _fill_detector(self, detector: dict, body: dict) -> None:
        sources = []
        for source in body.get("dataSources", []):
            query = {"id": self._new_id(), "aggregate": None, "dataset": "events", "environment": None,
                     "eventTypes": [], "extrapolationMode": "unknown", "query": "", "timeWindow": None}
            # Sentry does not echo queryType back; it is stored as the query's type.
            query.update({k: v for k, v in source.items() if k != "queryType"})
            sources.append({"id": self._new_id(), "organizationId": "1", "sourceId": self._new_id(),
                            "type": "snuba_query_subscription",
                            "queryObj": {"id": self._new_id(), "status": 1, "subscription": None, "snubaQuery": query}})
        group = body.get("conditionGroup") or {}
        old_conditions = {c["id"]: c for c in (detector.get("conditionGroup") or {}).get("conditions", [])}
        detector.update({
            "name": body["name"], "type": body["type"], "description": body.get("description"),
            "enabled": body.get("enabled", True), "owner": _owner(body.get("owner")),
            "config": {"comparisonDelta": None, **body.get("config", {})},
            "dataSources": sources,
            "conditionGroup": {
                "id": self._new_id(), "organizationId": "1", "logicType": group.get("logicType", "any"),
                "conditions": self._keep_ids(group.get("conditions", []), old_conditions), "actions": [],
            },
            "workflowIds": [str(i) for i in body.get("workflowIds", [])],
            "dateUpdated": _now(),
        })

    def _store_workflow(self, body: dict, *, created_by: str | None) -> dict:
        workflow = {"id": self._new_id(), "organizationId": "1", "createdBy": created_by,
                    "dateCreated": _now(), "lastTriggered": None}
        self._fill_workflow(workflow, body)
        self.workflows[workflow["id"]] = workflow
        return workflow

    def _fill_workflow(self, workflow: dict, body: dict) -> None:
        """Store a POST or PUT body the way WorkflowValidator.update does.

        Items sent with the id of a stored one update it in place; items without an id are
        created; stored items the body leaves out are deleted (validators/utils.py:
        remove_items_by_api_input). Omitted detectorIds keep the connections.
        """
        triggers = body.get("triggers") or {"logicType": "any-short"}
        old_filters = {f["id"]: f for f in workflow.get("actionFilters", [])}
        old_actions = {a["id"]: a for f in old_filters.values() for a in f["actions"]}
        filters = []
        for f in body.get("actionFilters", []):
            kept = old_filters.get(str(f.get("id"))) if f.get("id") is not None else None
            group = self._group(f, kept)
            group["actions"] = [self._action(a, old_actions) for a in f.get("actions", [])]
            filters.append(group)
        old_triggers = workflow.get("triggers")
        detector_ids = body.get("detectorIds")
        workflow.update({
            "name": body["name"], "enabled": body.get("enabled", True),
            "environment": body.get("environment"), "owner": body.get("owner"),
            "config": body.get("config", {"frequency": 30}),
            "detectorIds": [str(i) for i in detector_ids] if detector_ids is not None
            else workflow.get("detectorIds", []),
            "triggers": self._group(triggers, old_triggers),
            "actionFilters": filters,
            "dateUpdated": _now(),
        })

    def _action(self, action: dict, old_actions: dict) -> dict:
        stored = {"status": "active", **{k: v for k, v in action.items() if k != "id"}}
        kept = old_actions.get(str(action.get("id"))) if action.get("id") is not None else None
        stored["id"] = kept["id"] if kept else self._new_id()
        stored["integrationId"] = None if action.get("integrationId") is None else str(action["integrationId"])
        config = dict(stored.get("config") or {})
        if action.get("type") == "slack" and isinstance(config.get("targetDisplay"), str):
            # integrations/slack/actions/form.py clean(): without a channel id Sentry looks the
            # channel up and stores "#name"; with one, the name as given without its '#'.
            name = config["targetDisplay"].lstrip("#")
            config["targetDisplay"] = name if config.get("targetIdentifier") else f"#{name}"
        stored["config"] = config
        return stored

    def _group(self, group: dict, kept: dict | None = None) -> dict:
        old = {c["id"]: c for c in (kept or {}).get("conditions", [])}
        return {"id": kept["id"] if kept else self._new_id(), "organizationId": "1",
                "logicType": group.get("logicType", "any-short"),
                "conditions": self._keep_ids(group.get("conditions", []), old), "actions": []}

    def _keep_ids(self, conditions: list, old: dict) -> list:
        out = []
        for condition in conditions:
            ident = str(condition["id"]) if condition.get("id") is not None and str(condition["id"]) in old \
                else self._new_id()
            out.append({**{k: v for k, v in condition.items() if k != "id"}, "id": ident})
        return out

    def _page(self, items: list, query: dict, path: str):
        per_page = min(int(query.get("per_page", ["100"])[0]), PER_PAGE_MAX)
        offset = int(query.get("cursor", ["0:0:0"])[0].split(":")[1])
        page = items[offset:offset + per_page]
        has_next = offset + per_page < len(items)
        base = f"{self.base_url}{path}"
        prev_cursor, next_cursor = f"0:{max(offset - per_page, 0)}:1", f"0:{offset + per_page}:0"
        link = ", ".join(
            f'<{base}?cursor={cursor}>; rel="{rel}"; results="{str(more).lower()}"; cursor="{cursor}"'
            for rel, cursor, more in (("previous", prev_cursor, offset > 0), ("next", next_cursor, has_next))
        )
        return 200, page, {"Link": link}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        double: SentryDouble = self.server.double  # type: ignore[attr-defined]
        try:
            status, answer, headers = double.handle(self.command, self.path, raw, self.headers.get("Authorization"))
        except Exception:  # a bug in the double must fail the test, not hang the client
            double.crashes.append(traceback.format_exc())
            status, answer, headers = 500, {"detail": "Internal Error"}, {}
        payload = b"" if answer is None else answer.raw if isinstance(answer, _Raw) else json.dumps(answer).encode()
        self.send_response(status)
        # Real Sentry sends these on every REST answer, not only on 429.
        headers = {
            "X-Sentry-Rate-Limit-Limit": "40", "X-Sentry-Rate-Limit-Remaining": "39",
            "X-Sentry-Rate-Limit-Reset": str(int(time.time()) + 1), **headers,
        }
        for name, value in headers.items():
            if value is not None:  # None removes a default header
                self.send_header(name, value)
        if answer is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, *_args) -> None:  # keep pytest output clean
        pass


# Before getsentry/sentry#117446 (2026-06-11) organisation lists took numeric project ids only
# (src/sentry/api/bases/organization.py: get_projects); the double plays the older server.
PROJECT_NOT_NUMBER = {"detail": "Invalid project parameter. Values must be numbers."}


def _slug_in(query: dict) -> bool:
    return any(not p.lstrip("-").isdigit() for p in query.get("project", []))


@dataclass(frozen=True)
class _Raw:
    """An answer sent as these bytes, not as JSON."""

    raw: bytes


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w.capitalize() for w in rest)


def _as_sentry_orders(answer):
    """An answer as Sentry's serializers write it: lists of conditions, action filters and actions
    in another order than sent (no order_by in workflow_engine/endpoints/serializers/; its users
    see conditions "in a random order", jianyuan/terraform-provider-sentry resource_alert_impl.go),
    reversed so that every test sees it; a ticketing action's data keys in camelCase."""
    if isinstance(answer, list):
        return [_as_sentry_orders(a) for a in answer]
    if not isinstance(answer, dict):
        return answer
    out = {}
    for key, value in answer.items():
        if key in ("conditions", "actionFilters", "actions") and isinstance(value, list):
            value = list(reversed(value))
        out[key] = _as_sentry_orders(value)
    if out.get("type") in TICKETING and isinstance(out.get("data"), dict):
        # TicketingActionHandler.serialize_data answers the data keys in camelCase.
        out["data"] = {_camel(k): v for k, v in out["data"].items()}
    return out


def _drf_errors(errors: list[openapi.BodyError]) -> dict:
    """Group messages by top-level field, as Django REST framework does."""
    grouped: dict[str, list[str]] = {}
    for error in errors:
        key = error.path[0] if error.path else "nonFieldErrors"
        grouped.setdefault(str(key), []).append(str(error))
    return grouped


def _owner(owner: str | None) -> dict | None:
    if not owner:
        return None
    kind, _, ident = owner.partition(":")
    return {"type": kind, "id": ident, "name": f"{kind}-{ident}"}


def _ownership(values: dict) -> dict:
    """A project's ownership as src/sentry/api/serializers/models/projectownership.py answers it."""
    raw = values.get("raw") or None
    return {"raw": raw if raw and raw.strip() else None, "fallthrough": values.get("fallthrough", True),
            "dateCreated": values.get("dateCreated"), "lastUpdated": values.get("lastUpdated"), "isActive": True,
            "autoAssignment": values.get("autoAssignment", "Auto Assign to Issue Owner"),
            "codeownersAutoSync": values.get("codeownersAutoSync", True)}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
