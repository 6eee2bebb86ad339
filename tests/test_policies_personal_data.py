"""Unit tests of no-personal-data: alert filters, labels and tags, on the real offline plan."""

from __future__ import annotations

import pytest

from errorops._pulumi_compat import wire_secret as secret
from policy_support import edited, planned, policy_named, resource_args, violations

PII = policy_named("no-personal-data")


def check(stack: str, resource) -> list[str]:
    return violations(PII, resource_args(resource, planned(stack).config.get(PII.name)))


def one(stack: str, resource) -> str:
    (message,) = check(stack, resource)
    assert message.endswith("never in alert filters, labels or tags.")
    return message


@pytest.mark.parametrize("stack", ["prod", "staging", "dev"])
def test_every_shipped_resource_passes(stack):
    assert [m for r in planned(stack).resources for m in check(stack, r)] == []


def _filter(condition: dict):
    def edit(props):
        props["payload"]["actionFilters"][0]["conditions"].append(condition)
    return edit


@pytest.mark.parametrize("condition, expected", [
    ({"type": "tagged_event", "comparison": {"key": "user_id", "match": "eq", "value": "42"}, "conditionResult": True},
     "filters on the personal-data field 'user_id'"),
    ({"type": "tagged_event", "comparison": {"key": "user", "match": "is"}, "conditionResult": True},
     "filters on the personal-data field 'user'"),
    ({"type": "event_attribute", "comparison": {"attribute": "user.email", "match": "co", "value": "x"},
      "conditionResult": True}, "filters on the personal-data field 'user.email'"),
    ({"type": "tagged_event", "comparison": {"key": "customer", "match": "eq", "value": "jane@example.com"},
      "conditionResult": True}, "contains an e-mail address"),
    ({"type": "tagged_event", "comparison": {"key": "origin", "match": "eq", "value": "203.0.113.7"},
      "conditionResult": True}, "contains an IP address"),
])
def test_sentry_alert_filter_on_personal_data_fails(condition, expected):
    alert = edited(planned("prod").resource("alert-tagged_critical"), _filter(condition))
    assert expected in one("prod", alert)


@pytest.mark.parametrize("query, expected", [
    ("user.email:jane@example.com", "field 'user.email'"),
    ("release:latest !user.id:42", "field 'user.id'"),
    ("has:user.ip", "field 'user.ip'"),
    ("release:latest url:*10.1.2.3*", "contains an IP address"),
])
def test_sentry_monitor_query_on_personal_data_fails(query, expected):
    def edit(props):
        props["payload"]["dataSources"][0]["query"] = query
    message = check("prod", edited(planned("prod").resource("monitor-cache_errors"), edit))
    assert any(expected in m for m in message)


def test_sentry_monitor_query_without_personal_data_passes():
    def edit(props):
        props["payload"]["dataSources"][0]["query"] = "error.type:[CacheError] is_transaction:true release:latest"
    assert check("prod", edited(planned("prod").resource("monitor-cache_errors"), edit)) == []


def test_log_metric_extracting_a_user_id_fails():
    def edit(props):
        props["labelExtractors"] = {"user": "EXTRACT(jsonPayload.user_id)"}
        props["metricDescriptor"]["labels"] = [{"key": "user_id", "valueType": "STRING"}]
    found = check("prod", edited(planned("prod").resource("cache_errors", "Metric"), edit))
    assert any("labelExtractors.user refers to 'user_id'" in m for m in found)
    assert any("metricDescriptor.labels[0] is the personal-data label 'user_id'" in m for m in found)


def test_alert_policy_filter_or_grouping_on_personal_data_fails():
    def edit(props):
        condition = props["conditions"][0]["conditionThreshold"]
        condition["filter"] += ' AND metric.label.client_ip="10.0.0.1"'
        condition["aggregations"][0]["groupByFields"] = ["metric.label.user_email"]
    found = check("prod", edited(planned("prod").resource("cache-errors", "AlertPolicy"), edit))
    assert any(".filter refers to 'client_ip'" in m for m in found)
    assert any(".filter contains an IP address" in m for m in found)
    assert any("groupByFields[0] refers to 'user_email'" in m for m in found)


def test_user_labels_with_personal_data_fail():
    def edit(props):
        props["userLabels"]["owner_email"] = "jane@example.com"
    found = check("prod", edited(planned("prod").resource("cache-errors", "AlertPolicy"), edit))
    assert any("userLabels has the personal-data key 'owner_email'" in m for m in found)
    assert any("userLabels.owner_email contains an e-mail address" in m for m in found)


def test_email_channel_address_must_be_a_secret():
    channel = planned("prod").resource("email-team-lead", "NotificationChannel")
    assert check("prod", channel) == []
    plain = edited(channel, lambda p: p.update(labels={"email_address": "lead@example.com"}))
    assert "labels.email_address is a personal e-mail address in plain text" in one("prod", plain)
    wrapped = edited(channel, lambda p: p.update(labels={"email_address": secret("lead@example.com")}))
    assert check("prod", wrapped) == []
