"""Sentry ownership rules generated from the taxonomy: planned for each stack, accepted by the
contract double through the real provider, and refused at the YAML when Sentry would refuse them."""

from __future__ import annotations

import httpx
import pytest
import yaml

from conftest import ENVS
from errorops.pipeline import REPO_ROOT
from errorops.sentry_api.ownership import OWNERSHIP, ProjectOwnershipProvider
from policy_support import planned

TAXONOMY = "alert_rules/error_taxonomy.yaml"
OWNERSHIP_TYPE = "pulumi-python:dynamic/sentry:ProjectOwnership"


def _taxonomy() -> dict:
    return yaml.safe_load((REPO_ROOT / TAXONOMY).read_text("utf-8"))


def _expected_lines() -> list[str]:
    """By hand from the YAML: the catch-all line of the fallback team first (Sentry: the last match
    wins), then one line per exception class, sorted."""
    data = _taxonomy()
    tag, fallback = data["ownership"]["tag"], data["ownership"]["fallback_team"]
    by_class = {e["exception"]: e["team"] for e in data["error_types"]}
    return [f"tags.level:* #{fallback}"] + [f"tags.{tag}:{c} #{by_class[c]}" for c in sorted(by_class)]


@pytest.mark.parametrize("stack", ["prod", "staging", "dev"])
def test_each_stack_plans_the_ownership_of_its_project(stack):
    (resource,) = [r for r in planned(stack).resources if r.type == OWNERSHIP_TYPE]
    envs = {e["id"]: e for e in yaml.safe_load((REPO_ROOT / ENVS).read_text("utf-8"))["environments"]}
    assert resource.name == f"ownership-{stack}"
    assert resource.properties["project"] == envs[stack]["sentry_project"]["slug"]
    payload = resource.properties["payload"]
    lines = [line for line in payload["raw"].splitlines() if not line.startswith("#")]
    assert lines == _expected_lines()
    assert "tags.error_type:CacheError #devops" in lines  # the example, as the taxonomy owns it
    assert payload["autoAssignment"] == "Auto Assign to Issue Owner"
    assert payload["fallthrough"] is False


@pytest.fixture
def sentry(sentry_double, monkeypatch):
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", sentry_double.token)
    monkeypatch.setenv("SENTRY_BASE_URL", sentry_double.base_url)
    sentry_double.add_project("ai-content-factory-prod")
    sentry_double.set_project_teams("ai-content-factory-prod", ["backend", "devops", "product"])
    return sentry_double


def test_the_planned_ownership_is_created_read_updated_and_cleared_through_the_double(sentry):
    (resource,) = [r for r in planned("prod").resources if r.type == OWNERSHIP_TYPE]
    props = {"organization": "acme", "project": "ai-content-factory-prod", "payload": resource.properties["payload"]}
    provider = ProjectOwnershipProvider("ownership-prod")
    assert provider.check({}, props).failures == []

    created = provider.create(props)

    assert created.id == "acme/ai-content-factory-prod"
    stored = sentry.ownership["ai-content-factory-prod"]
    assert stored["raw"] == props["payload"]["raw"] and stored["autoAssignment"] == "Auto Assign to Issue Owner"
    assert sentry.refused == []
    assert provider.read(created.id, props).outs["payload"] == props["payload"]
    # Drift made in Sentry shows on read; an update puts the declared rules back.
    sentry.ownership["ai-content-factory-prod"]["raw"] = "tags.level:* #product\n"
    assert provider.read(created.id, props).outs["payload"]["raw"] == "tags.level:* #product\n"
    provider.update(created.id, props, props)
    assert sentry.ownership["ai-content-factory-prod"]["raw"] == props["payload"]["raw"]
    provider.delete(created.id, props)
    assert sentry.ownership["ai-content-factory-prod"]["raw"] is None
    assert sentry.ownership["ai-content-factory-prod"]["autoAssignment"] == "Turn off Auto-Assignment"


def test_a_team_outside_the_project_is_refused_by_the_double_as_sentry_refuses_it(sentry):
    sentry.set_project_teams("ai-content-factory-prod", ["backend"])
    (resource,) = [r for r in planned("prod").resources if r.type == OWNERSHIP_TYPE]
    props = {"organization": "acme", "project": "ai-content-factory-prod", "payload": resource.properties["payload"]}

    with pytest.raises(Exception, match="Invalid rule owners: #devops"):
        ProjectOwnershipProvider("ownership-prod").create(props)
    assert ("ownership.owners", "Invalid rule owners: #devops") in sentry.refused


def test_check_refuses_a_body_sentrys_schema_refuses_without_network():
    props = {"organization": "acme", "project": "p", "payload": {"raw": 5, "autoAssignment": "Auto Assign to Issue Owner"}}
    failures = ProjectOwnershipProvider("o").check({}, props).failures
    assert [f.property for f in failures] == ["payload"] and "raw" in failures[0].reason


def test_the_double_serves_the_ownership_path_of_the_openapi_subset(sentry):
    answer = httpx.get(sentry.base_url + OWNERSHIP.format(organization_id_or_slug="acme",
                                                          project_id_or_slug="ai-content-factory-prod"),
                       headers={"Authorization": f"Bearer {sentry.token}"})
    assert answer.status_code == 200 and answer.json()["raw"] is None


# --- validation --------------------------------------------------------------------------------

def problems_of(repo) -> list[str]:
    """Each problem as the command line prints it: ``path:line:col: message (rule)``."""
    from errorops.pipeline import check_repository

    return [f"{p} ({p.rule})" for p in check_repository(repo.root).problems]


def test_a_taxonomy_entry_without_an_owner_is_refused_with_its_position(full_repo):
    full_repo.edit(TAXONOMY, "severity: P1, team: devops,\n     description: Raised when cache", "severity: P1,\n     "
                   "description: Raised when cache")
    problems = problems_of(full_repo)
    where = full_repo.at(TAXONOMY, "{id: cache_timeout_error")
    assert problems == [f"{where}: error_types[2]: 'team' is required (schema)"]


def test_an_owner_outside_a_project_is_refused_with_its_position(full_repo):
    full_repo.edit(ENVS, "teams: [backend, devops, product]", "teams: [backend, product]", n=2)
    problems = problems_of(full_repo)
    assert problems, "a rule naming a team the staging project lacks must be refused"
    assert all(p.endswith("(ownership-rules)") for p in problems)
    first = full_repo.at(TAXONOMY, "devops", within="team: devops")
    assert any(p.startswith(first + ": team 'devops' owns CacheTimeoutError but is not a team of "
                                    "ai-content-factory-staging") for p in problems), problems


def test_types_sharing_a_class_must_share_their_team(full_repo):
    full_repo.edit(TAXONOMY, "severity: P1, team: backend,\n     message: \"FAQ", "severity: P1, team: product,\n"
                   "     message: \"FAQ")
    problems = problems_of(full_repo)
    where = full_repo.at(TAXONOMY, "product", within="team: product")
    assert problems == [f"{where}: error type 'faq_generation' gives ValidationError to team 'product', but "
                        "'pipeline_validation' gives it to 'backend': an ownership rule matches the exception class "
                        "(tags.error_type) alone, so types that share a class share their team (ownership-rules)"]


def test_an_unknown_fallback_team_is_refused(full_repo):
    full_repo.edit(TAXONOMY, "fallback_team: backend", "fallback_team: platform")
    where = full_repo.at(TAXONOMY, "platform")
    assert problems_of(full_repo) == [f"{where}: unknown team 'platform' (teams: backend, devops, product) "
                                    "(ownership-rules)"]
