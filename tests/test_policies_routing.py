"""Unit tests of the routing policies, on resources from the real offline plan.

sentry-alert-routing judges each Sentry alert's actions; gcp-alert-routing judges each
Cloud Monitoring policy through the channel resources it depends on. Both require the
whole process in production and the process cut down to the environment elsewhere.
"""

from __future__ import annotations

import pytest

from policy_support import edited, planned, policy_named, resource_args, stack_args, violations

SENTRY = policy_named("sentry-alert-routing")
GCP = policy_named("gcp-alert-routing")
ALERT = "pulumi-python:dynamic/sentry:Alert"
P0_ALERT, P1_ALERT = "alert-error_rate_critical", "alert-cache_errors"
P0_POLICY, P1_POLICY, P2_POLICY = "service-unavailable", "error-rate-high", "audit-log-write-failures"


def _actions(props: dict) -> list[dict]:
    return props["payload"]["actionFilters"][0]["actions"]


def drop_actions(kind: str, target: str | None = None):
    def edit(props: dict) -> None:
        props["payload"]["actionFilters"][0]["actions"] = [
            a for a in _actions(props)
            if not (a["type"] == kind and (target is None or a["config"].get("targetIdentifier") == target))
        ]
    return edit


def sentry(stack: str, resource, config=...) -> list[str]:
    cfg = planned(stack).config["sentry-alert-routing"] if config is ... else config
    return violations(SENTRY, resource_args(resource, cfg))


def on_call_id(stack: str = "prod") -> str:
    return planned(stack).config["sentry-alert-routing"]["recipients"]["on_call_engineer"]["sentryUserIds"][0]


# --- Sentry alerts --------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["prod", "staging", "dev"])
def test_every_shipped_sentry_alert_passes(stack):
    alerts = planned(stack).of_type(ALERT)
    assert alerts
    assert [m for a in alerts for m in sentry(stack, a)] == []


def test_p0_without_slack_fails():
    alert = edited(planned("prod").resource(P0_ALERT), drop_actions("slack"))
    (message,) = sentry("prod", alert)
    assert "does not reach Slack #ai-content-factory-alerts" in message and "(P0)" in message


def test_p0_slack_to_another_channel_fails():
    def retarget(props):
        next(a for a in _actions(props) if a["type"] == "slack")["config"]["targetDisplay"] = "random"
    (message,) = sentry("prod", edited(planned("prod").resource(P0_ALERT), retarget))
    assert "Slack #ai-content-factory-alerts" in message


def test_p0_without_the_on_call_engineer_fails_and_pagerduty_reaches_them():
    without = edited(planned("prod").resource(P0_ALERT), drop_actions("email", on_call_id()))
    (message,) = sentry("prod", without)
    assert "does not reach On-call Engineer (on_call_engineer)" in message

    def page(props):
        _actions(props).append({"type": "pagerduty", "status": "active", "config": {"targetIdentifier": "P1"},
                                "data": {"priority": "critical"}})
    assert sentry("prod", edited(without, page)) == []


def test_p1_without_the_team_lead_fails():
    alert = planned("prod").resource(P1_ALERT)
    lead = planned("prod").config["sentry-alert-routing"]["recipients"]["team_lead"]["sentryUserIds"][0]
    (message,) = sentry("prod", edited(alert, drop_actions("email", lead)))
    assert "(P1) does not reach Team Lead (team_lead)" in message


def test_inactive_actions_do_not_count():
    def deactivate(props):
        for a in _actions(props):
            a["status"] = "disabled"
    (message,) = sentry("prod", edited(planned("prod").resource(P0_ALERT), deactivate))
    assert "Slack" in message and "on_call_engineer" in message and "team_lead" in message


# --- GitHub issues: a stack rule ------------------------------------------------------------

GITHUB_ISSUES = policy_named("sentry-github-issues")


def github(stack: str, resources) -> list[str]:
    return violations(GITHUB_ISSUES, stack_args(list(resources), planned(stack).config["sentry-github-issues"]))


@pytest.mark.parametrize("stack", ["prod", "staging", "dev"])
def test_every_shipped_stack_opens_github_issues_as_its_environment_allows(stack):
    assert github(stack, planned(stack).resources) == []


def test_prod_without_the_github_alert_fails():
    resources = [r for r in planned("prod").resources if r.name != "alert-github_issues"]
    (message,) = github("prod", resources)
    assert "No Sentry alert opens a GitHub issue for new P0/P1 errors" in message


def test_p1_errors_without_a_labelled_github_action_fail():
    def p0_only(props):
        props["payload"]["actionFilters"] = [g for g in props["payload"]["actionFilters"]
                                             if "P1" not in g["actions"][0]["data"]["additional_fields"]["labels"]]
    resources = [edited(r, p0_only) if r.name == "alert-github_issues" else r for r in planned("prod").resources]
    (message,) = github("prod", resources)
    assert "for new P1 errors" in message


def test_a_github_action_on_an_alert_fed_by_a_monitor_fails():
    """Sentry registers ticketing actions on metric issues as no-ops: such an action opens nothing."""
    ticket = next(a for g in planned("prod").resource("alert-github_issues").properties["payload"]["actionFilters"]
                  for a in g["actions"])
    resources = [edited(r, lambda p: _actions(p).append(ticket)) if r.name == P1_ALERT else r
                 for r in planned("prod").resources]
    (message,) = github("prod", resources)
    assert "is fed by a metric monitor and carries a github action" in message


def test_without_config_github_issues_says_how_to_pass_it():
    (message,) = violations(GITHUB_ISSUES, stack_args(list(planned("prod").resources), None))
    assert "policy 'sentry-github-issues' has no config" in message


def test_disabled_p0_alert_fails():
    (message,) = sentry("prod", edited(planned("prod").resource(P0_ALERT), lambda p: p["payload"].update(enabled=False)))
    assert "is disabled" in message


def test_staging_requires_only_what_staging_may_notify():
    alert = planned("staging").resource(P0_ALERT)
    assert sentry("staging", alert) == []
    # Staging may post to Slack, so a P0 without it fails there too.
    (message,) = sentry("staging", edited(alert, drop_actions("slack")))
    assert "environment 'staging'" in message


def test_production_requires_the_whole_process_whatever_notify_says():
    # Staging's routing deployed as if it were production: prod's allow-list cannot silence prod.
    config = {**planned("staging").config["sentry-alert-routing"], "environment": "prod", "production": True}
    (message,) = sentry("staging", planned("staging").resource(P0_ALERT), config)
    assert "on_call_engineer" in message and "production" in message


def test_without_config_the_policy_says_how_to_pass_it():
    # The pack keeps no copy of the process: no config, no guess, one clear violation.
    (message,) = sentry("prod", planned("prod").resource(P0_ALERT), None)
    assert "has no config (levels, recipients, production)" in message and "--policy-config" in message
    (message,) = gcp("prod", config=None)
    assert "policy 'gcp-alert-routing' has no config" in message


def test_p2_and_other_resources_are_not_judged():
    def demote(props):
        props["payload"]["name"] = props["payload"]["name"].replace("[P0]", "[P2]")
        props["payload"]["actionFilters"][0]["actions"] = []
    assert sentry("prod", edited(planned("prod").resource(P0_ALERT), demote)) == []
    assert sentry("prod", planned("prod").resource("project-prod")) == []


# --- Cloud Monitoring policies (stack policy) ----------------------------------------------------

def gcp(stack: str, resources=None, config=...) -> list[str]:
    cfg = planned(stack).config["gcp-alert-routing"] if config is ... else config
    return violations(GCP, stack_args(list(resources or planned(stack).resources), cfg))


def without_dependency(policy_name: str, channel_name: str, stack: str = "prod"):
    resources = list(planned(stack).resources)
    channel = planned(stack).resource(channel_name, "NotificationChannel")
    return [
        edited(r, dependencies=tuple(d for d in r.dependencies if d != channel.urn)) if r.name == policy_name else r
        for r in resources
    ]


@pytest.mark.parametrize("stack", ["prod", "staging", "dev"])
def test_every_shipped_cloud_monitoring_policy_passes(stack):
    assert gcp(stack) == []


def test_p0_policy_without_the_on_call_channel_fails():
    (message,) = gcp("prod", without_dependency(P0_POLICY, "email-on-call-engineer"))
    assert "'P0 Service unavailable' (P0) does not reach On-call Engineer (on_call_engineer)" in message


def test_p0_policy_without_slack_fails_in_dev_too():
    (message,) = gcp("dev", without_dependency(P0_POLICY, "slack-alerts", "dev"))
    assert "Slack #ai-content-factory-alerts" in message and "environment 'dev'" in message


def test_p1_policy_without_team_lead_fails():
    (message,) = gcp("prod", without_dependency(P1_POLICY, "email-team-lead"))
    assert "(P1) does not reach Team Lead (team_lead)" in message


def test_policy_with_no_channels_at_all_fails():
    resources = [edited(r, lambda p: p.update(notificationChannels=[])) if r.name == P0_POLICY else r
                 for r in planned("prod").resources]
    (message,) = gcp("prod", resources)
    assert "Slack" in message and "on_call_engineer" in message and "team_lead" in message


def test_a_pagerduty_channel_reaches_the_on_call_engineer():
    prod = planned("prod")
    pager = edited(prod.resource("email-on-call-engineer", "NotificationChannel"),
                   lambda p: p.update(type="pagerduty"), name="pager",
                   urn=prod.resource("email-on-call-engineer", "NotificationChannel").urn.replace("email-on-call", "pager"))
    resources = [
        edited(r, dependencies=tuple(pager.urn if "email-on-call-engineer" in d else d for d in r.dependencies))
        for r in prod.resources if r.name != "email-on-call-engineer"
    ] + [pager]
    assert gcp("prod", resources) == []


def test_disabled_channel_does_not_count():
    resources = [edited(r, lambda p: p.update(enabled=False)) if r.name == "slack-alerts" else r
                 for r in planned("prod").resources]
    found = gcp("prod", resources)
    assert found and all("Slack" in m for m in found)
    assert not any("P2" in m for m in found)


def test_p2_policies_need_no_route():
    resources = [edited(r, dependencies=()) if r.name == P2_POLICY else r for r in planned("prod").resources]
    assert gcp("prod", resources) == []
