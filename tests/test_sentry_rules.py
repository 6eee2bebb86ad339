"""The Sentry side of the program: payloads as Sentry takes them, units, validation.

What the process document itself says (every rule, its numbers, routing by severity and
environment) is stated in tests/process/test_sentry_spec.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import DATA, Repo, copy_repository, locate

from errorops.declare.sentry_payloads import (
    alert_payload,
    github_alert_payload,
    monitor_payload,
    sentry_threshold,
)
from errorops.model.sentry import MonitorSpec, Threshold
from errorops.pipeline import check_repository, load_model
from errorops.plan.runner import plan_stack
from plans import plans_of
from errorops.sentry_api import openapi
from errorops.sentry_api.payloads import restore_ints
from errorops.sentry_api.resources import AlertProvider, MonitorProvider
from tests.sentry_support import actions, as_pulumi_sends, concrete_targets, resources

pytestmark = pytest.mark.takes(4)


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
    return plans_of(model)


@pytest.fixture
def full_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A copy of every rule and Pulumi file of the repository."""
    copy = copy_repository(tmp_path / "repo")
    monkeypatch.chdir(copy.root)
    return copy


def event_condition(attribute: str, match: str, value: str) -> dict:
    return {"type": "event_attribute", "conditionResult": True,
            "comparison": {"attribute": attribute, "match": match, "value": value}}


def test_issue_alerts_fire_on_every_matching_event(plans):
    """An empty trigger group runs the alert on every event of the issue, not only new ones."""
    alerts = resources(plans["prod"], "sentry:Alert")
    for rule in ("tagged_critical", "security_errors", "new_release_errors"):
        assert alerts[f"alert-{rule}"]["payload"]["triggers"] == {"logicType": "any-short", "conditions": []}, rule
    tagged = alerts["alert-tagged_critical"]["payload"]["actionFilters"][0]["conditions"]
    assert tagged == [{"type": "tagged_event", "comparison": {"key": "severity", "match": "eq", "value": "critical"},
                       "conditionResult": True}]
    # "Security breaches or authentication failures": either class, anywhere in the chain.
    security = alerts["alert-security_errors"]["payload"]["actionFilters"]
    assert [g["logicType"] for g in security] == ["any-short"]
    assert security[0]["conditions"] == [event_condition("exception.type", "eq", "AuthenticationError"),
                                         event_condition("exception.type", "eq", "SecurityError")]


def test_new_release_errors_count_per_issue_in_the_latest_release(plans):
    alert = resources(plans["prod"], "sentry:Alert")["alert-new_release_errors"]["payload"]
    [group] = alert["actionFilters"]
    assert group["logicType"] == "all"
    assert group["conditions"] == [
        {"type": "latest_release", "comparison": True, "conditionResult": True},
        {"type": "event_frequency_count", "comparison": {"value": 10, "interval": "1m"}, "conditionResult": True},
    ]
    assert alert["name"] == "[P0] New release errors above 10 per minute (per issue) (prod)"


def test_github_issues_come_from_one_alert_on_the_error_types_of_p0_and_p1(plans):
    alert = resources(plans["prod"], "sentry:Alert")["alert-github_issues"]["payload"]
    assert alert["name"] == "[P0] GitHub issue for new P0/P1 errors (prod)"
    assert [t["type"] for t in alert["triggers"]["conditions"]] == ["first_seen_event", "regression_event"]
    groups = [(g["logicType"], [c["comparison"]["value"] for c in g["conditions"]],
               [a["data"]["additional_fields"]["labels"] for a in g["actions"]]) for g in alert["actionFilters"]]
    assert groups == [
        ("any-short", ["AuthenticationError", "ConnectionError", "SecurityError"], [["sentry-alert", "P0"]]),
        # ValidationError is P0, P1 or P2 by its message: only the message tells them apart.
        ("all", ["ValidationError", "Content generation pipeline failure"], [["sentry-alert", "P0"]]),
        ("any-short", ["CacheError", "CacheTimeoutError", "ContentGenerationError", "LLMValidationError",
                       "TimeoutError"], [["sentry-alert", "P1"]]),
        ("all", ["ValidationError", "FAQ generation failing, other content types working"], [["sentry-alert", "P1"]]),
    ]
    # Sentry runs ticketing actions on error issues only: no other alert carries one.
    for name, other in resources(plans["prod"], "sentry:Alert").items():
        if name != "alert-github_issues":
            assert "github" not in [a for a, _ in actions(other)], name
    for stack in ("staging", "dev"):
        assert "alert-github_issues" not in resources(plans[stack], "sentry:Alert"), stack


@pytest.mark.parametrize(("unit", "above", "sent"), [
    ("percent", 5, 0.05), ("percent", 2.5, 0.025), ("percent", 100, 1),
    ("percent_change", 50, 150), ("percent_change", 0.5, 100.5), ("percent_change", 200, 300),
    ("count", 10, 10), ("milliseconds", 60000, 60000),
])
def test_thresholds_become_sentrys_unit_in_one_place(unit, above, sent):
    monitor = MonitorSpec("a()", "events", ("error",), "", (), 300, 604800 if unit == "percent_change" else None,
                          Threshold(above, unit))
    assert sentry_threshold(monitor) == sent


def test_alerts_are_connected_to_their_project(plans):
    """Alerts are organisation-wide: each reaches its stack's project through a monitor."""
    for stack, plan in plans.items():
        depends = {r.name: r.options["depends_on"] for r in plan.resources}
        assert "monitor-cache_errors" in depends["alert-cache_errors"]
        assert f"error-monitor-{stack}" in depends["alert-tagged_critical"]
        # Sentry's default alert goes only once every declared alert exists: a failed alert
        # never leaves the project with no alert at all.
        alert_names = set(resources(plan, "sentry:Alert"))
        assert alert_names <= set(depends[f"default-alert-removal-{stack}"])
        assert not any(f"default-alert-removal-{stack}" in depends[a] for a in alert_names)
        detectors = resources(plan, "sentry:ProjectErrorDetector")
        # Lists filter by the project's numeric id, which older Sentry requires.
        assert detectors == {f"error-monitor-{stack}": {"organization": "ai-content-factory",
                                                        "project": f"ai-content-factory-{stack}",
                                                        "project_id": "<computed at deploy>"}}
        for name, alert in resources(plan, "sentry:Alert").items():
            assert len(alert["payload"]["detectorIds"]) == 1, name
            assert alert["payload"]["name"].endswith(f" ({stack})"), name


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
    full_repo.edit("alert_rules/sentry_alerts.yaml", "name: Cache errors above {threshold} per hour", "name: Redis errors")
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


@pytest.fixture
def sentry_org(sentry_double, monkeypatch, model):
    """The double as the organisation that concrete_targets points at."""
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", sentry_double.token)
    monkeypatch.setenv("SENTRY_BASE_URL", sentry_double.base_url)
    targets = concrete_targets(model, pagerduty=True)
    for team_id in targets.team_ids.values():
        sentry_double.add_team(f"team-{team_id}", team_id=team_id)
    for user_id in targets.sentry_user_ids.values():
        sentry_double.add_user(user_id)
    sentry_double.add_integration("slack", targets.slack_integration_id)
    for channel in model.slack_channels:
        sentry_double.add_slack_channel(targets.slack_channel_ids[channel.id], channel.name)
    sentry_double.add_integration("github", targets.github_integration_id)
    sentry_double.add_integration("pagerduty", targets.pagerduty[0])
    sentry_double.add_pagerduty_service(targets.pagerduty[2], targets.pagerduty[1])
    return sentry_double


def declare_all(model, double, env_id: str, pagerduty: bool) -> list[tuple[object, dict, dict]]:
    """Every monitor and alert of one environment created through the providers: (provider, props, created)."""
    targets = concrete_targets(model, pagerduty)
    env = model.environment(env_id)
    project = double.add_project(f"acf-{env_id}-{int(pagerduty)}", default_alert=False)
    error_detector = next(d["id"] for d in double.detectors.values()
                          if d["type"] == "error" and d["projectId"] == project["id"])
    scope = {"organization": double.organization, "project": project["slug"], "project_id": project["id"]}
    made = []
    for rule in model.sentry.rules:
        detector = error_detector
        if rule.monitor is not None:
            props = {**scope, "payload": as_pulumi_sends(monitor_payload(model, rule, env_id, targets))}
            provider = MonitorProvider(f"monitor-{rule.id}")
            created = provider.create(props)
            made.append((provider, props, created))
            detector = created.id
        routes = model.severity(rule.severity).routes_in(env)
        body = alert_payload(model, rule, env_id, routes, targets, int(detector))
        props = {"organization": double.organization, "payload": as_pulumi_sends(body)}
        made.append((AlertProvider(f"alert-{rule.id}"), props, AlertProvider(f"alert-{rule.id}").create(props)))
    github = github_alert_payload(model, env, targets, int(error_detector))
    if github is not None:
        props = {"organization": double.organization, "payload": as_pulumi_sends(github)}
        made.append((AlertProvider("alert-github_issues"), props, AlertProvider("alert-github_issues").create(props)))
    return made


@pytest.mark.parametrize("env_id", ["prod", "staging", "dev"])
@pytest.mark.parametrize("pagerduty", [False, True])
def test_sentry_accepts_every_monitor_and_alert(model, sentry_org, env_id, pagerduty):
    """Through the real providers against the contract double: Sentry's own rules, not only its schema."""
    made = declare_all(model, sentry_org, env_id, pagerduty)

    assert sentry_org.refused == []
    assert len(made) == len(model.sentry.rules) + sum(r.monitor is not None for r in model.sentry.rules) + (
        env_id == "prod")
    if pagerduty and env_id == "prod":
        pages = [a for w in sentry_org.workflows.values() for f in w["actionFilters"] for a in f["actions"]
                 if a["type"] == "pagerduty"]
        assert pages and {a["data"]["priority"] for a in pages} == {"critical"}


@pytest.mark.parametrize("env_id", ["prod", "dev"])
def test_refresh_then_preview_shows_no_change(model, sentry_org, env_id):
    """Sentry answers lists in its own order, ids added and Slack names rewritten: read pairs by meaning."""
    for provider, props, created in declare_all(model, sentry_org, env_id, pagerduty=False):
        live = provider.read(created.id, created.outs)
        assert live.outs["payload"] == restore_ints(props["payload"]), provider.resource_name
        diff = provider.diff(created.id, live.outs, props)
        assert (diff.changes, diff.changed_keys) == (False, []), provider.resource_name


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
