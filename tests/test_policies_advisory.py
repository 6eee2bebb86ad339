"""Unit tests of the advisory policies (sane-thresholds, named-owner) and of what every
policy shares: the pack's list, enforcement levels, unknown values during preview."""

from __future__ import annotations

import pytest
from pulumi_policy import EnforcementLevel

from policy_support import edited, planned, policies_module, policy_named, resource_args, violations
from errorops.check.run import UNKNOWN

THRESHOLDS = policy_named("sane-thresholds")
OWNER = policy_named("named-owner")
MANDATORY = {"sentry-alert-routing", "sentry-github-issues", "gcp-alert-routing", "protected-in-prod", "log-retention",
             "credentials-are-secrets", "digest-job-secrets", "no-personal-data", "gcp-policy-documentation",
             "dev-never-pages"}


def check(policy, resource, stack: str = "prod") -> list[str]:
    return violations(policy, resource_args(resource, planned(stack).config.get(policy.name)))


def test_the_pack_has_each_policy_with_its_level():
    levels = {p.name: p.enforcement_level for p in policies_module().all_policies()}
    assert {n for n, level in levels.items() if level == EnforcementLevel.MANDATORY} == MANDATORY
    assert {n for n, level in levels.items() if level == EnforcementLevel.ADVISORY} == {"sane-thresholds",
                                                                                        "named-owner"}
    assert all(p.description for p in policies_module().all_policies())


@pytest.mark.parametrize("stack", ["prod", "staging", "dev"])
@pytest.mark.parametrize("policy", [THRESHOLDS, OWNER], ids=lambda p: p.name)
def test_every_shipped_resource_passes(policy, stack):
    assert [m for r in planned(stack).resources for m in check(policy, r, stack)] == []


def _condition(value):
    def edit(props):
        props["payload"]["conditionGroup"]["conditions"][0]["comparison"] = value
    return edit


@pytest.mark.parametrize("name, edit, expected", [
    ("monitor-error_rate_critical", _condition(5), "failure_rate() ratio above 1"),
    ("monitor-cache_errors", _condition(0), "is not above 0"),
    ("monitor-cache_errors", _condition(2.5), "fractional count"),
    ("monitor-performance_degradation", _condition(5000), "is a change above 1000%"),
    # "+50%" written as Sentry's percent of the baseline would be 150; 50 fires nearly always.
    ("monitor-performance_degradation", _condition(50), "fires whenever the value is above 50% of the baseline"),
    ("monitor-cache_errors", lambda p: p["payload"]["dataSources"][0].update(timeWindow=30), "outside 60-86400 s"),
    ("monitor-performance_degradation", lambda p: p["payload"]["config"].update(comparisonDelta=1234),
     "comparisonDelta 1234 s is not one Sentry offers"),
])
def test_sentry_monitor_thresholds_out_of_bounds(name, edit, expected):
    (message,) = check(THRESHOLDS, edited(planned("prod").resource(name), edit))
    assert expected in message


@pytest.mark.parametrize("edit, expected", [
    (lambda p: p["conditions"][0]["conditionThreshold"].update(duration="90s"), "not a whole number of minutes"),
    (lambda p: p["conditions"][0]["conditionThreshold"].update(duration="172800s"), "up to 24 hours"),
    (lambda p: p["conditions"][0]["conditionThreshold"].update(thresholdValue=-1), "is negative"),
    (lambda p: p["conditions"][0]["conditionThreshold"]["aggregations"][0].update(alignmentPeriod="10s"),
     "outside 60 s-24 h"),
])
def test_cloud_monitoring_thresholds_out_of_bounds(edit, expected):
    (message,) = check(THRESHOLDS, edited(planned("prod").resource("cache-errors", "AlertPolicy"), edit))
    assert expected in message


def test_rules_without_owner():
    (message,) = check(OWNER, edited(planned("prod").resource("alert-cache_errors"), lambda p: p["payload"].pop("owner")))
    assert "has no owner" in message
    (message,) = check(OWNER, edited(planned("prod").resource("monitor-cache_errors"),
                                     lambda p: p["payload"].update(owner="")))
    assert "has no owner" in message
    (message,) = check(OWNER, edited(planned("prod").resource("cache-errors", "AlertPolicy"),
                                     lambda p: p["userLabels"].pop("team")))
    assert "user label team is missing" in message


def test_an_owner_known_only_at_deploy_is_not_a_violation():
    # As in a preview: the team's id is computed, so the engine sends an unknown.
    alert = edited(planned("prod").resource("alert-cache_errors"), lambda p: p["payload"].update(owner=UNKNOWN))
    assert check(OWNER, alert) == []


def test_unknown_values_do_not_stop_the_other_policies():
    def unknown_everywhere(props):
        payload = props["payload"]
        payload["owner"] = UNKNOWN
        payload["detectorIds"] = UNKNOWN
        payload["actionFilters"][0]["actions"][0]["integrationId"] = UNKNOWN
    alert = edited(planned("prod").resource("alert-error_rate_critical"), unknown_everywhere)
    for policy in policies_module().all_policies():
        if policy.name not in ("gcp-alert-routing", "sentry-github-issues"):  # stack policies
            assert check(policy, alert) == [], policy.name
