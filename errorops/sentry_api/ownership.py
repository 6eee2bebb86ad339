"""The ProjectOwnership dynamic resource: a project's ownership rules and auto-assignment.

Sentry's endpoint (src/sentry/api/endpoints/project_ownership.py, ``ProjectOwnershipEndpoint``
and ``ProjectOwnershipRequestSerializer``): ``PUT /api/0/projects/{org}/{project}/ownership/``
with ``raw`` (the rules' text, parsed by src/sentry/ownership/grammar.py, every owner a team of
the project or a member's e-mail), ``fallthrough`` (bool) and ``autoAssignment``, one of "Auto
Assign to Issue Owner", "Auto Assign to Suspect Commits", "Turn off Auto-Assignment"; only the
attributes sent are modified (``partial=True``), and the answer is the project's ownership
(src/sentry/api/serializers/models/projectownership.py). A project always has one ownership
(``get_ownership`` makes an empty one), so there is nothing to create: create and update are the
same PUT, and the id is ``org/project``. jianyuan/terraform-provider-sentry's ``project_ownership``
resource uses the endpoint the same way.

Importing this module reads no configuration and opens no socket (see resources.py).
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pulumi.runtime.rpc import UNKNOWN

from .._pulumi_compat import PickleSafeResource
from . import openapi
from .client import SentryApiError
from .resources import _path, _SentryProvider

OWNERSHIP = "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/ownership/"
# The body's keys, as the serializer names them; what read compares.
BODY_KEYS = ("raw", "fallthrough", "autoAssignment")
# What a destroy leaves: no rules (a blank raw is stored as none) and no auto-assignment.
CLEARED = {"raw": "", "autoAssignment": "Turn off Auto-Assignment"}


class ProjectOwnershipProvider(_SentryProvider):
    kind = "ProjectOwnership"
    scope = ("organization", "project")

    def _item(self, props: dict[str, Any]) -> str:
        return _path(OWNERSHIP, organization_id_or_slug=props["organization"], project_id_or_slug=props["project"])

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = self._scope_failures(news)
        payload = news.get("payload")
        if payload == UNKNOWN:
            return CheckResult(news, failures)
        if not isinstance(payload, dict) or set(payload) - set(BODY_KEYS):
            return CheckResult(news, [*failures, CheckFailure("payload", f"payload must be an object with only "
                                                                         f"{', '.join(BODY_KEYS)}")])
        failures += [CheckFailure("payload", f"{error} (Sentry API request schema)")
                     for error in openapi.body_errors("PUT", OWNERSHIP, payload)]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces: list[str] = self._replaces(olds, news)
        return DiffResult(changes=bool(replaces) or olds.get("payload") != news.get("payload"), replaces=replaces)

    def _put(self, props: dict[str, Any]) -> dict[str, Any]:
        body = {k: props["payload"][k] for k in BODY_KEYS if k in props["payload"]}
        self.client().put(self._item(props), body, resource=self.label)
        return {"organization": props["organization"], "project": props["project"], "payload": body}

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._put(props)
        return CreateResult(f"{props['organization']}/{props['project']}", outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._put(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        answer = self.client().get(self._item(props), resource=self.label)
        if not isinstance(answer, dict):
            raise SentryApiError(f"{self.label}: Sentry's answer for the ownership of {props['project']} is not an "
                                 f"object: {str(answer)[:100]}", status=200, method="GET", path=self._item(props),
                                 resource=self.label)
        live = {k: answer.get(k) for k in BODY_KEYS if k in (props.get("payload") or {})}
        if "raw" in live:
            live["raw"] = live["raw"] or ""  # Sentry stores a blank text as none
        outs = {"organization": props["organization"], "project": props["project"], "payload": live}
        return ReadResult(id_, outs, outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        try:
            self.client().put(self._item(props), dict(CLEARED), resource=self.label)
        except SentryApiError as error:
            if error.status != 404:  # the project is gone, and its ownership with it
                raise


class ProjectOwnership(PickleSafeResource, module="sentry", name="ProjectOwnership"):
    """A project's ownership rules, fallthrough and auto-assignment (payload: the PUT body)."""

    organization: pulumi.Output[str]
    project: pulumi.Output[str]
    payload: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        organization: pulumi.Input[str],
        project: pulumi.Input[str],
        payload: pulumi.Input[dict[str, Any]],
        opts: Optional[pulumi.ResourceOptions] = None,
    ):
        props = {"organization": organization, "project": project, "payload": payload}
        super().__init__(ProjectOwnershipProvider(resource_name), resource_name, props, opts)
