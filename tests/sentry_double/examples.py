"""Request bodies built from the examples in Sentry's OpenAPI descriptions (vendored subset).

Monitors: POST .../projects/{project}/detectors/ `data_sources`, `config` and `condition_group`
descriptions. Alerts: POST .../workflows/ `triggers` and `action_filters` descriptions.
Fresh copies on every call, so tests can mutate them. `prepare` gives a double the
organisation these examples point at (environment, team, user, integrations).
"""

from __future__ import annotations

import copy

TEAM_ID, USER_ID, SLACK_ID, GITHUB_ID = "456789", "1", "1", "2345"
SLACK_CHANNEL = "C0NOTIFY1"

_STATIC_MONITOR = {
    "name": "High number of errors",
    "type": "metric_issue",
    "description": "More than 10 unresolved errors in an hour",
    "enabled": True,
    "owner": "team:456789",
    # "Threshold" config and "Number of Errors Metric Monitor" data source.
    "config": {"detectionType": "static"},
    "dataSources": [{
        "aggregate": "count()", "dataset": "events", "environment": "prod",
        "eventTypes": ["default", "error"], "query": "is:unresolved", "queryType": 0, "timeWindow": 3600,
    }],
    # "Threshold and Change Monitor" condition group: 75 = high priority, 0 = resolved.
    "conditionGroup": {"logicType": "any", "conditions": [
        {"type": "gt", "comparison": 10, "conditionResult": 75},
        {"type": "lte", "comparison": 10, "conditionResult": 0},
    ]},
}

_PERCENT_MONITOR = {
    "name": "p95 span duration up 50% on the hour before",
    "type": "metric_issue",
    # "Change" config: compare with the same window comparisonDelta seconds earlier.
    "config": {"detectionType": "percent", "comparisonDelta": 3600},
    "dataSources": [{
        "aggregate": "p95(span.duration)", "dataset": "events_analytics_platform", "environment": "prod",
        "eventTypes": ["trace_item_span"], "query": "", "queryType": 1, "timeWindow": 3600,
        "extrapolationMode": "unknown",
    }],
    "conditionGroup": {"logicType": "any", "conditions": [
        {"type": "gt", "comparison": 50, "conditionResult": 75},
        {"type": "lte", "comparison": 50, "conditionResult": 0},
    ]},
}

_SLACK_ACTION = {
    "type": "slack", "integrationId": "1", "data": {}, "status": "active",
    "config": {"targetType": "specific", "targetIdentifier": SLACK_CHANNEL, "targetDisplay": "notify-errors"},
}
_EMAIL_ACTION = {
    "type": "email", "integrationId": None, "data": {"fallthroughType": "ActiveMembers"}, "status": "active",
    "config": {"targetType": "issue_owners", "targetDisplay": None, "targetIdentifier": ""},
}
# Sentry's example sends "" as target; TicketingActionHandler.config_schema takes only null.
_GITHUB_ACTION = {
    "type": "github", "integrationId": "2345", "status": "active",
    "config": {"targetType": "specific", "targetIdentifier": None, "targetDisplay": None},
    "data": {
        "additional_fields": {"assignee": "", "integration": "2345", "labels": [], "repo": "example-repo"},
        "dynamic_form_fields": [{
            "choices": [["YourOrg/example-repo", "example-repo"]], "default": "YourOrg/example-repo",
            "label": "GitHub Repository", "name": "repo", "required": True, "type": "select",
            "updatesForm": True, "url": "/extensions/github/search/example-repo/1234567/",
        }],
    },
}
_PRODUCTION_ONLY = {"type": "tagged_event", "comparison": {"key": "environment", "match": "eq", "value": "production"},
                    "conditionResult": True}

_SLACK_ALERT = {
    "name": "New production issues to #notify-errors",
    "enabled": True,
    "environment": "production",
    "config": {"frequency": 30},
    "triggers": {"logicType": "any-short", "conditions": [
        {"type": "first_seen_event", "comparison": True, "conditionResult": True},
        {"type": "regression_event", "comparison": True, "conditionResult": True},
    ]},
    "actionFilters": [{"logicType": "all", "conditions": [_PRODUCTION_ONLY], "actions": [_SLACK_ACTION]}],
}

_EMAIL_ALERT = {
    "name": "Busy issues to their owners",
    "owner": "team:456789",
    "config": {"frequency": 60},
    "triggers": {"logicType": "any-short", "conditions": []},
    "actionFilters": [{"logicType": "all", "conditions": [
        {"type": "event_frequency_count", "comparison": {"value": 100, "interval": "1h"}, "conditionResult": True},
    ], "actions": [_EMAIL_ACTION]}],
}

_GITHUB_ALERT = {
    "name": "Open a GitHub issue for new errors",
    "config": {"frequency": 1440},
    "triggers": {"logicType": "any-short", "conditions": [
        {"type": "first_seen_event", "comparison": True, "conditionResult": True},
    ]},
    "actionFilters": [{"logicType": "any-short", "conditions": [], "actions": [_GITHUB_ACTION]}],
}


ENVIRONMENTS = ("prod", "production")


def prepare(double) -> None:
    """What the examples refer to, present in the double's organisation."""
    for name in ENVIRONMENTS:
        double.add_environment(name)
    double.add_team("backend", team_id=TEAM_ID)
    double.add_user(USER_ID)
    double.add_integration("slack", SLACK_ID)
    double.add_integration("github", GITHUB_ID)
    double.add_slack_channel(SLACK_CHANNEL, "notify-errors")


def static_monitor() -> dict:
    return copy.deepcopy(_STATIC_MONITOR)


def percent_monitor() -> dict:
    return copy.deepcopy(_PERCENT_MONITOR)


def slack_alert(detector_ids: list[int] = ()) -> dict:
    return {**copy.deepcopy(_SLACK_ALERT), "detectorIds": list(detector_ids)}


def email_alert(detector_ids: list[int] = ()) -> dict:
    return {**copy.deepcopy(_EMAIL_ALERT), "detectorIds": list(detector_ids)}


def github_alert(detector_ids: list[int] = ()) -> dict:
    return {**copy.deepcopy(_GITHUB_ALERT), "detectorIds": list(detector_ids)}
