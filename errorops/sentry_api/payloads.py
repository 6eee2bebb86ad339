"""Sentry request bodies on the wire, and Sentry's answers turned back into request bodies.

Declared and live payloads compare in the request's shape: an answer is cut down to the keys
we send, its lists are paired with ours by what each item means rather than by position
(Sentry answers conditions and actions in its own order), and the spellings Sentry rewrites
(a Slack channel's leading '#') are normalised. Without this, `pulumi refresh` followed by
`pulumi preview` shows changes nobody made (the same drift users of Sentry's Terraform
provider report: jianyuan/terraform-provider-sentry#938, #826, #913).
"""

from __future__ import annotations

import json
from typing import Any

# Keys Sentry requires but allows to be null. Pulumi's engine drops null values from inputs,
# so the provider puts them back just before sending.
#   dataSources[].environment: src/sentry/snuba/snuba_query_validator.py, SnubaQueryValidator:
#     environment = serializers.CharField(required=True, allow_null=True)  (null: every environment)
#   ticketing actions' config targetIdentifier/targetDisplay: the handler's config_schema allows
#     only null there (src/sentry/workflow_engine/handlers/action/notification/ticketing).
_NULLABLE_SOURCE_KEYS = ("environment",)
_TICKETING_TYPES = frozenset({"github", "github_enterprise", "jira", "jira_server", "azure_devops", "gitlab"})
_NULLABLE_TICKETING_CONFIG = ("targetIdentifier", "targetDisplay")


def restore_ints(value: Any) -> Any:
    """Undo Pulumi's wire format, which carries every number as a float (3600 -> 3600.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: restore_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [restore_ints(v) for v in value]
    return value


def contains(value: Any, needle: Any) -> bool:
    if isinstance(value, dict):
        return any(contains(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(contains(v, needle) for v in value)
    same: bool = value == needle  # JSON values: == gives a bool
    return same


def wire_body(payload: dict[str, Any]) -> dict[str, Any]:
    """The JSON body Sentry receives for a declared payload: integers restored, required nulls put back."""
    body: dict[str, Any] = restore_ints(payload)
    for source in body.get("dataSources") or []:
        for key in _NULLABLE_SOURCE_KEYS:
            source.setdefault(key, None)
    for group in body.get("actionFilters") or []:
        for action in group.get("actions") or []:
            if action.get("type") in _TICKETING_TYPES:
                config = action.setdefault("config", {})
                for key in _NULLABLE_TICKETING_CONFIG:
                    config.setdefault(key, None)
    return body


def project(declared: Any, remote: Any) -> Any:
    """`remote` cut down to the shape of `declared`.

    Keys Sentry adds (ids, dates, organizationId) disappear; keys Sentry never echoes back
    (write-only, such as queryType) keep the declared value because they cannot be observed.
    List items are paired by meaning, so order alone is never drift; extra or missing items
    stay visible, since they are real drift. The result keeps the declared order.
    """
    if isinstance(declared, dict) and isinstance(remote, dict):
        return {k: project(v, remote[k]) if k in remote else v for k, v in declared.items()}
    if isinstance(declared, list) and isinstance(remote, list):
        return _project_list(declared, remote)
    return remote


def _project_list(declared: list[Any], remote: list[Any]) -> list[Any]:
    left = list(range(len(remote)))
    paired: list[Any] = [None] * len(declared)
    unmatched = []
    for i, item in enumerate(declared):
        match = next((j for j in left if _same(item, project(item, remote[j]))), None)
        if match is None:
            unmatched.append(i)
        else:
            left.remove(match)
            paired[i] = project(item, remote[match])
    # What did not pair by meaning pairs by position among the rest, so a changed item shows
    # as that item changed rather than as one removed and one added.
    for i in unmatched:
        paired[i] = project(declared[i], remote[left.pop(0)]) if left else _MISSING_ITEM
    return [p for p in paired if p is not _MISSING_ITEM] + [remote[j] for j in left]


_MISSING_ITEM = object()


def _same(a: Any, b: Any) -> bool:
    return _canonical(a) == _canonical(b)


def _canonical(value: Any) -> str:
    return json.dumps(restore_ints(value), sort_keys=True, separators=(",", ":"))


def detector_as_request(remote: dict[str, Any]) -> dict[str, Any]:
    """A GET detector answer in the shape of the POST/PUT body."""
    body = dict(remote)
    if isinstance(remote.get("dataSources"), list):
        # The body takes the snuba query itself; the answer wraps it in the subscription.
        body["dataSources"] = [
            s["queryObj"]["snubaQuery"] if isinstance(s, dict) and "snubaQuery" in (s.get("queryObj") or {}) else s
            for s in remote["dataSources"]
        ]
    owner = remote.get("owner")
    if isinstance(owner, dict):
        body["owner"] = f"{owner.get('type')}:{owner.get('id')}"
    if isinstance(remote.get("workflowIds"), list):
        body["workflowIds"] = _ids(remote["workflowIds"])
    return body


def workflow_as_request(remote: dict[str, Any]) -> dict[str, Any]:
    """A GET workflow answer in the shape of the POST/PUT body."""
    body = dict(remote)
    if isinstance(remote.get("detectorIds"), list):
        body["detectorIds"] = _ids(remote["detectorIds"])
    owner = remote.get("owner")
    if isinstance(owner, dict):
        body["owner"] = f"{owner.get('type')}:{owner.get('id')}"
    if isinstance(remote.get("actionFilters"), list):
        body["actionFilters"] = [
            {**group, "actions": [normalize_action(a) for a in group.get("actions") or []]}
            if isinstance(group, dict) else group
            for group in remote["actionFilters"]
        ]
    return body


# The keys of a workflow that a PUT takes back (WorkflowValidator).
_WORKFLOW_KEYS = ("name", "enabled", "environment", "owner", "config", "detectorIds", "triggers", "actionFilters")


def request_body(workflow: dict[str, Any]) -> dict[str, Any]:
    """A GET workflow answer as a PUT body that changes nothing: every id kept, so that Sentry
    updates its conditions, filters and actions in place instead of recreating them."""
    body = _int_ids(workflow_as_request(workflow))
    return {k: body[k] for k in _WORKFLOW_KEYS if k in body}


def _int_ids(value: Any) -> Any:
    # Answers carry ids as strings; the request schema types a group's id as an integer, and
    # Sentry's validators take integers for every id.
    if isinstance(value, list):
        return [_int_ids(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: (int(v) if k == "id" and isinstance(v, str) and v.isdigit() else _int_ids(v)) for k, v in value.items()}


# TicketingActionHandler.serialize_data answers these data keys in camelCase; the request's are snake_case.
_TICKETING_DATA_KEYS = {"additionalFields": "additional_fields", "dynamicFormFields": "dynamic_form_fields"}


def normalize_action(action: Any) -> Any:
    """An action as we write it: a Slack channel named without its '#', ids as strings,
    a ticketing action's data keys in snake_case."""
    if not isinstance(action, dict):
        return action
    action = dict(action)
    if action.get("type") in _TICKETING_TYPES and isinstance(action.get("data"), dict):
        action["data"] = {_TICKETING_DATA_KEYS.get(k, k): v for k, v in action["data"].items()}
    if action.get("integrationId") is not None:
        action["integrationId"] = str(restore_ints(action["integrationId"]))
    config = action.get("config")
    if isinstance(config, dict):
        config = dict(config)
        if action.get("type") == "slack" and isinstance(config.get("targetDisplay"), str):
            config["targetDisplay"] = config["targetDisplay"].lstrip("#")
        if isinstance(config.get("targetIdentifier"), (int, float)) and not isinstance(config["targetIdentifier"], bool):
            config["targetIdentifier"] = str(restore_ints(config["targetIdentifier"]))
        action["config"] = config
    return action


def with_existing_ids(body: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """`body` with the ids of the action filters and actions that `current` (a GET answer) already has.

    Paired by meaning: a filter group by its logic and conditions, an action by its type and
    target. What pairs with nothing is sent without an id and so is created.
    """
    live = workflow_as_request(current)
    groups = [g for g in live.get("actionFilters") or [] if isinstance(g, dict)]
    result = dict(body)
    result["actionFilters"] = []
    for group in body.get("actionFilters") or []:
        match = next((g for g in groups if _group_key(g) == _group_key(group)), None)
        if match is None:
            result["actionFilters"].append(group)
            continue
        groups.remove(match)
        actions = [a for a in match.get("actions") or [] if isinstance(a, dict)]
        paired = []
        for action in group.get("actions") or []:
            found = next((a for a in actions if _action_key(a) == _action_key(action)), None)
            if found is not None and "id" in found:
                actions.remove(found)
                action = {"id": _int_id(found["id"]), **action}
            paired.append(action)
        result["actionFilters"].append({"id": _int_id(match["id"]), **group, "actions": paired})
    return result


def _int_id(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _group_key(group: dict[str, Any]) -> tuple[Any, tuple[str, ...]]:
    conditions = sorted(_canonical({k: c.get(k) for k in ("type", "comparison", "conditionResult")})
                        for c in group.get("conditions") or [] if isinstance(c, dict))
    return group.get("logicType"), tuple(conditions)


def _action_key(action: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    action = normalize_action(action)
    config = action.get("config") or {}
    return action.get("type"), action.get("integrationId"), config.get("targetType"), config.get("targetIdentifier")


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Top-level payload keys whose value differs, was added or was removed."""
    old, new = restore_ints(old), restore_ints(new)
    return sorted(k for k in old.keys() | new.keys() if old.get(k, _MISSING) != new.get(k, _MISSING))


_MISSING = object()


def _ids(values: list[Any]) -> list[Any]:
    # Answers carry ids as strings; the request schemas type them as integers.
    return [int(v) if isinstance(v, str) and v.isdigit() else v for v in values]
