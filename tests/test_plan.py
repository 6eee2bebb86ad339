"""The Pulumi program under Pulumi's mock runtime (errorops/plan/runner.py).

plan_stack is Pulumi's documented unit-test style: it calls pulumi.runtime.set_mocks
with a recording monitor, then runs the real program (errorops.program.run). Several
stacks are planned in one process here, which also checks that plan_stack resets the
runtime between runs.
"""

from __future__ import annotations

import json
from collections import Counter

import pulumi
import pytest
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import set_mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from errorops import program
from errorops.model.types import StackFile
from errorops.pipeline import REPO_ROOT, load_model
from errorops.plan import render_json, render_table
from errorops.plan.mock_runtime import RecordingMocks, RecordingMonitor
from errorops.plan.runner import plan_stack, stacks_in_order
from errorops.problems import ProblemsFound

from conftest import ENVS, ORG, Repo
from plans import plans_of

pytestmark = pytest.mark.takes(3)


TEAM = "sentry:index/sentryTeam:SentryTeam"
PROJECT = "sentry:index/sentryProject:SentryProject"
KEY = "sentry:index/sentryKey:SentryKey"
# The resources of the foundation (errorops/declare/sentry_org.py); other modules add more.
FOUNDATION = (TEAM, PROJECT, KEY)
ORG_SLUG = "ai-content-factory"
TEAMS = ["backend", "devops", "product"]
STACKS = ("prod", "staging", "dev")


def plan_all(root=REPO_ROOT) -> dict:
    return plans_of(load_model(root))


@pytest.fixture(scope="module")
def plans() -> dict:
    try:
        return plan_all()
    except ProblemsFound as exc:  # the real repository must validate for these tests to mean anything
        pytest.fail("the repository does not validate:\n" + "\n".join(map(str, exc.problems)))


def foundation(plan) -> dict:
    return {(r.type, r.name): r for r in plan.resources if r.type in FOUNDATION}


def test_stacks_are_planned_in_environment_order(plans):
    assert list(plans) == list(STACKS)
    assert [p.environment for p in plans.values()] == list(STACKS)


def test_prod_declares_the_teams_and_a_protected_project(plans):
    resources = foundation(plans["prod"])
    assert sorted(resources) == sorted([
        (KEY, "key-prod"), (PROJECT, "project-prod"),
        (TEAM, "team-backend"), (TEAM, "team-devops"), (TEAM, "team-product"),
    ])
    for team, name in zip(TEAMS, ["Backend", "DevOps", "Product"]):
        r = resources[(TEAM, f"team-{team}")]
        assert r.inputs == {"organization": ORG_SLUG, "slug": team, "name": name}
        assert r.options["protect"] is False and r.options["depends_on"] == [] and r.options["parent"] is None
    project = resources[(PROJECT, "project-prod")]
    assert project.inputs == {
        "organization": ORG_SLUG, "slug": "ai-content-factory-prod", "name": "AI Content Factory (prod)",
        "platform": "python", "teams": TEAMS,
    }
    assert project.options["protect"] is True
    # The project's teams are the team resources' outputs, so the project depends on them.
    assert project.options["depends_on"] == ["team-backend", "team-devops", "team-product"]


@pytest.mark.parametrize("stack", ["staging", "dev"])
def test_staging_and_dev_name_the_teams_without_declaring_them(plans, stack):
    plan = plans[stack]
    assert not [r for r in plan.resources if r.type == TEAM]
    resources = foundation(plan)
    assert sorted(resources) == sorted([(KEY, f"key-{stack}"), (PROJECT, f"project-{stack}")])
    project = resources[(PROJECT, f"project-{stack}")]
    assert project.inputs == {
        "organization": ORG_SLUG, "slug": f"ai-content-factory-{stack}",
        "name": f"AI Content Factory ({stack})", "platform": "python", "teams": TEAMS,
    }
    assert project.options["protect"] is True
    assert project.options["depends_on"] == []


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_has_a_key_and_exports_the_dsn_as_a_secret(plans, stack):
    plan = plans[stack]
    key = foundation(plan)[(KEY, f"key-{stack}")]
    assert key.inputs == {
        "organization": ORG_SLUG, "project": f"ai-content-factory-{stack}",
        "name": f"ai-content-factory-{stack} (managed by errorops)",
    }
    assert key.options["depends_on"] == [f"project-{stack}"]
    assert key.options["protect"] is False
    outputs = plan.outputs
    assert outputs["sentry_dsn"] == "[secret]"
    assert outputs["retention_days"] == 90
    assert outputs["environment"] == stack
    assert outputs["sentry_project"] == f"ai-content-factory-{stack}"
    assert outputs["teams"] == (TEAMS if stack == "prod" else [])


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_looks_up_the_slack_integration(plans, stack):
    slack = [lookup for lookup in plans[stack].lookups if lookup["args"].get("providerKey") == "slack"]
    assert slack == [{
        "token": "sentry:index/getSentryOrganizationIntegration:getSentryOrganizationIntegration",
        "args": {"organization": ORG_SLUG, "providerKey": "slack", "name": "AI Content Factory"},
        "result": {
            "organization": ORG_SLUG, "providerKey": "slack", "name": "AI Content Factory",
            "id": "<lookup at deploy: getSentryOrganizationIntegration>",
            "internalId": "<lookup at deploy: getSentryOrganizationIntegration>",
        },
    }]
    assert plans[stack].outputs["slack_integration_id"] == "<lookup at deploy: getSentryOrganizationIntegration>"


# Inputs that name an object inside its scope, most specific first.
NAMING = ("slug", "bucketId", "serviceId", "sloId", "metricId", "name", "displayName")


def _identity(type_: str, inputs: dict, logical: str) -> tuple:
    """What names a resource in the cloud: type, organisation, project (and service), slug or name.

    A resource with no naming input (e.g. a dashboard) is named by its logical name.
    """
    named = next((inputs[k] for k in NAMING if inputs.get(k)), None)
    named = named or (inputs.get("payload") or {}).get("name") or f"<{logical}>"
    # A bucket's IAM member has no project of its own: the (globally unique) bucket scopes it.
    return (type_, inputs.get("organization"), inputs.get("project") or inputs.get("bucket"), inputs.get("service"),
            named)


def _is_cloud_resource(type_: str) -> bool:
    """Sentry and Google resources: provider packages, and dynamic providers named after them."""
    package, _, rest = type_.partition(":")
    return package in ("sentry", "gcp") or (package == "pulumi-python" and rest.split("/")[-1].startswith(("sentry:", "gcp:")))


def _duplicates_across_stacks(plans, include) -> tuple[dict, set]:
    owners: dict = {}
    for stack, plan in plans.items():
        for r in plan.resources:
            if include(r.type):
                owners.setdefault(_identity(r.type, r.inputs, r.name), []).append(f"{stack}/{r.name}")
    return {i: names for i, names in owners.items() if len(names) > 1}, set(owners)


def test_no_provider_resource_is_declared_by_two_stacks(plans):
    """pulumiverse_sentry and pulumi_gcp resources: one physical object, one stack."""
    duplicates, seen = _duplicates_across_stacks(plans, lambda t: t.split(":", 1)[0] in ("sentry", "gcp"))
    assert duplicates == {}
    # The identities are real: every Sentry resource is named by the organisation and a slug or name.
    assert all(i[1] == ORG_SLUG and not i[4].startswith("<") for i in seen if i[0].startswith("sentry:"))
    assert all(i[2] for i in seen if i[0].startswith("gcp:"))
    assert {TEAM, PROJECT, KEY} <= {i[0] for i in seen}
    assert len(seen) == sum(len([r for r in p.resources if r.type.split(":", 1)[0] in ("sentry", "gcp")])
                            for p in plans.values())


def test_no_sentry_or_google_resource_is_declared_by_two_stacks(plans):
    """Also the dynamic-provider resources that stand for Sentry objects (pulumi-python:dynamic/sentry:...)."""
    duplicates, _ = _duplicates_across_stacks(plans, _is_cloud_resource)
    assert duplicates == {}


def test_logical_names_are_unique_within_each_stack(plans):
    for plan in plans.values():
        names = Counter((r.type, r.name) for r in plan.resources)
        assert [n for n, count in names.items() if count > 1] == []


def test_planning_several_stacks_in_one_process_is_isolated(plans):
    model = load_model()
    prod, dev = stacks_in_order(model, "prod")[0], stacks_in_order(model, "dev")[0]
    first = plan_stack(model, prod).as_json()
    middle = plan_stack(model, dev).as_json()
    again = plan_stack(model, prod).as_json()
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert json.dumps(first, sort_keys=True) == json.dumps(plans["prod"].as_json(), sort_keys=True)
    assert json.dumps(middle, sort_keys=True) == json.dumps(plans["dev"].as_json(), sort_keys=True)
    assert not [r for r in middle["resources"] if r["type"] == TEAM]


def test_config_of_one_stack_does_not_leak_into_the_next(repo: Repo):
    repo.append("Pulumi.prod.yaml", "  errorops:slackAlertsChannelId: C0PROD123\n")
    planned = plan_all(repo.root)
    assert "errorops:slackAlertsChannelId" not in planned["prod"].unset_config
    assert "errorops:slackAlertsChannelId" in planned["dev"].unset_config
    assert "C0PROD123" not in json.dumps(planned["dev"].as_json())


SECRETS = {
    "teamLeadEmail": "v1:ZZQQlead111",
    "onCallEngineerEmail": "v1:ZZQQcall222",
    "productManagerEmail": "v1:ZZQQpm333",
}


def test_secure_values_never_reach_the_plan(full_repo: Repo):
    repo = full_repo  # every rule file: every module that reads config gets the secrets
    repo.append("Pulumi.prod.yaml", "".join(f"  errorops:{k}:\n    secure: {v}\n" for k, v in SECRETS.items()))
    repo.append("Pulumi.dev.yaml", '  errorops:teamLeadEmail: {secure: "v1:ZZQQdev444"}\n')
    planned = plan_all(repo.root)
    plans = list(planned.values())
    text = render_json.render(plans, single=False) + render_table.render(plans, single=False)
    for ciphertext in [*SECRETS.values(), "v1:ZZQQdev444"]:
        assert ciphertext not in text
    assert "ZZQQ" not in text and "<secret placeholder>" not in text
    assert text.count('"sentry_dsn": "[secret]"') == 3
    assert set(planned) == set(STACKS)
    # Set secrets are no longer "unset"; the ones still unset are marked secret.
    assert not any(k.split(" ")[0] in {f"errorops:{s}" for s in SECRETS} for k in planned["prod"].unset_config)
    assert "errorops:teamLeadEmail (secret)" in planned["staging"].unset_config
    assert "errorops:teamLeadEmail (secret)" not in planned["dev"].unset_config


def test_renaming_a_team_keeps_its_logical_name(repo: Repo):
    before = plan_all(repo.root)["prod"]
    repo.edit(ORG, "name: Backend\n", "name: Backend Engineering\n")
    after = plan_all(repo.root)["prod"]
    assert [(r.type, r.name) for r in after.resources] == [(r.type, r.name) for r in before.resources]
    team = foundation(after)[(TEAM, "team-backend")]
    assert team.inputs == {"organization": ORG_SLUG, "slug": "backend", "name": "Backend Engineering"}
    assert foundation(before)[(TEAM, "team-backend")].inputs["name"] == "Backend"


def test_renaming_a_project_title_keeps_its_logical_name(repo: Repo):
    repo.edit(ENVS, "name: AI Content Factory (dev)", "name: ACF development")
    dev = plan_all(repo.root)["dev"]
    project = foundation(dev)[(PROJECT, "project-dev")]
    assert project.inputs["name"] == "ACF development"
    assert project.inputs["slug"] == "ai-content-factory-dev"


def test_owner_environment_decides_which_stack_creates_the_teams(repo: Repo):
    repo.edit(ORG, "owner_environment: prod", "owner_environment: staging")
    planned = plan_all(repo.root)
    assert [r.name for r in planned["staging"].resources if r.type == TEAM] == ["team-backend", "team-devops", "team-product"]
    assert not [r for r in planned["prod"].resources if r.type == TEAM]
    assert foundation(planned["prod"])[(PROJECT, "project-prod")].options["depends_on"] == []
    assert planned["staging"].outputs["teams"] == TEAMS and planned["prod"].outputs["teams"] == []


def test_unprotected_environment(repo: Repo):
    repo.edit(ENVS, "protect: true", "protect: false", n=3)
    planned = plan_all(repo.root)
    assert foundation(planned["dev"])[(PROJECT, "project-dev")].options["protect"] is False
    assert foundation(planned["prod"])[(PROJECT, "project-prod")].options["protect"] is True


def test_stack_for_an_undefined_environment_is_refused_by_the_program(plans):
    model = load_model()
    stack = StackFile("qa", {
        "errorops:environment": "qa", "errorops:sentryOrganization": ORG_SLUG, "gcp:project": "ai-content-factory-qa",
    }, frozenset())
    with pytest.raises(pulumi.RunError) as info:
        plan_stack(model, stack)
    assert str(info.value) == (
        "stack 'qa': errorops:environment is 'qa', which alert_rules/ does not define (environments: dev, prod, staging)"
    )


def test_program_declares_nothing_when_the_configuration_has_problems(repo: Repo, monkeypatch):
    """Pulumi's unit-test style: set_mocks first, then run the program as `pulumi up` would."""
    repo.edit(ORG, "owner_environment: prod", "owner_environment: production")
    monkeypatch.setattr(program, "load_model", lambda: load_model(repo.root))
    runtime_settings.set_root_resource(None)
    set_all_config({"errorops:environment": "prod", "errorops:sentryOrganization": ORG_SLUG,
                    "gcp:project": "ai-content-factory-prod"}, [])
    recording = RecordingMocks()
    monitor = RecordingMonitor(recording)
    set_mocks(recording, project="errorops", stack="prod", preview=False, monitor=monitor)
    with pytest.raises(pulumi.RunError) as info:
        _sync_await(run_pulumi_func(program.run))
    assert str(info.value) == (
        "configuration has problems:\n"
        f"{repo.at(ORG, 'production')}: owner_environment 'production' is not an environment "
        "(environments: dev, prod, staging)"
    )
    assert monitor.registrations == []


def test_an_error_in_a_forked_planner_reaches_the_command(monkeypatch):
    import pulumi

    from errorops.plan import runner

    model = load_model()
    stacks = runner.stacks_in_order(model, "all")
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(runner.threading, "active_count", lambda: 1)

    def broken(_model, stack):
        raise pulumi.RunError(f"stack {stack.name} cannot be planned")

    monkeypatch.setattr(runner, "plan_stack", broken)
    with pytest.raises(pulumi.RunError, match="stack prod cannot be planned"):
        runner.plan_stacks(model, stacks)
