"""Request bodies for Sentry's monitors (detectors) and alerts (workflows).

Pure functions of the model: what they return is what Sentry receives (the provider only puts
back the nulls Pulumi drops, errorops.sentry_api.payloads.wire_body), and what `errorops plan`
prints. Values the cloud knows only at deploy time (integration, team and monitor ids) arrive
as Pulumi Outputs. The YAML's units (percent, percent change) become Sentry's here and nowhere
else: `sentry_threshold`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model.sentry import EAP_DATASETS, ErrorType, IssueAlertSpec, MonitorSpec, SentryRule, fill_name
from ..model.types import Environment, Model, Routes, SeverityLevel

# Sentry's codes for an issue's priority (DetectorPriorityLevel, the detector's conditionResult).
PRIORITY = {"high": 75, "medium": 50, "low": 25}

# Action filter groups of an alert: (logic, conditions), each condition Sentry's JSON.
_Groups = list[tuple[str, list[dict[str, Any]]]]


@dataclass(frozen=True)
class SentryTargets:
    """Everything outside the YAML that the payloads point at, for one stack."""

    slack_integration_id: Any
    github_integration_id: Any
    slack_channel_ids: dict[str, Any]
    sentry_user_ids: dict[str, Any]
    team_ids: dict[str, Any]
    # (integration id, service id, service name), where the stack pages through PagerDuty.
    pagerduty: tuple[Any, Any, str] | None = None


def sentry_threshold(monitor: MonitorSpec) -> float | int:
    """The YAML's threshold as Sentry compares it.

    - percent (failure_rate()): Sentry's value is a ratio, so 5% is 0.05.
    - percent_change: Sentry compares current / baseline * 100
      (src/sentry/incidents/utils/process_update_helpers.py, get_comparison_aggregation_value)
      and the detectors API takes the comparison as given, so "+50%" is 150.
    - count, milliseconds: as written.
    """
    value, unit = monitor.threshold.above, monitor.threshold.unit
    if unit == "percent":
        return round(value / 100, 6)
    if unit == "percent_change":
        value = 100 + value
    return int(value) if float(value).is_integer() else value


def _exceptions(model: Model, error_ids: Iterable[str]) -> list[str]:
    """The exception class names Sentry matches for some error types (several ids may share one)."""
    return sorted({model.sentry.error_type(e).exception for e in error_ids})


def _query(model: Model, monitor: MonitorSpec) -> str:
    parts = [monitor.query] if monitor.query else []
    if monitor.errors:
        parts.append(f"error.type:[{','.join(_exceptions(model, monitor.errors))}]")
    return " ".join(parts)


def monitor_payload(model: Model, rule: SentryRule, env_id: str, targets: SentryTargets) -> dict[str, Any]:
    monitor = rule.monitor_in(env_id)
    assert monitor is not None, f"{rule.id} has no monitor"  # callers build monitors only for rules that have one
    level = model.severity(rule.severity)
    threshold = sentry_threshold(monitor)
    source = {
        "aggregate": monitor.aggregate,
        "dataset": monitor.dataset,
        # Each stack has its own project, so the monitor counts all of the project's environments.
        "environment": None,
        "eventTypes": list(monitor.event_types),
        "query": _query(model, monitor),
        "queryType": 1 if monitor.dataset in EAP_DATASETS else 0,
        "timeWindow": monitor.window_seconds,
    }
    if monitor.dataset in EAP_DATASETS:
        source["extrapolationMode"] = "unknown"
    config: dict[str, Any] = {"detectionType": "static"}
    if monitor.comparison_delta_seconds is not None:
        config = {"detectionType": "percent", "comparisonDelta": monitor.comparison_delta_seconds}
    return {
        "name": title(model, rule, env_id),
        "type": "metric_issue",
        "description": f"{level.id} {level.name} ({rule.id}), managed by errorops from alert_rules/.",
        "enabled": True,
        "owner": _owner(targets, rule.owner),
        "config": config,
        "dataSources": [source],
        "conditionGroup": {
            "logicType": "any",
            "conditions": [
                {"type": "gt", "comparison": threshold, "conditionResult": PRIORITY[level.sentry_priority]},
                {"type": "lte", "comparison": threshold, "conditionResult": 0},
            ],
        },
    }


def _owner(targets: SentryTargets, team: str) -> Any:
    team_id = targets.team_ids[team]
    return team_id.apply(lambda i: f"team:{i}") if hasattr(team_id, "apply") else f"team:{team_id}"


def _condition(kind: str, comparison: Any) -> dict[str, Any]:
    return {"type": kind, "comparison": comparison, "conditionResult": True}


def _monitor_filter(priority: int) -> dict[str, Any]:
    """An alert fed by a metric monitor runs on the monitor's issue at the monitor's priority.

    As Sentry builds its own metric alerts (workflow_engine/migration_helpers/alert_rule.py:
    create_workflow with no trigger conditions, and per trigger an action filter on the
    issue's priority): the monitor raises its issue to the condition's priority when the
    value crosses the threshold, and the alert runs its actions then.
    """
    return _condition("issue_priority_greater_or_equal", priority)


def _kind_conditions(model: Model, error: ErrorType) -> list[dict[str, Any]]:
    """How Sentry recognises one error type of the taxonomy: its exception class anywhere in the
    chain, and its message where another type shares the class."""
    conditions = [_condition("event_attribute", {"attribute": "exception.type", "match": "eq", "value": error.exception})]
    if error.message and model.sentry.shares_exception(error):
        conditions.append(_condition("event_attribute", {"attribute": "exception.value", "match": "co",
                                                         "value": error.message}))
    return conditions


def _error_groups(model: Model, errors: list[ErrorType], common: list[dict[str, Any]]) -> _Groups:
    """Action filter groups (logic, conditions) matching any of ``errors``, each also requiring ``common``.

    Types told apart by their class alone are alternatives in one group where nothing else is
    required; otherwise, and for a type that needs its message too, each gets a group of its
    own, since one group has a single logic.
    """
    kinds = [_kind_conditions(model, e) for e in errors]
    plain = sorted({e.exception for e, conditions in zip(errors, kinds) if len(conditions) == 1})
    matchers = [_condition("event_attribute", {"attribute": "exception.type", "match": "eq", "value": name})
                for name in plain]
    if len(matchers) > 1 and not common:
        groups = [("any-short", matchers)]
    else:
        groups = [("all", [m, *common]) for m in matchers]
    groups += [("all", conditions + common) for conditions in kinds if len(conditions) > 1]
    return groups or [("all", common)]


def _issue_filters(model: Model, alert: IssueAlertSpec) -> _Groups:
    common = [_condition(kind, True if kind == "latest_release" else dict(comparison))
              for kind, comparison in alert.filters]
    if alert.frequency is not None:
        common.append(_condition("event_frequency_count",
                                 {"value": alert.frequency.above, "interval": alert.frequency.interval}))
    return _error_groups(model, [model.sentry.error_type(e) for e in alert.errors], common)


def actions(model: Model, level: SeverityLevel, routes: Routes, targets: SentryTargets) -> list[dict[str, Any]]:
    """The notifications of a level's routes. GitHub issues are not among them: `github_alert_payload`."""
    channels = {c.id: c for c in model.slack_channels}
    result = [
        {
            "type": "slack",
            "integrationId": targets.slack_integration_id,
            "config": {
                "targetType": "specific",
                "targetIdentifier": targets.slack_channel_ids[channel],
                "targetDisplay": channels[channel].name.lstrip("#"),
            },
            "data": {},
            "status": "active",
        }
        for channel in routes.slack
    ]
    result += [
        {
            "type": "email",
            "config": {"targetType": "user", "targetIdentifier": targets.sentry_user_ids[r]},
            "data": {},
            "status": "active",
        }
        for r in routes.email
    ]
    if routes.pagerduty and targets.pagerduty is not None:
        integration_id, service_id, service_name = targets.pagerduty
        result.append(
            {
                "type": "pagerduty",
                "integrationId": integration_id,
                "config": {"targetType": "specific", "targetIdentifier": service_id, "targetDisplay": service_name},
                "data": {"priority": level.pagerduty_priority},
                "status": "active",
            }
        )
    return result


def title(model: Model, rule: SentryRule, env_id: str) -> str:
    # Alerts are organisation-wide; the environment keeps the three stacks' names apart.
    return f"[{model.severity(rule.severity).id}] {rule.name_in(env_id)} ({env_id})"


def _alert(name: str, owner: Any, level: SeverityLevel, detector_id: Any, triggers: Iterable[str],
           groups: _Groups, group_actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "enabled": True,
        "owner": owner,
        # A throttle per issue and action, not a re-notification (workflow_engine/processors/action.py).
        "config": {"frequency": level.throttle_minutes},
        "detectorIds": [detector_id],
        "triggers": {"logicType": "any-short", "conditions": [_condition(t, True) for t in triggers]},
        "actionFilters": [
            {"logicType": logic, "conditions": conditions, "actions": group_actions}
            for logic, conditions in groups
        ],
    }


def alert_payload(
    model: Model, rule: SentryRule, env_id: str, routes: Routes, targets: SentryTargets, detector_id: Any
) -> dict[str, Any]:
    """The alert; ``detector_id`` is the rule's monitor, or the project's error monitor for issue alerts."""
    level = model.severity(rule.severity)
    if rule.issue_alert is not None:
        triggers, groups = rule.issue_alert.triggers, _issue_filters(model, rule.issue_alert)
    else:
        triggers, groups = (), [("all", [_monitor_filter(PRIORITY[level.sentry_priority])])]
    return _alert(title(model, rule, env_id), _owner(targets, rule.owner), level, detector_id, triggers, groups,
                  actions(model, level, routes, targets))


def github_levels(model: Model, env: Environment) -> list[SeverityLevel]:
    """The levels whose new errors open a GitHub issue in this environment."""
    return [level for level in model.severity_levels if level.routes_in(env).github_issue]


def github_alert_payload(model: Model, env: Environment, targets: SentryTargets, detector_id: Any) -> dict[str, Any] | None:
    """The alert that opens a GitHub issue for new errors of the taxonomy's types at the GitHub levels.

    Ticketing actions run on error issues only: on a metric monitor's issues Sentry registers them
    as no-ops (notifications/notification_action/metric_alert_registry/handlers/
    unsupported_metric_alert_handler.py). One group per level, so each issue is labelled with it.
    """
    spec, integrations = model.sentry.github_issues, model.sentry.integrations
    levels = github_levels(model, env)
    if spec is None or not levels:
        return None
    assert integrations is not None  # read from the same document as github_issues (model/build_sentry.py)
    groups: _Groups = []
    group_actions: list[dict[str, Any]] = []
    for level in levels:
        errors = [e for e in model.sentry.error_types if e.severity == level.id]
        for logic, conditions in (_error_groups(model, errors, []) if errors else []):
            groups.append((logic, conditions))
            group_actions.append({
                "type": "github",
                "integrationId": targets.github_integration_id,
                "config": {"targetType": "specific", "targetIdentifier": None, "targetDisplay": None},
                "data": {
                    "additional_fields": {
                        "integration": targets.github_integration_id,
                        "repo": integrations.github_repository,
                        "labels": [*integrations.github_labels, level.id],
                    }
                },
                "status": "active",
            })
    most_severe = levels[0]
    name = fill_name(spec.name, levels="/".join(level.id for level in levels))
    payload = _alert(f"[{most_severe.id}] {name} ({env.id})", _owner(targets, spec.owner), most_severe,
                     detector_id, spec.triggers, groups, [])
    for group, action in zip(payload["actionFilters"], group_actions):
        group["actions"] = [action]
    return payload
