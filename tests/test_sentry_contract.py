"""The Sentry double refuses what Sentry's server refuses, beyond the OpenAPI schema.

Each rule of tests/sentry_double/contract has at least one case here: a body that Sentry's
published schema accepts, changed in one way that Sentry's own validator refuses; the double
must answer 400 with Sentry's message under the field's camelCase path. Without these, a
payload Sentry refuses could pass errorops' tests.
"""

from __future__ import annotations

import copy

import httpx
import pytest

from errorops.sentry_api import openapi
from tests.sentry_double import examples
from tests.sentry_double.contract import RULES

pytestmark = pytest.mark.takes(3)


DETECTORS = "/api/0/organizations/acme/projects/api/detectors/"
WORKFLOWS = "/api/0/organizations/acme/workflows/"
MONITOR_POST = "/api/0/organizations/{organization_id_or_slug}/projects/{project_id_or_slug}/detectors/"
ALERT_POST = "/api/0/organizations/{organization_id_or_slug}/workflows/"


def source(body):
    return body["dataSources"][0]


def conditions(body):
    return body["conditionGroup"]["conditions"]


def action(body):
    return body["actionFilters"][0]["actions"][0]


def filters(body):
    return body["actionFilters"][0]["conditions"]


def _monitor_from(example):
    def with_edit(edit):
        def build(_detector_id):
            body = example()
            edit(body)
            return body
        return build
    return with_edit


monitor, percent = _monitor_from(examples.static_monitor), _monitor_from(examples.percent_monitor)


def alert(factory, edit):
    def build(detector_id):
        body = factory([int(detector_id)])
        edit(body)
        return body
    return build


# rule id, how the body breaks, where Sentry says it (top-level key), part of Sentry's message
CASES = [
    ("detector.source_fields", monitor(lambda b: source(b).pop("environment")), "dataSources",
     "This field is required."),
    ("detector.source_fields", monitor(lambda b: source(b).pop("eventTypes")), "dataSources",
     "This field is required."),
    ("detector.environment_exists", monitor(lambda b: source(b).update(environment="qa")), "dataSources",
     "Environment is not part of this organization"),
    ("detector.dataset", monitor(lambda b: source(b).update(dataset="transactions", queryType=1,
                                                            eventTypes=["transaction"])),
     "dataSources", "Creation of transaction-based alerts is disabled"),
    ("detector.event_types", percent(lambda b: source(b).update(eventTypes=["trace_item_span", "transaction"])),
     "dataSources", "Multiple event types not allowed"),
    ("detector.event_types", monitor(lambda b: source(b).update(eventTypes=["transaction"])), "dataSources",
     "Invalid event types for this dataset"),
    ("detector.unsupported_query", monitor(lambda b: source(b).update(query="release:latest")), "dataSources",
     "Unsupported Query: We do not currently support the release:latest query"),
    ("detector.eap_window", percent(lambda b: source(b).update(timeWindow=60)), "dataSources",
     "Time window for this alert type must be at least 5 minutes"),
    ("detector.aggregate", percent(lambda b: source(b).update(aggregate="crash_free_rate()")), "dataSources",
     "Invalid Metric: We do not currently support this field."),
    ("detector.config_schema", percent(lambda b: b["config"].update(comparisonDelta=7200)), "config",
     "7200 is not one of"),
    ("detector.config_schema", monitor(lambda b: b.update(config={"detectionType": "threshold"})), "config",
     "'threshold' is not one of"),
    ("detector.condition_group", monitor(lambda b: conditions(b)[0].update(conditionResult=25)), "conditionGroup",
     "Unsupported condition result"),
    ("detector.condition_group", monitor(lambda b: conditions(b).pop()), "conditionGroup",
     "Resolution condition required for metric issue detector."),
    ("detector.condition_group", monitor(lambda b: conditions(b)[0].update(type="eq")), "conditionGroup",
     "Unsupported type eq"),
    ("detector.condition_group", monitor(lambda b: conditions(b).extend(copy.deepcopy(conditions(b)))),
     "nonFieldErrors", "Too many conditions"),
    ("detector.owner", monitor(lambda b: b.update(owner="team:999")), "owner",
     "Team is not a member of this organization"),
    ("detector.owner", monitor(lambda b: b.update(owner="backend")), "owner", "Could not parse actor"),
    ("workflow.required_fields", alert(examples.email_alert, lambda b: b.pop("config")), "config",
     "This field is required."),
    ("workflow.required_fields", alert(examples.email_alert, lambda b: b["actionFilters"][0].pop("actions")),
     "actionFilters", "Missing actions key in action filter"),
    ("workflow.config_schema", alert(examples.email_alert, lambda b: b.update(config={"frequency": -1})), "config",
     "less than the minimum of 0"),
    ("workflow.config_schema", alert(examples.email_alert, lambda b: b["config"].update(renotify=15)), "config",
     "Additional properties are not allowed"),
    ("workflow.logic_types", alert(examples.email_alert, lambda b: b["actionFilters"][0].update(logicType="some")),
     "actionFilters", '"some" is not a valid choice.'),
    ("workflow.trigger_conditions", alert(examples.slack_alert, lambda b: b["triggers"]["conditions"][0].update(
        type="every_minute")), "triggers", '"every_minute" is not a valid choice.'),
    ("workflow.filter_conditions", alert(examples.slack_alert, lambda b: filters(b)[0]["comparison"].pop("value")),
     "actionFilters", "'value' is a required property"),
    ("workflow.filter_conditions", alert(examples.slack_alert, lambda b: filters(b)[0]["comparison"].update(
        match="is")), "actionFilters", "takes no value"),
    ("workflow.filter_conditions", alert(examples.email_alert, lambda b: filters(b)[0]["comparison"].update(
        interval="1min")), "actionFilters", "'1min' is not one of"),
    ("workflow.filter_conditions", alert(examples.slack_alert, lambda b: filters(b).append(
        {"type": "event_attribute", "comparison": {"attribute": "error.type", "match": "eq", "value": "X"},
         "conditionResult": True})), "actionFilters", "'error.type' is not one of the event attributes"),
    ("workflow.filter_conditions", alert(examples.slack_alert, lambda b: filters(b).append(
        {"type": "issue_priority_greater_or_equal", "comparison": "high", "conditionResult": True})),
     "actionFilters", "'high' is not one of [25, 50, 75]"),
    ("workflow.slack_action", alert(examples.slack_alert, lambda b: action(b)["config"].update(
        targetDisplay="#general")), "actionFilters",
     "Received channel name notify-errors does not match inputted channel name general."),
    ("workflow.slack_action", alert(examples.slack_alert, lambda b: action(b)["config"].update(
        targetIdentifier="C0GONE")), "actionFilters", 'Slack: The resource "C0GONE" does not exist'),
    ("workflow.action_common", alert(examples.slack_alert, lambda b: action(b).update(integrationId=None)),
     "actionFilters", "Integration ID is required for action type slack"),
    ("workflow.action_common", alert(examples.slack_alert, lambda b: action(b).update(integrationId="77")),
     "actionFilters", "Select a valid choice. 77 is not one of the available choices."),
    ("workflow.email_action", alert(examples.email_alert, lambda b: action(b)["config"].update(
        targetType="user", targetIdentifier=1)), "actionFilters", "1 is not of type 'string'"),
    ("workflow.email_action", alert(examples.email_alert, lambda b: action(b)["config"].update(targetDisplay="")),
     "actionFilters", "'' is not of type 'null'"),
    ("workflow.slack_action", alert(examples.slack_alert, lambda b: action(b)["config"].update(
        targetIdentifier=None)), "actionFilters", "None is not of type 'string'"),
    ("workflow.ticketing_action", alert(examples.github_alert, lambda b: action(b)["config"].update(
        targetIdentifier="", targetDisplay="")), "actionFilters", "'' is not of type 'null'"),
    ("workflow.pagerduty_action", alert(examples.slack_alert, lambda b: b["actionFilters"][0]["actions"].append(
        {"type": "pagerduty", "integrationId": "3456", "data": {"priority": "urgent"}, "status": "active",
         "config": {"targetType": "specific", "targetIdentifier": "987", "targetDisplay": "ACF"}})),
     "actionFilters", "'urgent' is not one of"),
    ("workflow.pagerduty_action", alert(examples.slack_alert, lambda b: b["actionFilters"][0]["actions"].append(
        {"type": "pagerduty", "integrationId": "3456", "data": {"priority": "critical"}, "status": "active",
         "config": {"targetType": "specific", "targetIdentifier": "PXYZ123", "targetDisplay": "ACF"}})),
     "actionFilters", 'The service "PXYZ123" has not been granted access'),
    ("workflow.detectors_exist", alert(examples.email_alert, lambda b: b.update(detectorIds=[424242])),
     "detectorIds", "Some detectors do not exist: {424242}"),
    ("workflow.owner", alert(examples.email_alert, lambda b: b.update(owner="team:31337")), "owner",
     "Team is not a member of this organization"),
]


@pytest.fixture
def org(sentry_double):
    sentry_double.add_project("api", default_alert=False)
    sentry_double.add_integration("pagerduty", "3456")
    sentry_double.add_pagerduty_service("ACF", "987")
    return sentry_double


def _post(double, path: str, body: dict) -> httpx.Response:
    return httpx.post(double.base_url + path, json=body, headers={"Authorization": f"Bearer {double.token}"})


def _error_detector(double) -> str:
    return next(d["id"] for d in double.detectors.values() if d["type"] == "error")


@pytest.mark.parametrize(("rule_id", "build", "key", "message"), CASES,
                         ids=[f"{c[0]}-{n}" for n, c in enumerate(CASES)])
def test_the_double_refuses_what_sentry_refuses(org, rule_id, build, key, message):
    body = build(_error_detector(org))
    path, template = (DETECTORS, MONITOR_POST) if rule_id.startswith("detector.") else (WORKFLOWS, ALERT_POST)
    # The published schema lets it through: only Sentry's own validator refuses it.
    assert openapi.validate_request("POST", template, body) == []

    answer = _post(org, path, body)

    assert answer.status_code == 400, answer.text
    assert rule_id in {r for r, _ in org.refused}
    assert key in answer.json() and message in str(answer.json()[key]), answer.json()


@pytest.mark.parametrize("build", [monitor(lambda b: None), percent(lambda b: None)], ids=["static", "percent"])
def test_the_examples_themselves_pass(org, build):
    assert _post(org, DETECTORS, build("0")).status_code == 201


@pytest.mark.parametrize("factory", [examples.slack_alert, examples.email_alert, examples.github_alert])
def test_the_alert_examples_themselves_pass(org, factory):
    assert _post(org, WORKFLOWS, factory([int(_error_detector(org))])).status_code == 201


OWNERSHIP = "/api/0/projects/acme/api/ownership/"
OWNERSHIP_PUT = "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/ownership/"
GOOD_OWNERSHIP = {"raw": "tags.level:* #backend\ntags.error_type:CacheError #devops\n", "fallthrough": False,
                  "autoAssignment": "Auto Assign to Issue Owner"}
# rule id, the body, where Sentry says it, part of Sentry's message
OWNERSHIP_CASES = [
    ("ownership.auto_assignment", {**GOOD_OWNERSHIP, "autoAssignment": "Auto Assign"}, "autoAssignment",
     "Invalid selection."),
    ("ownership.raw_length", {"raw": "tags.level:* #backend\n" * 5000}, "raw", "Raw needs to be <= 100000"),
    ("ownership.raw_grammar", {"raw": "tags.error_type:CacheError\n"}, "raw", "Parse error: ownership (line 1"),
    ("ownership.owners", {"raw": "tags.error_type:CacheError #platform someone@example.com\n"}, "raw",
     "Invalid rule owners: #platform, someone@example.com"),
]


@pytest.mark.parametrize(("rule_id", "body", "key", "message"), OWNERSHIP_CASES, ids=[c[0] for c in OWNERSHIP_CASES])
def test_the_double_refuses_ownership_sentry_refuses(org, rule_id, body, key, message):
    org.set_project_teams("api", ["backend", "devops"])
    assert openapi.validate_request("PUT", OWNERSHIP_PUT, body) == []

    answer = httpx.put(org.base_url + OWNERSHIP, json=body, headers={"Authorization": f"Bearer {org.token}"})

    assert answer.status_code == 400, answer.text
    assert rule_id in {r for r, _ in org.refused}
    assert key in answer.json() and message in str(answer.json()[key]), answer.json()


def test_the_ownership_example_itself_passes(org):
    org.set_project_teams("api", ["backend", "devops"])
    answer = httpx.put(org.base_url + OWNERSHIP, json=GOOD_OWNERSHIP, headers={"Authorization": f"Bearer {org.token}"})
    assert answer.status_code == 200 and answer.json()["raw"] == GOOD_OWNERSHIP["raw"]


def test_every_rule_has_a_refusal_case():
    assert {r.id for r in RULES} == {c[0] for c in CASES} | {c[0] for c in OWNERSHIP_CASES}
    # Each rule names the Sentry source it plays.
    assert all(r.source.startswith(("workflow_engine/", "snuba/", "api/", "incidents/", "notifications/",
                                    "action_handler_registry/")) for r in RULES), [r.source for r in RULES]


def test_a_team_owner_needs_team_admin_or_membership(org):
    team = org.add_team("devops", member=False)
    body = {**examples.static_monitor(), "owner": f"team:{team}"}
    org.state.scopes.discard("team:admin")
    refused = _post(org, DETECTORS, body)
    assert refused.status_code == 400
    assert refused.json()["owner"] == ["You can only assign teams you are a member of"]
    org.state.open_membership = True  # allow_joinleave: any member may assign any team
    assert _post(org, DETECTORS, body).status_code == 201
    org.state.open_membership = False
    org.state.scopes.add("team:admin")
    assert _post(org, DETECTORS, {**body, "name": "another"}).status_code == 201
