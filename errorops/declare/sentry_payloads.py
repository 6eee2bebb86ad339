"""Request bodies for Sentry's monitors (detectors) and alerts (workflows).

Pure functions of the model: what they return is exactly what Sentry receives,
which is also what `errorops plan` prints. Values the cloud knows only at deploy
time (integration, team and monitor ids) arrive as Pulumi Outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model.sentry import EAP_DATASETS, MonitorSpec, SentryRule
from ..model.types import Model, Routes, SeverityLevel

# Sentry's codes for an issue's priority (detector conditionResult).
PRIORITY = {"high": 75, "medium": 50, "low": 25}
# The re-notify intervals Sentry offers for an alert's config.frequency, in minutes.
FREQUENCIES = (0, 5, 10, 30, 60, 180, 720, 1440)
MONITOR_TRIGGERS = ("first_seen_event", "regression_event", "reappeared_event")


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


def frequency(level: SeverityLevel) -> int:
    """The longest interval Sentry offers that still re-notifies as often as the level asks."""
    return max(f for f in FREQUENCIES if f <= level.renotify_minutes)


def sentry_threshold(monitor: MonitorSpec) -> float | int:
    """The YAML's threshold in Sentry's unit: failure_rate() is a ratio, written in percent."""
    value = monitor.threshold.above
    if monitor.threshold.unit == "percent":
        return round(value / 100, 6)
    return int(value) if float(value).is_integer() else value


def _exceptions(model: Model, error_ids) -> list[str]:
    """The exception class names Sentry matches for some error types (several ids may share one)."""
    return sorted({model.sentry.error_type(e).exception for e in error_ids})


def _query(model: Model, monitor: MonitorSpec) -> str:
    parts = [monitor.query] if monitor.query else []
    if monitor.errors:
        parts.append(f"error.type:[{','.join(_exceptions(model, monitor.errors))}]")
    return " ".join(parts)


def monitor_payload(model: Model, rule: SentryRule, env_id: str, targets: SentryTargets) -> dict:
    monitor = rule.monitor_in(env_id)
    level = model.severity(rule.severity)
    threshold = sentry_threshold(monitor)
    source = {
        "aggregate": monitor.aggregate,
        "dataset": monitor.dataset,
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
        "owner": _owner(targets, rule),
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


def _owner(targets: SentryTargets, rule: SentryRule) -> Any:
    team_id = targets.team_ids[rule.owner]
    return team_id.apply(lambda i: f"team:{i}") if hasattr(team_id, "apply") else f"team:{team_id}"


def _condition(kind: str, comparison: Any) -> dict:
    return {"type": kind, "comparison": comparison, "conditionResult": True}


def _filters(model: Model, rule: SentryRule) -> tuple[str, list[dict]]:
    alert = rule.issue_alert
    conditions = [
        _condition(kind, True if kind == "latest_release" else dict(comparison)) for kind, comparison in alert.filters
    ]
    exceptions = _exceptions(model, alert.errors)
    conditions += [
        _condition("event_attribute", {"attribute": "exception.type", "match": "eq", "value": name}) for name in exceptions
    ]
    # Several error types are alternatives; anything else must hold together.
    return ("any-short" if len(exceptions) > 1 and not alert.filters else "all"), conditions


def actions(model: Model, level: SeverityLevel, routes: Routes, targets: SentryTargets) -> list[dict]:
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
            # Sentry's example sends integrationId and targetDisplay as null; Pulumi drops
            # null inputs, so they are left out here to keep the payload what is sent.
            "type": "email",
            "config": {"targetType": "user", "targetIdentifier": targets.sentry_user_ids[r]},
            "data": {},
            "status": "active",
        }
        for r in routes.email
    ]
    integrations = model.sentry.integrations
    if routes.github_issue:
        result.append(
            {
                "type": "github",
                "integrationId": targets.github_integration_id,
                "config": {"targetType": "specific", "targetIdentifier": "", "targetDisplay": ""},
                "data": {
                    "additional_fields": {
                        "integration": targets.github_integration_id,
                        "repo": integrations.github_repository,
                        "labels": [*integrations.github_labels, level.id],
                    }
                },
                "status": "active",
            }
        )
    if routes.pagerduty and targets.pagerduty is not None:
        integration_id, service_id, service_name = targets.pagerduty
        result.append(
            {
                "type": "pagerduty",
                "integrationId": integration_id,
                "config": {"targetType": "specific", "targetIdentifier": service_id, "targetDisplay": service_name},
                "data": {"priority": "critical" if level.rank == 0 else "error"},
                "status": "active",
            }
        )
    return result


def title(model: Model, rule: SentryRule, env_id: str) -> str:
    # Alerts are organisation-wide; the environment keeps the three stacks' names apart.
    return f"[{model.severity(rule.severity).id}] {rule.name} ({env_id})"


def alert_payload(
    model: Model, rule: SentryRule, env_id: str, routes: Routes, targets: SentryTargets, detector_id: Any
) -> dict:
    """The alert; ``detector_id`` is the rule's monitor, or the project's error monitor for issue alerts."""
    level = model.severity(rule.severity)
    if rule.issue_alert is not None:
        triggers, (logic, conditions) = rule.issue_alert.triggers, _filters(model, rule)
    else:
        triggers, logic, conditions = MONITOR_TRIGGERS, "all", []
    return {
        "name": title(model, rule, env_id),
        "enabled": True,
        "owner": _owner(targets, rule),
        "config": {"frequency": frequency(level)},
        "detectorIds": [detector_id],
        "triggers": {"logicType": "any-short", "conditions": [_condition(t, True) for t in triggers]},
        "actionFilters": [{"logicType": logic, "conditions": conditions, "actions": actions(model, level, routes, targets)}],
    }
