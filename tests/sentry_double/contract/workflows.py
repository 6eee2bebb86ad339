"""Sentry's rules for an alert: POST .../workflows/, PUT .../workflows/{id}/.

Paths are under getsentry/sentry src/sentry/. The validator is WorkflowValidator
(workflow_engine/endpoints/validators/base/workflow.py); groups are
BaseDataConditionGroupValidator (validators/base/data_condition_group.py); each action is a
BaseActionValidator (validators/base/action.py) checked against its handler's config and data
schemas (notifications/notification_action/action_handler_registry/).
"""

from __future__ import annotations

import re

from . import OrgState, Refusal, as_dict, as_list, rule
from .detectors import owner_refusals

REQUIRED = "This field is required."
LOGIC_TYPES = {"any", "any-short", "all", "none"}
TRIGGERS = {"first_seen_event", "regression_event", "reappeared_event", "issue_resolved_trigger",
            "new_high_priority_issue", "existing_high_priority_issue", "issue_resolution_change"}
MATCH_TYPES = {"co", "ew", "eq", "gte", "gt", "is", "lte", "lt", "nc", "new", "ne", "ns", "nsw", "sw", "in", "nin"}
ATTRIBUTES = {"message", "platform", "environment", "type", "error.handled", "error.unhandled", "error.main_thread",
              "exception.type", "exception.value", "user.id", "user.email", "user.username", "user.ip_address",
              "http.method", "http.url", "http.status_code", "sdk.name", "stacktrace.code", "stacktrace.module",
              "stacktrace.filename", "stacktrace.abs_path", "stacktrace.package", "unreal.crash_type",
              "app.in_foreground", "os.distribution_name", "os.distribution_version", "symbolicated_in_app",
              "ota_updates.channel", "ota_updates.runtime_version", "ota_updates.update_id"}
INTERVALS = {"1m", "5m", "15m", "1h", "1d", "1w", "30d"}
LEVELS = {0, 10, 20, 30, 40, 50}
TARGET_TYPES = {"specific", "user", "team", "sentry_app", "issue_owners"}
FALLTHROUGH = {"AllMembers", "ActiveMembers", "NoOne"}
PAGERDUTY_PRIORITIES = {"default", "critical", "warning", "error", "info"}
INTEGRATION_ACTIONS = {"slack": "slack", "github": "github", "pagerduty": "pagerduty"}
TICKETING = {"github", "github_enterprise", "jira", "jira_server", "azure_devops"}
_TAG_KEY = re.compile(r"^[a-zA-Z0-9_\.:-]+$")


def _groups(body: dict):
    for index, group in enumerate(as_list(body.get("actionFilters"))):
        yield index, as_dict(group)


def _actions(body: dict):
    for index, group in _groups(body):
        for n, action in enumerate(as_list(group.get("actions"))):
            yield ("actionFilters", index, "actions", n), as_dict(action)


@rule("workflow", "workflow.required_fields")
def required_fields(body: dict, _state: OrgState):
    """workflow_engine/endpoints/validators/base/workflow.py: WorkflowValidator

    name = CharField(required=True, max_length=256); create() reads validated_value["config"],
    ["triggers"] and ["action_filters"] (absent keys fail the request); an action filter without
    its actions: "Missing actions key in action filter".
    """
    for key in ("name", "config", "triggers", "actionFilters"):
        if key not in body:
            yield Refusal((key,), REQUIRED)
    if isinstance(body.get("name"), str) and len(body["name"]) > 256:
        yield Refusal(("name",), "Ensure this field has no more than 256 characters.")
    for index, group in _groups(body):
        if "actions" not in group:
            yield Refusal(("actionFilters", index), "Missing actions key in action filter")


@rule("workflow", "workflow.config_schema")
def config_schema(body: dict, _state: OrgState):
    """workflow_engine/models/workflow.py: Workflow.config_schema

    {"frequency": {"type": "integer", "minimum": 0}}, additionalProperties false. A per-issue
    throttle in minutes (processors/action.py), any whole number, not only the UI's choices.
    """
    config = body.get("config")
    if config is None:
        return
    if not isinstance(config, dict):
        yield Refusal(("config",), f"{config!r} is not of type 'object'")
        return
    for key in config:
        if key != "frequency":
            yield Refusal(("config",), f"Additional properties are not allowed ({key!r} was unexpected)")
    frequency = config.get("frequency", 0)
    if isinstance(frequency, bool) or not isinstance(frequency, int):
        yield Refusal(("config",), f"{frequency!r} is not of type 'integer'")
    elif frequency < 0:
        yield Refusal(("config",), f"{frequency} is less than the minimum of 0")


@rule("workflow", "workflow.logic_types")
def logic_types(body: dict, _state: OrgState):
    """workflow_engine/endpoints/validators/base/data_condition_group.py: logic_type = ChoiceField(DataConditionGroup.Type)

    any, any-short, all, none, for the trigger group and every action filter group.
    """
    groups = [(("triggers", "logicType"), as_dict(body.get("triggers")))] if "triggers" in body else []
    groups += [(("actionFilters", i, "logicType"), g) for i, g in _groups(body)]
    for path, group in groups:
        if group.get("logicType") not in LOGIC_TYPES:
            yield Refusal(path, f'"{group.get("logicType")}" is not a valid choice.')


@rule("workflow", "workflow.trigger_conditions")
def trigger_conditions(body: dict, _state: OrgState):
    """workflow_engine/handlers/condition/*: first_seen_event, regression_event, reappeared_event ...

    Each trigger handler's comparison_json_schema is {"type": "boolean"}; an empty list means
    every event (processors/data_condition_group.py: no conditions evaluate to true).
    """
    for n, condition in enumerate(map(as_dict, as_list(as_dict(body.get("triggers")).get("conditions")))):
        where = ("triggers", "conditions", n)
        if condition.get("type") not in TRIGGERS:
            yield Refusal(where + ("type",), f'"{condition.get("type")}" is not a valid choice.')
        elif not isinstance(condition.get("comparison"), bool):
            yield Refusal(where + ("comparison",), f"{condition.get('comparison')!r} is not of type 'boolean'")
        if "conditionResult" not in condition:
            yield Refusal(where + ("conditionResult",), REQUIRED)


def _match_value(comparison: dict, name: str):
    """The oneOf of tagged_event_handler.py and event_attribute_handler.py: value forbidden for is/ns."""
    match = comparison.get("match")
    if match not in MATCH_TYPES:
        yield f"{match!r} is not one of {sorted(MATCH_TYPES)}"
    elif match in {"is", "ns"} and "value" in comparison:
        yield f"{comparison!r} is not valid under any of the given schemas ({name} with match {match} takes no value)"
    elif match not in {"is", "ns"} and not isinstance(comparison.get("value"), str):
        yield f"{comparison!r} is not valid under any of the given schemas ('value' is a required property)"


@rule("workflow", "workflow.filter_conditions")
def filter_conditions(body: dict, _state: OrgState):
    """workflow_engine/handlers/condition/: tagged_event_handler.py, event_attribute_handler.py,
    latest_release_handler.py, level_handler.py, event_frequency_base_handler.py

    Each handler's comparison_json_schema: tagged_event {key, match, value}; event_attribute
    {attribute (ATTR_CHOICES), match, value}; latest_release boolean; level {level, match};
    event_frequency_count {value >= 0, interval of STANDARD_INTERVALS}; no other keys;
    issue_priority_greater_or_equal 25, 50 or 75 (issue_priority_greater_or_equal_handler.py).
    """
    for index, group in _groups(body):
        for n, condition in enumerate(map(as_dict, as_list(group.get("conditions")))):
            where = ("actionFilters", index, "conditions", n, "comparison")
            kind, comparison = condition.get("type"), condition.get("comparison")
            problems: list[str] = []
            if kind == "tagged_event":
                c = as_dict(comparison)
                problems += [f"{k!r} was unexpected" for k in c if k not in {"key", "match", "value"}]
                if not _TAG_KEY.match(str(c.get("key", ""))):
                    problems.append(f"{c.get('key')!r} does not match the tag key pattern")
                problems += list(_match_value(c, "tagged_event"))
            elif kind == "event_attribute":
                c = as_dict(comparison)
                problems += [f"{k!r} was unexpected" for k in c if k not in {"attribute", "match", "value"}]
                if c.get("attribute") not in ATTRIBUTES:
                    problems.append(f"{c.get('attribute')!r} is not one of the event attributes")
                problems += list(_match_value(c, "event_attribute"))
            elif kind == "latest_release":
                if not isinstance(comparison, bool):
                    problems.append(f"{comparison!r} is not of type 'boolean'")
            elif kind == "level":
                c = as_dict(comparison)
                if c.get("level") not in LEVELS or c.get("match") not in MATCH_TYPES or set(c) - {"level", "match"}:
                    problems.append(f"{comparison!r} is not valid under the level schema")
            elif kind in {"event_frequency_count", "event_unique_user_frequency_count"}:
                c = as_dict(comparison)
                value = c.get("value")
                if c.get("interval") not in INTERVALS:
                    problems.append(f"{c.get('interval')!r} is not one of {sorted(INTERVALS)}")
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    problems.append(f"{value!r} is not a whole number of at least 0")
                problems += [f"{k!r} was unexpected" for k in c if k not in {"value", "interval", "filters"}]
            elif kind in ("issue_priority_greater_or_equal", "issue_priority_deescalating"):
                # comparison_json_schema = {"type": "integer", "enum": [*PriorityLevel]}
                if isinstance(comparison, bool) or comparison not in (25, 50, 75):
                    problems.append(f"{comparison!r} is not one of [25, 50, 75]")
            elif kind in TRIGGERS:
                continue
            else:
                yield Refusal(where[:-1] + ("type",), f'"{kind}" is not a valid choice.')
            for problem in problems:
                yield Refusal(where, problem)


@rule("workflow", "workflow.action_common")
def action_common(body: dict, state: OrgState):
    """workflow_engine/endpoints/validators/base/action.py: BaseActionValidator.validate

    data and config are required; "Integration ID is required for action type slack" (and for
    every integration action), "Integration ID is not allowed for action type email"; the
    integration must be an active one of the organisation (the form's choices:
    "Select a valid choice. X is not one of the available choices.").
    """
    for where, action in _actions(body):
        kind = action.get("type")
        for key in ("data", "config"):
            if key not in action:
                yield Refusal(where + (key,), REQUIRED)
        integration = action.get("integrationId")
        if kind == "email" and integration is not None:
            yield Refusal(where + ("nonFieldErrors",), "Integration ID is not allowed for action type email")
        elif kind in INTEGRATION_ACTIONS or kind in TICKETING:
            if integration is None:
                yield Refusal(where + ("nonFieldErrors",), f"Integration ID is required for action type {kind}")
            elif state.integrations.get(str(integration)) != INTEGRATION_ACTIONS.get(kind, kind):
                yield Refusal(where + ("integration",),
                              f"Select a valid choice. {integration} is not one of the available choices.")
        elif kind not in {"email"} | set(INTEGRATION_ACTIONS) | TICKETING:
            yield Refusal(where + ("type",), f'"{kind}" is not a valid choice.')


@rule("workflow", "workflow.email_action")
def email_action(body: dict, state: OrgState):
    """notifications/notification_action/action_handler_registry/email_handler.py: config_schema, data_schema

    targetType user, team or issue_owners; for user and team a string targetIdentifier;
    targetDisplay only null; data only fallthroughType (AllMembers, ActiveMembers, NoOne).
    """
    for where, action in _actions(body):
        if action.get("type") != "email":
            continue
        config, data = as_dict(action.get("config")), as_dict(action.get("data"))
        target = config.get("targetType")
        if target not in {"user", "team", "issue_owners"}:
            yield Refusal(where + ("config",), f"{target!r} is not one of ['issue_owners', 'team', 'user']")
        elif target in {"user", "team"} and not isinstance(config.get("targetIdentifier"), str):
            yield Refusal(where + ("config",), f"{config.get('targetIdentifier')!r} is not of type 'string'")
        elif target == "user" and config["targetIdentifier"] not in state.user_ids:
            yield Refusal(where + ("config",), f"User {config['targetIdentifier']} is not a member of this organization")
        if config.get("targetDisplay") is not None:
            yield Refusal(where + ("config",), f"{config['targetDisplay']!r} is not of type 'null'")
        extra = set(config) - {"targetType", "targetIdentifier", "targetDisplay"}
        if extra:
            yield Refusal(where + ("config",), f"Additional properties are not allowed ({sorted(extra)} unexpected)")
        if set(data) - {"fallthroughType"} or data.get("fallthroughType", "ActiveMembers") not in FALLTHROUGH:
            yield Refusal(where + ("data",), f"{data!r} is not valid under the email data schema")


@rule("workflow", "workflow.slack_action")
def slack_action(body: dict, state: OrgState):
    """action_handler_registry/common.py: MESSAGING_ACTION_CONFIG_SCHEMA; slack_handler.py data_schema

    targetType "specific"; targetDisplay a required string; targetIdentifier a string (the
    channel id; null is refused); data only tags and notes. With a channel id Sentry asks Slack
    for that channel and refuses a name that differs (validate_channel_id), and keeps the
    display without '#' (integrations/slack/actions/form.py: clean).
    """
    for where, action in _actions(body):
        if action.get("type") != "slack":
            continue
        config, data = as_dict(action.get("config")), as_dict(action.get("data"))
        if config.get("targetType") != "specific":
            yield Refusal(where + ("config",), f"{config.get('targetType')!r} is not one of ['specific']")
        if not isinstance(config.get("targetDisplay"), str):
            yield Refusal(where + ("config",), "'target_display' is a required property")
        if "targetIdentifier" in config and not isinstance(config["targetIdentifier"], str):
            yield Refusal(where + ("config",), f"{config['targetIdentifier']!r} is not of type 'string'")
        if set(data) - {"tags", "notes"}:
            yield Refusal(where + ("data",), f"Additional properties are not allowed ({sorted(set(data) - {'tags', 'notes'})} unexpected)")
        channel, name = config.get("targetIdentifier"), str(config.get("targetDisplay") or "").lstrip("#")
        if channel and action.get("integrationId") is not None:
            # SlackNotifyServiceForm.clean -> validate_channel_id asks Slack for the channel's name.
            known = state.slack_channels.get(channel)
            if known is None:
                yield Refusal(where + ("all",), f'Slack: The resource "{channel}" does not exist or has not been '
                                                f"granted access in the Slack workspace.")
            elif known != name:
                yield Refusal(where + ("all",), f"Received channel name {known} does not match inputted channel "
                                                f"name {name}.")


@rule("workflow", "workflow.ticketing_action")
def ticketing_action(body: dict, _state: OrgState):
    """action_handler_registry/base.py: TicketingActionHandler.config_schema, data_schema

    targetIdentifier and targetDisplay only null ("" is refused); targetType "specific"; data
    only additional_fields (an object) and dynamic_form_fields (an array).
    """
    for where, action in _actions(body):
        if action.get("type") not in TICKETING:
            continue
        config, data = as_dict(action.get("config")), as_dict(action.get("data"))
        for key in ("targetIdentifier", "targetDisplay"):
            if config.get(key) is not None:
                yield Refusal(where + ("config",), f"{config[key]!r} is not of type 'null'")
        if config.get("targetType", "specific") != "specific":
            yield Refusal(where + ("config",), f"{config.get('targetType')!r} is not one of ['specific']")
        extra = set(data) - {"additional_fields", "dynamic_form_fields"}
        if extra:
            yield Refusal(where + ("data",), f"Additional properties are not allowed ({sorted(extra)} unexpected)")
        fields = data.get("additional_fields", {})
        if not isinstance(fields, dict):
            yield Refusal(where + ("data",), f"{fields!r} is not of type 'object'")


@rule("workflow", "workflow.pagerduty_action")
def pagerduty_action(body: dict, state: OrgState):
    """action_handler_registry/common.py: ONCALL_ACTION_CONFIG_SCHEMA; pagerduty_handler.py data schema;
    PagerDutyNotifyServiceForm._validate_service

    targetType "specific"; targetIdentifier the string id of a service of Sentry's PagerDuty
    integration ('The service "X" has not been granted access ...'); priority one of default,
    critical, warning, error, info.
    """
    for where, action in _actions(body):
        if action.get("type") != "pagerduty":
            continue
        config, data = as_dict(action.get("config")), as_dict(action.get("data"))
        target = config.get("targetIdentifier")
        if config.get("targetType") != "specific":
            yield Refusal(where + ("config",), f"{config.get('targetType')!r} is not one of ['specific']")
        if not isinstance(target, str):
            yield Refusal(where + ("config",), f"{target!r} is not of type 'string'")
        elif target not in state.pagerduty_services:
            yield Refusal(where + ("service",),
                          f'The service "{target}" has not been granted access in the PagerDuty account.')
        if "priority" in data and data["priority"] not in PAGERDUTY_PRIORITIES:
            yield Refusal(where + ("data",), f"{data['priority']!r} is not one of {sorted(PAGERDUTY_PRIORITIES)}")


@rule("workflow", "workflow.detectors_exist")
def detectors_exist(body: dict, state: OrgState):
    """workflow_engine/endpoints/validators/detector_workflow.py: validate_detectors_exist_and_have_permissions

    Every id of detectorIds must be a monitor of the organisation: "Some detectors do not exist: {...}".
    """
    ids = as_list(body.get("detectorIds"))
    missing = {str(i) for i in ids if str(i) not in state.detector_ids}
    if missing:
        yield Refusal(("detectorIds",), "Some detectors do not exist: {" + ", ".join(sorted(missing)) + "}")


@rule("workflow", "workflow.owner")
def owner(body: dict, state: OrgState):
    """api/fields/actor.py: OwnerActorField (WorkflowValidator.owner, getsentry/sentry#110785)

    Same rules as a monitor's owner: "type:id"; a team owner needs team:admin or membership.
    """
    yield from owner_refusals(body, state)
