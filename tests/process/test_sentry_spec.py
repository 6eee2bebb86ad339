"""The process document's Sentry rules, as the plan declares them: every rule with its
numbers, and who each severity reaches in each environment.

These tests state the document (../shared/seed, "Sentry Alert Configuration" and
"Notification routing"); they fail when alert_rules/ drifts from it. Tests of how the
program works are in tests/test_sentry_rules.py.
"""

from __future__ import annotations

import pytest

from plans import real_plans
from tests.sentry_support import actions, resources

pytestmark = pytest.mark.process


@pytest.fixture(scope="module")
def plans():
    return real_plans()


# --- every rule of the document, as Sentry receives it -----------------------------------------

EXPECTED_MONITORS = {
    # rule id: (aggregate, timeWindow seconds, comparison as Sentry takes it, detection type)
    "error_rate_critical": ("failure_rate()", 300, 0.05, "static"),
    "error_rate_high": ("failure_rate()", 900, 0.02, "static"),
    # "+50% from baseline": Sentry compares current / baseline * 100 with 150.
    "performance_degradation": ("p95(span.duration)", 3600, 150, "percent"),
    "content_generation_failures": ("count()", 3600, 5, "static"),
    "cache_errors": ("count()", 3600, 10, "static"),
}
ISSUE_ALERTS = ["tagged_critical", "new_release_errors", "security_errors", "github_issues"]


def test_prod_declares_every_rule_of_the_document(plans):
    monitors = resources(plans["prod"], "sentry:Monitor")
    alerts = resources(plans["prod"], "sentry:Alert")
    assert set(alerts) == {f"alert-{r}" for r in [*EXPECTED_MONITORS, *ISSUE_ALERTS]}
    assert set(monitors) == {f"monitor-{r}" for r in EXPECTED_MONITORS}
    for rule, (aggregate, window, comparison, detection) in EXPECTED_MONITORS.items():
        payload = monitors[f"monitor-{rule}"]["payload"]
        source = payload["dataSources"][0]
        high, resolve = payload["conditionGroup"]["conditions"]
        assert (source["aggregate"], source["timeWindow"], payload["config"]["detectionType"]) == (aggregate, window, detection)
        assert (high["type"], high["comparison"], high["conditionResult"]) == ("gt", comparison, 75)
        assert (resolve["type"], resolve["comparison"], resolve["conditionResult"]) == ("lte", comparison, 0)
    assert monitors["monitor-performance_degradation"]["payload"]["config"]["comparisonDelta"] == 604800
    assert monitors["monitor-cache_errors"]["payload"]["dataSources"][0]["query"] == "error.type:[CacheError,CacheTimeoutError]"
    # Requests only: failure_rate() over all spans would divide by every child span too.
    for rule in ("error_rate_critical", "error_rate_high", "performance_degradation"):
        assert monitors[f"monitor-{rule}"]["payload"]["dataSources"][0]["query"] == "is_transaction:true", rule
    # Each monitor's alert runs when the monitor raises its issue, as Sentry's own metric alerts do.
    for rule in EXPECTED_MONITORS:
        payload = alerts[f"alert-{rule}"]["payload"]
        assert payload["triggers"]["conditions"] == [], rule
        assert [g["conditions"] for g in payload["actionFilters"]] == [[
            {"type": "issue_priority_greater_or_equal", "comparison": 75, "conditionResult": True}]], rule
    # No monitor asks Sentry for what its monitors refuse (UNSUPPORTED_QUERIES).
    assert not any("release:latest" in m["payload"]["dataSources"][0]["query"] for m in monitors.values())


# --- routing by severity, cut down by environment ------------------------------------------------

def test_prod_routes_fully_by_severity(plans):
    alerts = resources(plans["prod"], "sentry:Alert")
    p0 = actions(alerts["alert-error_rate_critical"])
    assert [a for a, _ in p0] == ["email", "email", "email", "slack"]
    assert {t for a, t in p0 if a == "email"} == {
        "<unset errorops:teamLeadSentryUserId>", "<unset errorops:onCallEngineerSentryUserId>",
        "<unset errorops:productManagerSentryUserId>",
    }
    p1 = actions(alerts["alert-cache_errors"])
    assert p1 == [("email", "<unset errorops:teamLeadSentryUserId>"), ("slack", "<unset errorops:slackAlertsChannelId>")]
    assert plans["prod"].outputs["pagerduty"] == "not configured: nothing PagerDuty is declared"


def test_staging_only_notifies_slack(plans):
    for name, alert in resources(plans["staging"], "sentry:Alert").items():
        assert [a for a, _ in actions(alert)] == ["slack"], name


def test_dev_never_pages_or_emails_on_call(plans):
    for name, alert in resources(plans["dev"], "sentry:Alert").items():
        kinds = actions(alert)
        assert ("email", "<unset errorops:onCallEngineerSentryUserId>") not in kinds, name
        assert "pagerduty" not in [a for a, _ in kinds], name
    dev_monitor = resources(plans["dev"], "sentry:Monitor")["monitor-content_generation_failures"]
    assert dev_monitor["payload"]["conditionGroup"]["conditions"][0]["comparison"] == 20
    prod_monitor = resources(plans["prod"], "sentry:Monitor")["monitor-content_generation_failures"]
    assert prod_monitor["payload"]["conditionGroup"]["conditions"][0]["comparison"] == 5
    # A name that states a number states the number sent.
    assert dev_monitor["payload"]["name"] == "[P1] Content generation failures above 20 per hour (dev)"
    assert prod_monitor["payload"]["name"] == "[P1] Content generation failures above 5 per hour (prod)"


def test_throttle_follows_severity(plans):
    """config.frequency is Sentry's per-issue throttle, in whole minutes of the level's YAML."""
    alerts = resources(plans["prod"], "sentry:Alert")
    assert alerts["alert-security_errors"]["payload"]["config"] == {"frequency": 15}
    assert alerts["alert-error_rate_high"]["payload"]["config"] == {"frequency": 60}
