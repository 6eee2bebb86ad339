"""Pulumi dynamic resources for Sentry monitors (detectors) and alerts (workflows).

Importing this module reads no configuration and opens no socket: Pulumi's provider process
imports it to unpickle the providers, which are pickled by reference to these classes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Optional
from urllib.parse import quote

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.runtime.rpc import UNKNOWN

from .._pulumi_compat import PickleSafeResource
from . import openapi
from .client import BASE_URL_ENV, DEFAULT_BASE_URL, TOKEN_ENV, SentryApiError, SentryClient
from .default_alert import is_default_alert
from .payloads import (
    changed_keys,
    contains,
    detector_as_request,
    project,
    request_body,
    restore_ints,
    wire_body,
    with_existing_ids,
    workflow_as_request,
)

TOKEN_CONFIG, BASE_URL_CONFIG = "sentry:token", "sentry:baseUrl"

PROJECT_DETECTORS = "/api/0/organizations/{organization_id_or_slug}/projects/{project_id_or_slug}/detectors/"
DETECTORS = "/api/0/organizations/{organization_id_or_slug}/detectors/"
DETECTOR = "/api/0/organizations/{organization_id_or_slug}/detectors/{detector_id}/"
WORKFLOWS = "/api/0/organizations/{organization_id_or_slug}/workflows/"
WORKFLOW = "/api/0/organizations/{organization_id_or_slug}/workflows/{workflow_id}/"


def _id_of(answer: Any) -> str | None:
    """The id in a create's answer, if it is one (an object with a non-empty id)."""
    ident = answer.get("id") if isinstance(answer, dict) else None
    return str(ident) if isinstance(ident, (str, int)) and not isinstance(ident, bool) and str(ident) else None


def _may_have_happened(error: SentryApiError) -> bool:
    """A failure after which Sentry may still have carried the request out: no answer, a 5xx,
    or a success whose answer could not be read."""
    return error.status is None or error.status >= 500 or error.status < 300


class MissingSentryToken(Exception):
    """No token in the stack config nor in the environment."""


class PayloadDiff(DiffResult):
    """A DiffResult that also lists which payload keys changed ("payload" when not yet known)."""

    def __init__(self, changed: list[str], replaces: list[str]):
        super().__init__(changes=bool(changed or replaces), replaces=replaces)
        self.changed_keys = changed


# Which path parameter of Sentry's templates each scope input fills.
_PATH_PARAMS = {"organization": "organization_id_or_slug", "project": "project_id_or_slug"}

# How often a create is tried in all when Sentry's answer leaves open whether it happened.
CREATE_ATTEMPTS = 3


def _path(template: str, **values: str) -> str:
    return template.format(**{k: quote(str(v), safe="") for k, v in values.items()})


class _SentryProvider(ResourceProvider):
    """Shared plumbing; holds only the Pulumi resource name so it pickles small and safe."""

    kind = ""
    scope: tuple[str, ...] = ("organization",)

    def __init__(self, resource_name: str):
        super().__init__()
        self.resource_name = resource_name

    @property
    def label(self) -> str:
        return f"sentry:{self.kind} '{self.resource_name}'"

    def configure(self, req: ConfigureRequest) -> None:
        # Runs only in the provider process, after unpickling, so the token is never pickled.
        self._stack_config = {"token": req.config.get(TOKEN_CONFIG), "baseUrl": req.config.get(BASE_URL_CONFIG)}

    def client(self) -> SentryClient:
        config = getattr(self, "_stack_config", {})
        token = config.get("token") or os.environ.get(TOKEN_ENV)
        if not token:
            raise MissingSentryToken(
                f"{self.label}: no Sentry auth token. Set the {TOKEN_ENV} environment variable, "
                f"or run `pulumi config set --secret {TOKEN_CONFIG} <token>`."
            )
        base_url = config.get("baseUrl") or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        # An endpoint announced for retirement still works: say so in the deploy's output.
        return SentryClient(base_url, token, warn=pulumi.log.warn)

    @staticmethod
    def _project_filter(props: dict[str, Any]) -> str:
        # A numeric id where known: Sentry refused slugs in ?project= before getsentry/sentry#117446.
        return str(props.get("project_id") or props["project"])

    def _scope_failures(self, news: dict[str, Any]) -> list[CheckFailure]:
        return [
            CheckFailure(key, f"{key} must be a non-empty string (a slug or id)")
            for key in self.scope
            if news.get(key) != UNKNOWN and not (isinstance(news.get(key), str) and news[key].strip())
        ]

    def _replaces(self, olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
        return [key for key in self.scope if olds.get(key) != news.get(key)]


class _PayloadProvider(_SentryProvider):
    """CRUD for an object whose Pulumi payload is exactly the JSON body sent to Sentry."""

    create_template = ""
    item_template = ""
    item_key = ""
    list_template: str
    as_request: Callable[[dict[str, Any]], dict[str, Any]]

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = self._scope_failures(news)
        payload = news.get("payload")
        if payload == UNKNOWN:
            return CheckResult(news, failures)
        if not isinstance(payload, dict):
            return CheckResult(news, [*failures, CheckFailure("payload", "payload must be an object (the JSON body)")])
        # The same body goes to the create (POST) and the update (PUT) operation.
        errors = {
            str(error)
            for method, template in (("POST", self.create_template), ("PUT", self.item_template))
            for error in openapi.body_errors(method, template, wire_body(payload))
            if not contains(error.value, UNKNOWN)  # an id not yet known at preview time
        }
        failures += [CheckFailure("payload", f"{message} (Sentry API request schema)") for message in sorted(errors)]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> PayloadDiff:
        old, new = olds.get("payload"), news.get("payload")
        changed = changed_keys(old, new) if isinstance(old, dict) and isinstance(new, dict) else ["payload"]
        return PayloadDiff(changed, self._replaces(olds, news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = self.client()
        path = _path(self.create_template, **{_PATH_PARAMS[k]: props[k] for k in self.scope})
        body = wire_body(props["payload"])
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                answer = client.post(path, body, resource=self.label)
            except SentryApiError as error:
                if not _may_have_happened(error) or attempt == CREATE_ATTEMPTS:
                    raise
                answer = None
            sentry_id = _id_of(answer)
            if sentry_id is not None:
                break
            # A timeout, a 5xx or an answer without an id may come after Sentry created the
            # object: adopt it rather than create a second one with the same name.
            found = self._find_by_name(client, props, body["name"])
            if found is not None:
                sentry_id = found
                client.put(self._item_path(props, sentry_id), body, resource=self.label)
                break
            if attempt == CREATE_ATTEMPTS:
                raise SentryApiError(f"{self.label}: Sentry answered POST {path} without the id of what it created, "
                                     f"and lists nothing named {body['name']!r}", status=None, method="POST",
                                     path=path, resource=self.label)
        assert sentry_id is not None  # the loop ends with an id, or raises
        return CreateResult(sentry_id, self._outs(sentry_id, props, props["payload"]))

    def _find_by_name(self, client: SentryClient, props: dict[str, Any], name: str) -> str | None:
        listing = _path(self.list_template, organization_id_or_slug=props["organization"])
        items = client.paginate(listing, self._list_params(props), resource=self.label)
        return next((str(item["id"]) for item in items if item.get("name") == name), None)

    def _list_params(self, props: dict[str, Any]) -> dict[str, Any]:
        return {}

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            answer = self.client().get(self._item_path(props, id_), resource=self.label)
        except SentryApiError as error:
            if error.status == 404:
                return ReadResult("", {})  # an empty id tells Pulumi the object is gone
            raise
        if not isinstance(answer, dict):
            raise SentryApiError(f"{self.label}: Sentry's answer for {self.kind.lower()} {id_} is not an object: "
                                 f"{str(answer)[:100]}", status=200, method="GET", path=self._item_path(props, id_),
                                 resource=self.label)
        live = project(restore_ints(props.get("payload") or {}), self.as_request(answer))
        outs = self._outs(id_, props, live)
        return ReadResult(id_, outs, {k: v for k, v in outs.items() if k != "sentry_id"})

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        client = self.client()
        body = self._update_body(client, news, id_, wire_body(news["payload"]))
        client.put(self._item_path(news, id_), body, resource=self.label)
        return UpdateResult(self._outs(id_, news, news["payload"]))

    def _update_body(self, client: SentryClient, props: dict[str, Any], id_: str, body: dict[str, Any]) -> dict[str, Any]:
        return body

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.client().delete(self._item_path(props, id_), resource=self.label)
        except SentryApiError as error:
            if error.status != 404:  # already gone is what we wanted
                raise

    def _outs(self, sentry_id: str, props: dict[str, Any], payload: Any) -> dict[str, Any]:
        extra = {"project_id": props["project_id"]} if props.get("project_id") else {}
        return {"sentry_id": sentry_id, **{k: props[k] for k in self.scope}, **extra, "payload": payload}

    def _item_path(self, props: dict[str, Any], id_: str) -> str:
        return _path(self.item_template, organization_id_or_slug=props["organization"], **{self.item_key: id_})


class MonitorProvider(_PayloadProvider):
    kind = "Monitor"
    scope = ("organization", "project")
    create_template, item_template, item_key = PROJECT_DETECTORS, DETECTOR, "detector_id"
    list_template = DETECTORS
    as_request = staticmethod(detector_as_request)

    def _list_params(self, props: dict[str, Any]) -> dict[str, Any]:
        # A numeric id: Sentry refused slugs in ?project= before getsentry/sentry#117446.
        return {"project": self._project_filter(props)}


class AlertProvider(_PayloadProvider):
    kind = "Alert"
    scope = ("organization",)
    create_template, item_template, item_key = WORKFLOWS, WORKFLOW, "workflow_id"
    list_template = WORKFLOWS
    as_request = staticmethod(workflow_as_request)

    def _update_body(self, client: SentryClient, props: dict[str, Any], id_: str, body: dict[str, Any]) -> dict[str, Any]:
        # A PUT without the ids of the existing action filters and actions makes Sentry delete
        # and recreate them, which resets their throttle state; send the ids of those that stay.
        current = client.get(self._item_path(props, id_), resource=self.label)
        return with_existing_ids(body, current)


class _ProjectScopedProvider(_SentryProvider):
    """A project-level action or fact with no body of its own: replaced when its project changes."""

    scope = ("organization", "project")

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, self._scope_failures(news))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = self._replaces(olds, news)
        return DiffResult(changes=bool(replaces), replaces=replaces)


class DefaultAlertRemovalProvider(_ProjectScopedProvider):
    """Takes the alert Sentry adds to a new project away from it, so only declared alerts remain.

    Sentry makes a default alert for each new project and connects it to the project's
    issue-stream monitor (workflow_engine/defaults/workflows.py: ensure_default_workflows;
    older versions: the error monitor, receivers/rules.py with IssueAlertMigrator). Every
    monitor of the project counts as the project's. An alert that also serves other projects
    (one per organisation in some versions, or a user connected it) is only disconnected from
    this project, by a PUT of its other detectorIds; one that serves this project alone is deleted.
    """

    kind = "DefaultAlertRemoval"

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = self.client()
        org, proj = props["organization"], props["project"]
        ours = set(_detector_ids(client, org, self._project_filter(props), self.label))
        listing = _path(WORKFLOWS, organization_id_or_slug=org)
        params = {"project": self._project_filter(props)}
        defaults = [w for w in client.paginate(listing, params, resource=self.label) if is_default_alert(w)]
        removed, disconnected = [], []
        for workflow in defaults:
            path = _path(WORKFLOW, organization_id_or_slug=org, workflow_id=workflow["id"])
            others = [d for d in workflow_as_request(workflow).get("detectorIds") or [] if str(d) not in ours]
            try:
                if others:
                    client.put(path, {**request_body(workflow), "detectorIds": others}, resource=self.label)
                    disconnected.append(str(workflow["id"]))
                else:
                    client.delete(path, resource=self.label)
                    removed.append(str(workflow["id"]))
            except SentryApiError as error:
                if error.status != 404:
                    raise
        outs = {"organization": org, "project": proj, "removed_ids": removed, "disconnected_ids": disconnected}
        if props.get("project_id"):
            outs["project_id"] = props["project_id"]
        return CreateResult(f"{org}/{proj}", outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Forgetting the removal must not bring Sentry's default alert back.
        return None


def _detector_ids(client: SentryClient, org: str, project: str, label: str, kind: str | None = None) -> list[str]:
    """The project's monitors (of one type, if given)."""
    listing = _path(DETECTORS, organization_id_or_slug=org)
    params = {"project": project, **({"query": f"type:{kind}"} if kind else {})}
    found = client.paginate(listing, params, resource=label)
    return [str(d["id"]) for d in found if kind is None or d.get("type") == kind]


class ProjectErrorDetectorProvider(_ProjectScopedProvider):
    """Finds the error monitor Sentry keeps for every project.

    Alerts are organisation-wide; an issue alert reaches one project's issues by
    naming that project's error monitor in detectorIds (as Sentry's own default
    alert does). The monitor is Sentry's: this resource only reads it.
    """

    kind = "ProjectErrorDetector"

    def _find(self, props: dict[str, Any]) -> str | None:
        found = _detector_ids(self.client(), props["organization"], self._project_filter(props), self.label, "error")
        return found[0] if found else None

    def _outs(self, props: dict[str, Any], sentry_id: str) -> dict[str, Any]:
        outs = {"organization": props["organization"], "project": props["project"], "sentry_id": sentry_id}
        if props.get("project_id"):
            outs["project_id"] = props["project_id"]
        return outs

    def create(self, props: dict[str, Any]) -> CreateResult:
        sentry_id = self._find(props)
        if sentry_id is None:
            path = _path(DETECTORS, organization_id_or_slug=props["organization"])
            raise SentryApiError(
                f"{self.label}: Sentry lists no error monitor for project '{props['project']}' (GET {path})",
                status=404, method="GET", path=path, resource=self.label)
        return CreateResult(sentry_id, self._outs(props, sentry_id))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            sentry_id = self._find(props)
        except SentryApiError as error:
            if error.status != 404:
                raise
            sentry_id = None  # the project itself is gone
        if sentry_id is None:
            return ReadResult("", {})
        return ReadResult(sentry_id, self._outs(props, sentry_id))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Sentry's own monitor: never deleted by us.
        return None


class Monitor(PickleSafeResource, module="sentry", name="Monitor"):
    """A Sentry monitor (detector); `payload` is the exact JSON body Sentry receives."""

    sentry_id: pulumi.Output[str]
    organization: pulumi.Output[str]
    project: pulumi.Output[str]
    payload: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        organization: pulumi.Input[str],
        project: pulumi.Input[str],
        payload: pulumi.Input[dict[str, Any]],
        project_id: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        props = {"organization": organization, "project": project, "project_id": project_id,
                 "payload": payload, "sentry_id": None}
        super().__init__(MonitorProvider(resource_name), resource_name, props, opts)


class Alert(PickleSafeResource, module="sentry", name="Alert"):
    """A Sentry alert (workflow); `payload` is the exact JSON body Sentry receives.

    The schema types `detectorIds` as integers: pass `monitor.sentry_id.apply(int)`.
    """

    sentry_id: pulumi.Output[str]
    organization: pulumi.Output[str]
    payload: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        organization: pulumi.Input[str],
        payload: pulumi.Input[dict[str, Any]],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        props = {"organization": organization, "payload": payload, "sentry_id": None}
        super().__init__(AlertProvider(resource_name), resource_name, props, opts)


class _ProjectScoped(PickleSafeResource):
    """Inputs organization and project; one output, computed by the provider."""

    provider_class: type[_ProjectScopedProvider]
    output = ""

    def __init__(
        self,
        resource_name: str,
        organization: pulumi.Input[str],
        project: pulumi.Input[str],
        project_id: Optional[pulumi.Input[str]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        props = {"organization": organization, "project": project, "project_id": project_id, self.output: None}
        super().__init__(self.provider_class(resource_name), resource_name, props, opts)


class DefaultAlertRemoval(_ProjectScoped, module="sentry", name="DefaultAlertRemoval"):
    """Removes the alert Sentry creates with a project; deleting this resource changes nothing."""

    provider_class, output = DefaultAlertRemovalProvider, "removed_ids"
    organization: pulumi.Output[str]
    project: pulumi.Output[str]
    removed_ids: pulumi.Output[list[str]]


class ProjectErrorDetector(_ProjectScoped, module="sentry", name="ProjectErrorDetector"):
    """The id of a project's error monitor, for issue alerts' detectorIds."""

    provider_class, output = ProjectErrorDetectorProvider, "sentry_id"
    organization: pulumi.Output[str]
    project: pulumi.Output[str]
    sentry_id: pulumi.Output[str]
