"""Unit tests of protected-in-prod, log-retention, credentials-are-secrets,
gcp-policy-documentation and dev-never-pages, on resources from the real offline plan."""

from __future__ import annotations

import dataclasses

import pytest

from errorops._pulumi_compat import wire_secret as secret
from policy_support import edited, planned, policy_named, resource_args, violations

PROTECT = policy_named("protected-in-prod")
RETENTION = policy_named("log-retention")
CREDENTIALS = policy_named("credentials-are-secrets")
DOCS = policy_named("gcp-policy-documentation")
NO_PAGING = policy_named("dev-never-pages")
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def check(policy, stack: str, resource, config=...) -> list[str]:
    cfg = planned(stack).config.get(policy.name) if config is ... else config
    return violations(policy, resource_args(resource, cfg))


@pytest.mark.parametrize("stack", ["prod", "staging", "dev"])
@pytest.mark.parametrize("policy", [PROTECT, RETENTION, CREDENTIALS, DOCS, NO_PAGING], ids=lambda p: p.name)
def test_every_shipped_resource_passes(policy, stack):
    assert [m for r in planned(stack).resources for m in check(policy, stack, r)] == []


# --- protected-in-prod ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["project-prod", "default-log-bucket"])
def test_unprotected_project_or_bucket_in_prod_fails(name):
    resource = dataclasses.replace(planned("prod").resource(name), protect=False)
    (message,) = check(PROTECT, "prod", resource)
    assert f"'{name}' in environment 'prod' is not protected" in message


def test_protection_is_required_in_the_configured_environments_only():
    resource = dataclasses.replace(planned("staging").resource("project-staging"), protect=False)
    assert check(PROTECT, "staging", resource)  # environments.yaml protects staging
    assert check(PROTECT, "staging", resource, {"environment": "staging", "protectedEnvironments": ["prod"]}) == []


def test_environment_falls_back_to_the_stack_in_the_urn():
    resource = dataclasses.replace(planned("prod").resource("project-prod"), protect=False)
    assert check(PROTECT, "prod", resource, {"protectedEnvironments": ["prod"]})


def test_without_config_protection_says_how_to_pass_it():
    (message,) = check(PROTECT, "prod", planned("prod").resource("project-prod"), None)
    assert "has no config (protectedEnvironments)" in message and "--policy-config" in message


# --- log-retention ------------------------------------------------------------------------------

def test_retention_other_than_declared_fails():
    bucket = edited(planned("dev").resource("default-log-bucket"), lambda p: p.update(retentionDays=30))
    (message,) = check(RETENTION, "dev", bucket)
    assert "keeps logs 30 days; the declared retention is 90 days" in message
    assert check(RETENTION, "dev", bucket, {"retentionDays": 30}) == []


def test_bucket_without_retention_fails():
    bucket = edited(planned("prod").resource("default-log-bucket"), lambda p: p.pop("retentionDays"))
    (message,) = check(RETENTION, "prod", bucket)
    assert "sets no retentionDays" in message


# --- credentials-are-secrets -----------------------------------------------------------------------

def test_shipped_sensitive_labels_arrive_as_secrets():
    slack = planned("prod").resource("slack-alerts", "NotificationChannel")
    assert slack.properties["sensitiveLabels"]["4dabf18193072939515e22adb298388d"] == SECRET_SIG


def test_sensitive_labels_in_plain_text_fail():
    slack = edited(planned("prod").resource("slack-alerts", "NotificationChannel"),
                   lambda p: p.update(sensitiveLabels={"auth_token": "xoxb-123"}))
    (message,) = check(CREDENTIALS, "prod", slack)
    assert message.startswith("sensitiveLabels.auth_token is a credential in plain text")
    assert "xoxb-123" not in message


def test_sensitive_labels_given_as_secret_pass():
    slack = edited(planned("prod").resource("slack-alerts", "NotificationChannel"),
                   lambda p: p.update(sensitiveLabels={"auth_token": secret("xoxb-123")}))
    assert check(CREDENTIALS, "prod", slack) == []


def test_a_credential_in_labels_fails_even_as_a_secret():
    slack = edited(planned("prod").resource("slack-alerts", "NotificationChannel"),
                   lambda p: p["labels"].update(auth_token=secret("xoxb-123")))
    (message,) = check(CREDENTIALS, "prod", slack)
    assert "labels.auth_token" in message and "sensitiveLabels" in message


@pytest.mark.parametrize("key", ["token", "apiKey", "service_key", "password"])
def test_any_credential_property_in_plain_text_fails(key):
    alert = edited(planned("prod").resource("alert-error_rate_critical"), lambda p: p["payload"].update({key: "abc"}))
    (message,) = check(CREDENTIALS, "prod", alert)
    assert message.startswith(f"payload.{key} is a credential in plain text")


def test_a_masked_secret_passed_on_as_plain_text_fails():
    # The plan masks a secret config value used without require_secret as "[secret]", unwrapped.
    slack = edited(planned("prod").resource("slack-alerts", "NotificationChannel"),
                   lambda p: p.update(sensitiveLabels="[secret]"))
    assert check(CREDENTIALS, "prod", slack)


# --- gcp-policy-documentation --------------------------------------------------------------------

POLICY = "error-rate-critical"


@pytest.mark.parametrize("edit, expected", [
    (lambda p: p.pop("documentation"), "has no documentation"),
    (lambda p: p["documentation"].update(content="  "), "has no documentation"),
    (lambda p: p.pop("severity"), "has no severity"),
    (lambda p: p.update(severity="SEVERITY_UNSPECIFIED"), "has no severity"),
    (lambda p: p["userLabels"].pop("severity"), "has no process level"),
])
def test_policy_without_documentation_or_severity_fails(edit, expected):
    (message,) = check(DOCS, "prod", edited(planned("prod").resource(POLICY, "AlertPolicy"), edit))
    assert expected in message and "'P0 Error rate above 5%'" in message


# --- dev-never-pages -------------------------------------------------------------------------------

def _page(props):
    props["payload"]["actionFilters"][0]["actions"].append(
        {"type": "pagerduty", "status": "active", "config": {"targetIdentifier": "123"}, "data": {}})


def test_dev_alert_that_pages_fails_and_prod_may_page():
    (message,) = check(NO_PAGING, "dev", edited(planned("dev").resource("alert-error_rate_critical"), _page))
    assert "pages through pagerduty, but environment 'dev' never pages anyone" in message
    assert check(NO_PAGING, "prod", edited(planned("prod").resource("alert-error_rate_critical"), _page)) == []


def test_dev_pager_channel_and_escalation_policy_fail():
    channel = edited(planned("dev").resource("slack-alerts", "NotificationChannel"), lambda p: p.update(type="pagerduty"))
    assert "is a pagerduty pager" in check(NO_PAGING, "dev", channel)[0]
    escalation = dataclasses.replace(
        planned("dev").resource("default-log-bucket"), type="pagerduty:index/escalationPolicy:EscalationPolicy",
        name="escalation-p0-dev", properties={"name": "P0", "rules": []})
    assert "is paging infrastructure" in check(NO_PAGING, "dev", escalation)[0]
