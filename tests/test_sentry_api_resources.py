"""The Monitor, Alert and DefaultAlertRemoval providers against the loopback Sentry double."""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import dill
import pulumi
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.rpc import UNKNOWN

from errorops.sentry_api.client import SentryApiError
from errorops.sentry_api.payloads import restore_ints
from errorops.sentry_api.resources import (
    Alert,
    AlertProvider,
    DefaultAlertRemoval,
    DefaultAlertRemovalProvider,
    MissingSentryToken,
    Monitor,
    MonitorProvider,
    ProjectErrorDetector,
    ProjectErrorDetectorProvider,
)
from tests.sentry_double import examples
from tests.sentry_support import as_pulumi_sends

pytestmark = pytest.mark.takes(3)


@pytest.fixture
def sentry(sentry_double, monkeypatch):
    """The double with project "api", and the environment the providers read."""
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", sentry_double.token)
    monkeypatch.setenv("SENTRY_BASE_URL", sentry_double.base_url)
    sentry_double.add_project("api")
    return sentry_double


def monitor_props(payload: dict) -> dict:
    return {"organization": "acme", "project": "api", "payload": payload}


def scope(sentry, slug: str = "api") -> dict:
    """A project as the declared resources name it: slug, and numeric id for list filters."""
    return {"organization": "acme", "project": slug, "project_id": sentry.projects[slug]["id"]}


def alert_props(payload: dict) -> dict:
    return {"organization": "acme", "payload": payload}


@pytest.mark.parametrize("payload", [examples.static_monitor(), examples.percent_monitor()], ids=["static", "percent"])
def test_monitor_create_read_update_delete(sentry, payload):
    provider = MonitorProvider("api-errors")
    props = monitor_props(payload)
    assert provider.check({}, props).failures == []

    created = provider.create(props)
    assert sentry.requests_to("POST")[-1].path == "/api/0/organizations/acme/projects/api/detectors/"
    assert sentry.requests_to("POST")[-1].body == payload  # the payload is exactly what Sentry receives
    stored = sentry.detectors[created.id]
    assert stored["config"]["detectionType"] == payload["config"]["detectionType"]
    assert stored["dataSources"][0]["queryObj"]["snubaQuery"]["timeWindow"] == 3600
    assert created.outs == {"sentry_id": created.id, **props}

    read = provider.read(created.id, created.outs)
    assert (read.id, read.outs["payload"]) == (created.id, payload)
    assert set(read.inputs) == {"organization", "project", "payload"}

    changed = copy.deepcopy(payload)
    changed["conditionGroup"]["conditions"][0]["comparison"] = 25
    diff = provider.diff(created.id, created.outs, monitor_props(changed))
    assert (diff.changes, diff.replaces, diff.changed_keys) == (True, [], ["conditionGroup"])
    updated = provider.update(created.id, created.outs, monitor_props(changed))
    assert sentry.requests_to("PUT")[-1].path == f"/api/0/organizations/acme/detectors/{created.id}/"
    assert sentry.requests_to("PUT")[-1].body == changed
    assert sentry.detectors[created.id]["conditionGroup"]["conditions"][0]["comparison"] == 25
    assert provider.read(created.id, updated.outs).outs["payload"] == changed

    provider.delete(created.id, updated.outs)
    assert created.id not in sentry.detectors
    provider.delete(created.id, updated.outs)  # already gone is fine
    gone = provider.read(created.id, updated.outs)
    assert gone.id == ""


@pytest.mark.parametrize("make", [examples.slack_alert, examples.email_alert, examples.github_alert],
                         ids=["slack", "email", "github"])
def test_alert_create_read_update_delete(sentry, make):
    monitor = MonitorProvider("api-errors").create(monitor_props(examples.static_monitor()))
    payload = make([int(monitor.id)])
    provider = AlertProvider("notify")
    assert provider.check({}, alert_props(payload)).failures == []

    created = provider.create(alert_props(payload))
    assert sentry.requests_to("POST")[-1].path == "/api/0/organizations/acme/workflows/"
    assert sentry.requests_to("POST")[-1].body == payload
    assert sentry.workflows[created.id]["detectorIds"] == [monitor.id]
    read = provider.read(created.id, created.outs)
    assert read.outs == {"sentry_id": created.id, **alert_props(payload)}

    renamed = {**payload, "name": "Renamed", "config": {"frequency": 5}}
    diff = provider.diff(created.id, created.outs, alert_props(renamed))
    assert (diff.changes, diff.replaces, diff.changed_keys) == (True, [], ["config", "name"])
    provider.update(created.id, created.outs, alert_props(renamed))
    assert sentry.workflows[created.id]["name"] == "Renamed"
    assert provider.read(created.id, created.outs).outs["payload"] == renamed

    provider.delete(created.id, created.outs)
    assert created.id not in sentry.workflows
    assert provider.read(created.id, created.outs).id == ""


def test_an_update_keeps_the_ids_of_the_actions_that_stay(sentry):
    """Sentry deletes and recreates actions sent without their ids, which resets their throttle."""
    monitor = MonitorProvider("api-errors").create(monitor_props(examples.static_monitor()))
    payload = examples.slack_alert([int(monitor.id)])
    provider = AlertProvider("notify")
    created = provider.create(alert_props(payload))
    before = sentry.workflows[created.id]["actionFilters"][0]
    slack_id = before["actions"][0]["id"]
    email = {"type": "email", "data": {}, "status": "active", "config": {"targetType": "user", "targetIdentifier": "1"}}
    changed = copy.deepcopy(payload)
    changed["actionFilters"][0]["actions"].append(email)
    changed["config"] = {"frequency": 60}

    provider.update(created.id, created.outs, alert_props(changed))

    after = sentry.workflows[created.id]["actionFilters"][0]
    assert after["id"] == before["id"]
    assert [a["type"] for a in after["actions"]] == ["slack", "email"]
    assert after["actions"][0]["id"] == slack_id  # updated in place, not recreated
    sent = sentry.requests_to("PUT")[-1].body
    assert sent["actionFilters"][0]["id"] == int(before["id"])
    assert "id" not in sent["actionFilters"][0]["actions"][1]  # the new e-mail action is created


@pytest.mark.parametrize("status", [500, 503, 504])
def test_a_create_that_failed_after_sentry_made_it_is_adopted_not_repeated(sentry, status):
    sentry.fail_next(1, status=status, after_processing=True)
    provider = AlertProvider("notify")
    monitor = MonitorProvider("api-errors").create({**monitor_props(examples.static_monitor()),
                                                    "project_id": sentry.projects["api"]["id"]})

    created = provider.create(alert_props(examples.email_alert([int(monitor.id)])))

    assert [w["id"] for w in sentry.workflows.values() if w["name"] == "Busy issues to their owners"] == [created.id]
    assert len(sentry.requests_to("POST", "/api/0/organizations/acme/workflows/")) == 1


def test_a_create_that_failed_before_sentry_made_it_is_tried_again(sentry):
    sentry.fail_next(1, status=503)
    props = {**monitor_props(examples.static_monitor()), "project_id": sentry.projects["api"]["id"]}

    created = MonitorProvider("api-errors").create(props)

    assert [d["id"] for d in sentry.detectors.values() if d["name"] == "High number of errors"] == [created.id]
    assert len(sentry.requests_to("POST")) == 2
    listing = sentry.requests_to("GET", "/api/0/organizations/acme/detectors/")[-1]
    assert listing.query["project"] == [sentry.projects["api"]["id"]]  # looked up first, by numeric id


def test_a_refused_team_owner_says_which_scope_the_token_needs(sentry):
    team = sentry.add_team("devops", member=False)
    sentry.state.scopes.discard("team:admin")
    payload = {**examples.static_monitor(), "owner": f"team:{team}"}

    with pytest.raises(SentryApiError) as caught:
        MonitorProvider("api-errors").create(monitor_props(payload))

    assert "You can only assign teams you are a member of" in str(caught.value)
    assert "team:admin" in str(caught.value)


def test_a_github_repository_changed_in_sentry_shows_on_read(sentry):
    """Sentry answers a ticketing action's data in camelCase; read compares it in the request's shape."""
    monitor = MonitorProvider("api-errors").create(monitor_props(examples.static_monitor()))
    provider = AlertProvider("tickets")
    created = provider.create(alert_props(examples.github_alert([int(monitor.id)])))
    assert provider.diff(created.id, provider.read(created.id, created.outs).outs, created.outs).changes is False

    stored = sentry.workflows[created.id]["actionFilters"][0]["actions"][0]
    stored["data"]["additional_fields"]["repo"] = "other-repo"

    live = provider.read(created.id, created.outs).outs["payload"]
    assert live["actionFilters"][0]["actions"][0]["data"]["additional_fields"]["repo"] == "other-repo"
    assert provider.diff(created.id, {**created.outs, "payload": live}, created.outs).changed_keys == ["actionFilters"]


def test_monitor_drift_made_in_sentry_shows_on_read(sentry):
    provider = MonitorProvider("api-errors")
    declared = examples.static_monitor()
    created = provider.create(monitor_props(declared))
    stored = sentry.detectors[created.id]
    stored["conditionGroup"]["conditions"][0]["comparison"] = 500  # edited in the Sentry UI
    stored["owner"] = {"type": "user", "id": "99", "name": "someone"}

    live = provider.read(created.id, created.outs)

    assert live.outs["payload"]["conditionGroup"]["conditions"][0]["comparison"] == 500
    assert live.outs["payload"]["owner"] == "user:99"
    assert live.inputs["payload"] == live.outs["payload"]
    diff = provider.diff(created.id, live.outs, monitor_props(declared))
    assert (diff.changes, diff.changed_keys) == (True, ["conditionGroup", "owner"])


def test_alert_drift_made_in_sentry_shows_on_read(sentry):
    provider = AlertProvider("notify")
    declared = examples.slack_alert()
    created = provider.create(alert_props(declared))
    sentry.workflows[created.id]["actionFilters"][0]["actions"].append(
        {"id": "1", "type": "email", "integrationId": None, "data": {}, "status": "active",
         "config": {"targetType": "user", "targetDisplay": None, "targetIdentifier": "56789"}}
    )
    sentry.workflows[created.id]["enabled"] = False

    live = provider.read(created.id, created.outs)

    assert len(live.outs["payload"]["actionFilters"][0]["actions"]) == 2
    diff = provider.diff(created.id, live.outs, alert_props(declared))
    assert diff.changed_keys == ["actionFilters", "enabled"]


def test_numbers_that_pulumi_turned_into_floats_are_sent_as_integers(sentry):
    payload = examples.static_monitor()
    provider = MonitorProvider("api-errors")
    pulumi_props = monitor_props(as_pulumi_sends(payload))
    assert pulumi_props["payload"]["dataSources"][0]["timeWindow"] == 3600.0

    assert provider.check({}, pulumi_props).failures == []
    created = provider.create(pulumi_props)

    sent = sentry.requests_to("POST")[-1].body
    assert isinstance(sent["dataSources"][0]["timeWindow"], int)
    assert sent == payload
    no_drift = provider.diff(created.id, provider.read(created.id, created.outs).outs, pulumi_props)
    assert no_drift.changes is False


def test_diff_replaces_on_scope_change_and_updates_on_payload_change():
    provider = MonitorProvider("api-errors")
    old = monitor_props(examples.static_monitor())

    assert provider.diff("1", old, copy.deepcopy(old)).changes is False
    assert provider.diff("1", old, {**old, "project": "web"}).replaces == ["project"]
    assert provider.diff("1", old, {**old, "organization": "other"}).replaces == ["organization"]
    described = {**old, "payload": {**old["payload"], "description": "new"}}
    assert provider.diff("1", old, described).replaces == []
    assert provider.diff("1", old, described).changed_keys == ["description"]
    alert = alert_props(examples.email_alert())
    assert AlertProvider("a").diff("1", alert, {**alert, "organization": "other"}).replaces == ["organization"]
    pending = AlertProvider("a").diff("1", alert, alert_props(UNKNOWN))  # payload computed at apply time
    assert (pending.changes, pending.changed_keys) == (True, ["payload"])


def test_check_reports_schema_violations_without_network(sentry_double, monkeypatch):
    monkeypatch.delenv("SENTRY_AUTH_TOKEN", raising=False)
    bad_monitor = examples.static_monitor()
    del bad_monitor["type"]
    bad_monitor["conditionGroup"]["logicType"] = "sometimes"
    bad_monitor["name"] = "x" * 201
    bad_alert = {**examples.slack_alert(), "detectorIds": ["1001"], "enabled": "yes"}

    monitor_failures = MonitorProvider("m").check({}, monitor_props(bad_monitor)).failures
    alert_failures = AlertProvider("a").check({}, alert_props(bad_alert)).failures

    assert {f.property for f in monitor_failures + alert_failures} == {"payload"}
    monitor_reasons = [f.reason for f in monitor_failures]
    assert any(r.startswith("$: 'type' is a required property") for r in monitor_reasons)
    assert any(r.startswith("$.conditionGroup.logicType: 'sometimes' is not one of") for r in monitor_reasons)
    assert any(r.startswith("$.name: ") and "is too long" in r for r in monitor_reasons)
    alert_reasons = [f.reason for f in alert_failures]
    assert any(r.startswith("$.detectorIds[0]: '1001' is not of type 'integer'") for r in alert_reasons)
    assert any(r.startswith("$.enabled: 'yes' is not of type 'boolean'") for r in alert_reasons)
    assert sentry_double.requests == []


def test_check_accepts_values_unknown_at_preview_and_rejects_empty_scope():
    provider = AlertProvider("a")
    pending_ids = {**examples.slack_alert(), "detectorIds": [UNKNOWN]}

    assert provider.check({}, alert_props(pending_ids)).failures == []
    assert provider.check({}, alert_props(UNKNOWN)).failures == []
    failures = MonitorProvider("m").check({}, {"organization": "", "project": UNKNOWN, "payload": [1]}).failures
    assert [f.property for f in failures] == ["organization", "payload"]


def test_a_refused_request_names_the_resource_and_sentrys_answer(sentry):
    payload = examples.email_alert([424242])  # a monitor that does not exist

    with pytest.raises(SentryApiError) as caught:
        AlertProvider("busy-issues").create(alert_props(payload))

    message = str(caught.value)
    assert message.startswith(
        "sentry:Alert 'busy-issues': Sentry answered 400 to POST /api/0/organizations/acme/workflows/"
    )
    assert "Some detectors do not exist: {424242}" in message
    assert sentry.token not in message


def test_missing_token_names_the_resource_and_both_ways_to_set_it(monkeypatch):
    monkeypatch.delenv("SENTRY_AUTH_TOKEN", raising=False)

    with pytest.raises(MissingSentryToken) as caught:
        MonitorProvider("api-errors").create(monitor_props(examples.static_monitor()))

    message = str(caught.value)
    assert "sentry:Monitor 'api-errors'" in message
    assert "SENTRY_AUTH_TOKEN" in message
    assert "pulumi config set --secret sentry:token" in message


def test_stack_config_from_configure_wins_over_the_environment(sentry, monkeypatch):
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "sntryu_stale_env_token")
    monkeypatch.setenv("SENTRY_BASE_URL", "http://127.0.0.1:9")
    provider = MonitorProvider("api-errors")
    # The bridged Sentry provider documents baseUrl as https://host/api/; accept that form too.
    stack = {"sentry:token": sentry.token, "sentry:baseUrl": f"{sentry.base_url}/api/"}
    provider.configure(ConfigureRequest(Config(stack, "errorops")))

    created = provider.create(monitor_props(examples.static_monitor()))

    assert created.id in sentry.detectors


def test_default_alert_removal_deletes_only_sentrys_default_of_that_project(sentry):
    sentry.add_project("web")
    api_default = next(w for w in sentry.workflows.values() if w["name"].startswith("Send a notification"))
    monitor = MonitorProvider("api-errors").create(monitor_props(examples.static_monitor()))
    # A user-made alert with the default's name and triggers stays: a user created it.
    lookalike = {**examples.email_alert([int(monitor.id)]), "name": api_default["name"],
                 "triggers": {"logicType": "any-short", "conditions": [
                     {"type": t, "comparison": True, "conditionResult": True}
                     for t in ("new_high_priority_issue", "existing_high_priority_issue")]}}
    kept = [AlertProvider("a").create(alert_props(p)).id for p in (examples.slack_alert([int(monitor.id)]), lookalike)]
    provider = DefaultAlertRemovalProvider("api-defaults")
    assert provider.check({}, scope(sentry)).failures == []

    result = provider.create(scope(sentry))

    assert result.outs == {**scope(sentry), "removed_ids": [api_default["id"]], "disconnected_ids": []}
    assert result.id == "acme/api"
    assert api_default["id"] not in sentry.workflows
    assert all(i in sentry.workflows for i in kept)
    assert sum(w["name"] == api_default["name"] and w["createdBy"] is None for w in sentry.workflows.values()) == 1
    assert provider.create(scope(sentry)).outs["removed_ids"] == []
    listing = sentry.requests_to("GET", "/api/0/organizations/acme/workflows/")[-1]
    assert listing.query["project"] == [sentry.projects["api"]["id"]]  # a number: older Sentry refuses slugs

    requests_before = len(sentry.requests)
    provider.delete(result.id, result.outs)
    assert len(sentry.requests) == requests_before  # removing the resource leaves Sentry alone
    diff = provider.diff(result.id, result.outs, {"organization": "acme", "project": "web"})
    assert (diff.changes, diff.replaces) == (True, ["project"])


def test_project_error_detector_finds_the_projects_error_monitor(sentry):
    sentry.add_project("web")
    api_error = next(d for d in sentry.detectors.values()
                     if d["type"] == "error" and d["projectId"] == sentry.projects["api"]["id"])
    MonitorProvider("api-errors").create(monitor_props(examples.static_monitor()))  # a metric monitor beside it
    provider = ProjectErrorDetectorProvider("api-error-monitor")

    result = provider.create(scope(sentry))

    assert (result.id, result.outs["sentry_id"]) == (api_error["id"], api_error["id"])
    listing = sentry.requests_to("GET", "/api/0/organizations/acme/detectors/")[-1]
    assert (listing.query["project"], listing.query["query"]) == ([sentry.projects["api"]["id"]], ["type:error"])
    assert provider.read(result.id, result.outs).id == api_error["id"]
    requests_before = len(sentry.requests)
    provider.delete(result.id, result.outs)
    assert len(sentry.requests) == requests_before  # Sentry's own monitor is never deleted
    with pytest.raises(SentryApiError, match="no error monitor for project 'mobile'"):
        provider.create({"organization": "acme", "project": "mobile", "project_id": "99999"})


def test_default_alert_shared_with_another_project_is_only_disconnected(sentry):
    web = sentry.add_project("web")
    api_default = next(w for w in sentry.workflows.values() if w["name"].startswith("Send a notification"))
    web_error = next(d["id"] for d in sentry.detectors.values() if d["type"] == "error" and d["projectId"] == web["id"])
    api_default["detectorIds"].append(web_error)  # a user made api's default serve web too
    action_ids = [a["id"] for f in api_default["actionFilters"] for a in f["actions"]]

    result = DefaultAlertRemovalProvider("api-defaults").create(scope(sentry))

    assert (result.outs["removed_ids"], result.outs["disconnected_ids"]) == ([], [api_default["id"]])
    kept = sentry.workflows[api_default["id"]]
    assert kept["detectorIds"] == [web_error]
    assert [a["id"] for f in kept["actionFilters"] for a in f["actions"]] == action_ids  # updated in place
    assert kept["name"] == "Send a notification for high priority issues"


def test_providers_pickle_small_by_reference_and_without_the_token(monkeypatch):
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "sntryu_must_not_be_pickled")
    for provider in (MonitorProvider("m"), AlertProvider("a"), DefaultAlertRemovalProvider("d")):
        pickled = base64.b64decode(serialize_provider(provider))

        assert b"sntryu_must_not_be_pickled" not in pickled
        assert len(pickled) < 500  # the class goes by reference, not by value
        restored = dill.loads(pickled)
        assert type(restored) is type(provider)
        assert restored.resource_name == provider.resource_name


_IMPORT_PROBE = textwrap.dedent("""
    import os, sys

    class Env(dict):  # fails on any read of a SENTRY_* variable
        def _guard(self, key):
            assert not str(key).startswith("SENTRY_"), f"{key} read at import"
        def __getitem__(self, key):
            self._guard(key)
            return super().__getitem__(key)
        def __contains__(self, key):
            self._guard(key)
            return super().__contains__(key)
        def get(self, key, default=None):
            self._guard(key)
            return super().get(key, default)

    os.environ = Env(os.environ)

    def guard(event, args):
        if event in ("socket.connect", "socket.bind", "socket.getaddrinfo"):
            raise AssertionError(f"{event} at import")

    sys.addaudithook(guard)
    import errorops.sentry_api.resources
    from errorops.sentry_api import openapi
    assert openapi.spec.cache_info().currsize == 0, "spec read at import"
""")


_PROVIDER_PROCESS = textwrap.dedent("""
    import base64, json, sys
    import dill
    from pulumi.dynamic import Config, ConfigureRequest

    # What pulumi/dynamic/__main__.py get_provider() does with props["__provider"].
    args = json.load(sys.stdin)
    provider = dill.loads(base64.b64decode(args["provider"]))
    provider.configure(ConfigureRequest(Config(args["config"], "errorops")))
    print(provider.create(args["props"]).id)
""")


def test_a_fresh_provider_process_unpickles_configures_and_creates(sentry, tmp_path):
    props = monitor_props(examples.static_monitor())
    stack = {"sentry:token": sentry.token, "sentry:baseUrl": sentry.base_url}
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])

    handed_over = {"provider": serialize_provider(MonitorProvider("api-errors")), "config": stack, "props": props}

    done = subprocess.run(
        [sys.executable, "-c", _PROVIDER_PROCESS], input=json.dumps(handed_over),
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in sentry.detectors


def test_importing_resources_reads_no_sentry_settings_and_opens_no_socket():
    done = subprocess.run([sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args):
        self.registered.append(args)
        outputs = dict(args.inputs)
        if args.typ.endswith(("Monitor", "Alert")):
            outputs["sentry_id"] = str(1000 + len(self.registered))
        return f"{args.name}-id", outputs

    def call(self, args):
        return {}


def test_resources_register_with_type_tokens_and_exact_inputs():
    mocks = _Mocks()
    pulumi.runtime.set_mocks(mocks, preview=False)
    monitor = Monitor("api-errors", "acme", "api", examples.static_monitor())
    alert = Alert("notify", "acme", monitor.sentry_id.apply(lambda i: examples.slack_alert([int(i)])))
    removal = DefaultAlertRemoval("api-defaults", "acme", "api")
    error_monitor = ProjectErrorDetector("api-error-monitor", "acme", "api")

    @pulumi.runtime.test
    def check():
        def verify(values):
            sentry_id, alert_payload, _ = values
            registered = {a.typ: a for a in mocks.registered}
            assert set(registered) == {
                "pulumi-python:dynamic/sentry:Monitor",
                "pulumi-python:dynamic/sentry:Alert",
                "pulumi-python:dynamic/sentry:DefaultAlertRemoval",
                "pulumi-python:dynamic/sentry:ProjectErrorDetector",
            }
            inputs = {typ: set(a.inputs) - {"__provider"} for typ, a in registered.items()}
            assert inputs["pulumi-python:dynamic/sentry:Monitor"] == {"organization", "project", "payload"}
            assert inputs["pulumi-python:dynamic/sentry:Alert"] == {"organization", "payload"}
            assert inputs["pulumi-python:dynamic/sentry:DefaultAlertRemoval"] == {"organization", "project"}
            assert inputs["pulumi-python:dynamic/sentry:ProjectErrorDetector"] == {"organization", "project"}
            monitor_inputs = registered["pulumi-python:dynamic/sentry:Monitor"].inputs
            assert restore_ints(monitor_inputs["payload"]) == examples.static_monitor()
            assert restore_ints(alert_payload)["detectorIds"] == [int(sentry_id)]

        return pulumi.Output.all(monitor.sentry_id, alert.payload, removal.id, error_monitor.id).apply(
            lambda values: verify(values[:3]))

    check()


def test_a_program_can_declare_more_dynamic_resources_than_the_recursion_limit():
    """pulumi 3.272 nests a pickler wrapper per dynamic resource; ours start from a clean pickler."""
    mocks = _Mocks()
    pulumi.runtime.set_mocks(mocks, preview=False)
    # A lower limit than Python's 1,000 shows the same nesting with fewer resources to declare.
    limit = 400
    count = limit + 200
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        resources = [ProjectErrorDetector(f"d{i}", "acme", "api") for i in range(count)]

        @pulumi.runtime.test
        def check():
            return resources[-1].id.apply(lambda _: None)

        check()
    finally:
        sys.setrecursionlimit(before)
    assert len(mocks.registered) == count
