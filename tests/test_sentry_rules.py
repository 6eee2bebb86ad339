"""The Sentry alert rules of the process: payloads, routing by severity and environment, validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import DATA, Repo, locate

from errorops.declare.sentry_payloads import SentryTargets, alert_payload, frequency, monitor_payload
from errorops.pipeline import REPO_ROOT, check_repository, load_model
from errorops.plan.runner import plan_stack, stacks_in_order
from errorops.sentry_api import openapi

MONITOR_POST = "/api/0/organizations/{organization_id_or_slug}/projects/{project_id_or_slug}/detectors/"
ALERT_POST = "/api/0/organizations/{organization_id_or_slug}/workflows/"

PAGING = {
    "errorops:pagerduty": True,
    "errorops:pagerdutySentryServiceId": "654321",
    "errorops:teamLeadPagerdutyUserId": "PTEAMLD",
    "errorops:onCallEngineerPagerdutyUserId": "PONCALL",
    "errorops:engineeringManagerPagerdutyUserId": "PENGMGR",
    "errorops:ctoPagerdutyUserId": "PCTO000",
    "errorops:vendorSupportPagerdutyUserId": "PVENDOR",
}


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def plans(model):
    return {s.name: plan_stack(model, s) for s in stacks_in_order(model, "all")}


@pytest.fixture
def full_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A copy of every rule and Pulumi file of the repository."""
    root = tmp_path / "repo"
    shutil.copytree(REPO_ROOT / "alert_rules", root / "alert_rules")
    for path in [REPO_ROOT / "Pulumi.yaml", *REPO_ROOT.glob("Pulumi.*.yaml")]:
        shutil.copy(path, root / path.name)
    monkeypatch.chdir(root)
    return Repo(root)


def resources(plan, type_suffix: str) -> dict[str, dict]:
    return {r.name: r.inputs for r in plan.resources if r.type.endswith(type_suffix)}


def actions(alert_inputs: dict) -> list[tuple[str, str]]:
    found = []
    for group in alert_inputs["payload"]["actionFilters"]:
        for action in group["actions"]:
            config = action.get("config", {})
            found.append((action["type"], str(config.get("targetIdentifier") or config.get("targetDisplay") or "")))
    return sorted(found)


def concrete_targets(model, pagerduty: bool = False) -> SentryTargets:
    return SentryTargets(
        slack_integration_id="101",
        github_integration_id="202",
        slack_channel_ids={"alerts": "C0123ABCD"},
        sentry_user_ids={"team_lead": "1001", "on_call_engineer": "1002", "product_manager": "1003"},
        team_ids={t.id: str(900 + n) for n, t in enumerate(model.teams)},
        pagerduty=("303", "654321", "AI Content Factory") if pagerduty else None,
    )


# --- every rule of the document, as Sentry receives it -----------------------------------------

EXPECTED_MONITORS = {
    # rule id: (aggregate, timeWindow seconds, comparison as Sentry takes it, detection type)
    "error_rate_critical": ("failure_rate()", 300, 0.05, "static"),
    "new_release_errors": ("count()", 60, 10, "static"),
    "error_rate_high": ("failure_rate()", 900, 0.02, "static"),
    "performance_degradation": ("p95(span.duration)", 3600, 50, "percent"),
    "content_generation_failures": ("count()", 3600, 5, "static"),
    "cache_errors": ("count()", 3600, 10, "static"),
}


def test_prod_declares_every_rule_of_the_document(plans):
    monitors = resources(plans["prod"], "sentry:Monitor")
    alerts = resources(plans["prod"], "sentry:Alert")
    assert set(alerts) == {f"alert-{r}" for r in [*EXPECTED_MONITORS, "tagged_critical", "security_errors"]}
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


def test_issue_alerts_filter_on_tag_and_error_type(plans):
    alerts = resources(plans["prod"], "sentry:Alert")
    tagged = alerts["alert-tagged_critical"]["payload"]["actionFilters"][0]["conditions"]
    assert tagged == [{"type": "tagged_event", "comparison": {"key": "severity", "match": "eq", "value": "critical"},
                       "conditionResult": True}]
    security = alerts["alert-security_errors"]["payload"]["actionFilters"][0]["conditions"]
    assert security == [{"type": "event_attribute", "conditionResult": True,
                         "comparison": {"attribute": "exception.type", "match": "eq", "value": "SecurityError"}}]


def test_alerts_are_connected_to_their_project(plans):
    """Alerts are organisation-wide: each reaches its stack's project through a monitor."""
    for stack, plan in plans.items():
        depends = {r.name: r.options["depends_on"] for r in plan.resources}
        assert "monitor-cache_errors" in depends["alert-cache_errors"]
        assert f"error-monitor-{stack}" in depends["alert-tagged_critical"]
        assert f"default-alert-removal-{stack}" in depends["alert-cache_errors"]
        detectors = resources(plan, "sentry:ProjectErrorDetector")
        assert detectors == {f"error-monitor-{stack}": {"organization": "ai-content-factory",
                                                        "project": f"ai-content-factory-{stack}"}}
        for name, alert in resources(plan, "sentry:Alert").items():
            assert len(alert["payload"]["detectorIds"]) == 1, name
            assert alert["payload"]["name"].endswith(f" ({stack})"), name


# --- routing by severity, cut down by environment ------------------------------------------------

def test_prod_routes_fully_by_severity(plans):
    alerts = resources(plans["prod"], "sentry:Alert")
    p0 = actions(alerts["alert-error_rate_critical"])
    assert [a for a, _ in p0] == ["email", "email", "email", "github", "slack"]
    assert {t for a, t in p0 if a == "email"} == {
        "<unset errorops:teamLeadSentryUserId>", "<unset errorops:onCallEngineerSentryUserId>",
        "<unset errorops:productManagerSentryUserId>",
    }
    p1 = actions(alerts["alert-cache_errors"])
    assert p1 == [("email", "<unset errorops:teamLeadSentryUserId>"), ("github", ""),
                  ("slack", "<unset errorops:slackAlertsChannelId>")]
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


def test_renotify_frequency_follows_severity(model, plans):
    assert [frequency(model.severity(level)) for level in ("P0", "P1", "P2", "P3")] == [10, 60, 1440, 1440]
    alerts = resources(plans["prod"], "sentry:Alert")
    assert alerts["alert-security_errors"]["payload"]["config"] == {"frequency": 10}
    assert alerts["alert-error_rate_high"]["payload"]["config"] == {"frequency": 60}


def test_pagerduty_declares_the_escalation_ladder_where_configured(full_repo):
    text = full_repo.read("Pulumi.prod.yaml").rstrip("\n") + "\n"
    text += "".join(f"  {k}: {yaml.safe_dump(v).splitlines()[0]}\n" for k, v in PAGING.items())
    full_repo.write("Pulumi.prod.yaml", text)
    model = load_model(full_repo.root)
    plan = plan_stack(model, next(s for s in model.stacks if s.name == "prod"))
    policies = resources(plan, "escalationPolicy:EscalationPolicy")
    assert list(policies) == ["escalation-p0-prod"]
    ladder = [(rule["escalationDelayInMinutes"], [t["id"] for t in rule["targets"]])
              for rule in policies["escalation-p0-prod"]["rules"]]
    # Arrival times 0, 15, 30 and 60 minutes, as in "Escalation Procedures".
    assert ladder == [(15, ["PONCALL"]), (15, ["PTEAMLD"]), (30, ["PENGMGR"]), (30, ["PCTO000", "PVENDOR"])]
    alerts = resources(plan, "sentry:Alert")
    assert ("pagerduty", "654321") in actions(alerts["alert-error_rate_critical"])
    assert "pagerduty" not in [a for a, _ in actions(alerts["alert-error_rate_high"])]


def test_renaming_a_rule_keeps_its_logical_name(full_repo):
    full_repo.edit("alert_rules/sentry_alerts.yaml", "name: Cache errors above 10 per hour", "name: Redis errors")
    model = load_model(full_repo.root)
    plan = plan_stack(model, next(s for s in model.stacks if s.name == "prod"))
    alerts = resources(plan, "sentry:Alert")
    assert alerts["alert-cache_errors"]["payload"]["name"] == "[P1] Redis errors (prod)"


# --- what Sentry will receive validates against its published request schema -------------------

@pytest.mark.parametrize("env_id", ["prod", "staging", "dev"])
@pytest.mark.parametrize("pagerduty", [False, True])
def test_every_payload_validates_against_the_openapi_schema(model, env_id, pagerduty):
    targets = concrete_targets(model, pagerduty)
    env = model.environment(env_id)
    assert model.sentry.rules
    for rule in model.sentry.rules:
        if rule.monitor is not None:
            body = monitor_payload(model, rule, env_id, targets)
            assert openapi.validate_request("POST", MONITOR_POST, body) == [], rule.id
        body = alert_payload(model, rule, env_id, model.severity(rule.severity).routes_in(env), targets, 4242)
        assert openapi.validate_request("POST", ALERT_POST, body) == [], rule.id


def test_the_schema_check_catches_a_broken_payload(model):
    rule = next(r for r in model.sentry.rules if r.monitor is not None)
    body = monitor_payload(model, rule, "prod", concrete_targets(model))
    body["conditionGroup"] = {"conditions": []}  # logicType is required
    assert openapi.validate_request("POST", MONITOR_POST, body)


# --- validation: each broken input gives path:line:col: message ---------------------------------

CASES = yaml.safe_load((DATA / "sentry_rule_errors.yaml").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_validation_errors(full_repo, case):
    full_repo.edit(case["file"], case["old"], case["new"])
    where = case.get("file_of_problem", case["file"])
    line, column = locate(full_repo.read(where), case["at"], case.get("n", 1), case.get("within"))
    problems = [str(p) for p in check_repository(full_repo.root).problems]
    expected = f"{where}:{line}:{column}: "
    assert any(p.startswith(expected) and case["message"] in p for p in problems), (expected, problems)
