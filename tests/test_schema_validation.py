"""The schema stage, through pipeline.check_repository on an edited copy of the repository.

Every expected problem is a complete ``path:line:col: message`` line; the position is
found in the edited text (see conftest.Repo.at), so it is exact.
"""

from __future__ import annotations

import json

import pytest

from errorops.pipeline import REPO_ROOT, REQUIRED_KINDS, check_repository

from conftest import ENVS, ORG, TARGETS, Repo, required_rule_files, rule_file

SCHEMAS = REPO_ROOT / "errorops" / "schemas"
# Rule kinds are the schema files other than the two of the Pulumi files themselves.
KINDS = ", ".join(sorted(
    p.name[: -len(".schema.json")] for p in SCHEMAS.glob("*.schema.json")
    # Not rule kinds: the Pulumi files' schemas and alert_tests/ (errorops test).
    if p.name not in ("stack.schema.json", "pulumi_project.schema.json", "alert_tests.schema.json")
))
SLUG = "'^[a-z0-9][a-z0-9-]{0,49}$'"
GCP_PROJECT = "'^[a-z][a-z0-9-]{4,28}[a-z0-9]$'"


def test_the_copy_is_valid(repo: Repo):
    assert repo.problems() == []
    assert check_repository(repo.root).model is not None


def test_unknown_key_points_at_the_key_and_lists_allowed_keys(repo: Repo):
    repo.edit(ORG, "    name: Backend\n", "    name: Backend\n    colour: blue\n")
    assert repo.problems() == [
        f"{repo.at(ORG, 'colour')}: teams[0].colour: unknown key 'colour' (allowed: description, id, name)"
    ]


def test_unknown_top_level_key(repo: Repo):
    repo.append(ORG, "owner: someone\n")
    assert repo.problems() == [
        f"{repo.at(ORG, 'owner:')}: owner: unknown key 'owner' (allowed: kind, organization, retention_days, teams)"
    ]


def test_unknown_key_in_nested_mapping(repo: Repo):
    repo.edit(ENVS, "      platform: python\n", "      platform: python\n      plattform: python\n")
    assert repo.problems() == [
        f"{repo.at(ENVS, 'plattform')}: environments[0].sentry_project.plattform: unknown key 'plattform' "
        "(allowed: name, platform, resolve_age_hours, slug, teams)"
    ]


def test_two_unknown_keys_in_one_mapping_are_both_reported(repo: Repo):
    repo.edit(ORG, "  slug: ai-content-factory\n", "  slug: ai-content-factory\n  colour: red\n  size: 3\n")
    allowed = "(allowed: name, owner_environment, slug)"
    assert repo.problems() == [
        f"{repo.at(ORG, 'colour')}: organization.colour: unknown key 'colour' {allowed}",
        f"{repo.at(ORG, 'size')}: organization.size: unknown key 'size' {allowed}",
    ]


def test_missing_required_top_level_key_points_at_the_document(repo: Repo):
    repo.edit(ORG, "retention_days: 90\n", "")
    assert repo.problems() == [f"{repo.at(ORG, 'kind:')}: (top level): 'retention_days' is required"]


def test_missing_required_key_in_list_item_points_at_the_item(repo: Repo):
    repo.edit(ORG, "    name: DevOps\n", "")
    assert repo.problems() == [f"{repo.at(ORG, 'id: devops')}: teams[1]: 'name' is required"]


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "message"),
    [
        (ORG, "retention_days: 90", "retention_days: ninety", "ninety",
         "retention_days: 'ninety' is not of type 'integer'"),
        (ORG, "retention_days: 90", "retention_days: '90'", "'90'",
         "retention_days: '90' is not of type 'integer'"),
        (ORG, "retention_days: 90", "retention_days: 0", "0",
         "retention_days: 0 is less than the minimum of 1"),
        (ENVS, "protect: true", "protect: sometimes", "sometimes",
         "environments[0].protect: 'sometimes' is not of type 'boolean'"),
        (ENVS, "teams: [backend, devops, product]", "teams: backend", "backend",
         "environments[0].sentry_project.teams: 'backend' is not of type 'array'"),
        (ENVS, "teams: [backend, devops, product]", "teams: [backend, backend]", "[backend, backend]",
         "environments[0].sentry_project.teams: ['backend', 'backend'] has non-unique elements"),
        (ORG, "name: AI Content Factory", "name: ''", "''",
         "organization.name: '' should be non-empty"),
    ],
    ids=["string-for-int", "quoted-int", "below-minimum", "not-boolean", "scalar-for-list", "non-unique", "empty-name"],
)
def test_wrong_type_or_value(repo: Repo, file, old, new, needle, message):
    repo.edit(file, old, new)
    # The needle is searched inside the replacement, at the place it was written.
    assert repo.problems() == [f"{repo.at(file, needle, within=new)}: {message}"]


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "message"),
    [
        (ORG, "- id: backend", "- id: Backend", "Backend", f"teams[0].id: 'Backend' does not match {SLUG}"),
        (ORG, "slug: ai-content-factory", "slug: AI_Content", "AI_Content",
         f"organization.slug: 'AI_Content' does not match {SLUG}"),
        (ENVS, "slug: ai-content-factory-dev", "slug: ai content factory", "ai content factory",
         f"environments[2].sentry_project.slug: 'ai content factory' does not match {SLUG}"),
        (TARGETS, 'name: "#ai-content-factory-alerts"', "name: ai-content-factory-alerts", "ai-content-factory-alerts",
         "slack.channels[0].name: 'ai-content-factory-alerts' does not match '^#[a-z0-9][a-z0-9_-]{0,79}$'"),
        (ORG, "owner_environment: prod", "owner_environment: Prod", "Prod",
         "organization.owner_environment: 'Prod' does not match '^[a-z][a-z0-9_]*$'"),
    ],
    ids=["team-id-upper-case", "org-slug", "project-slug-spaces", "channel-without-hash", "owner-env-upper"],
)
def test_bad_pattern(repo: Repo, file, old, new, needle, message):
    repo.edit(file, old, new)
    assert repo.problems() == [f"{repo.at(file, needle, within=new)}: {message}"]


def test_unknown_kind_points_at_the_kind_value_and_lists_the_rule_kinds(repo: Repo):
    repo.edit(ORG, "kind: organization", "kind: organisation")
    assert repo.problems() == [
        f"{repo.at(ORG, 'organisation', within='kind: organisation')}: unknown kind 'organisation' (one of: {KINDS})"
    ]


def test_missing_kind_points_at_the_first_key(repo: Repo):
    repo.edit(ORG, "kind: organization\n", "")
    assert repo.problems() == [f"{repo.at(ORG, 'organization:')}: missing 'kind' (one of: {KINDS})"]


def test_kinds_are_listed_from_the_schema_folder():
    assert {"organization", "environments", "notification_targets"} <= set(KINDS.split(", "))
    assert "stack" not in KINDS.split(", ") and "pulumi_project" not in KINDS.split(", ")


@pytest.mark.parametrize("kind", ["''", "stack", "pulumi_project", "__init__", "[organization]"])
def test_kind_that_is_not_a_rule_kind_is_refused(repo: Repo, kind: str):
    # '' once slipped through (rule_kinds() read '__init__.py' as the kind ''): such a file was never validated.
    repo.write("alert_rules/extra.yaml", f"kind: {kind}\nanything: [goes, here]\n")
    shown = {"''": "''", "[organization]": "['organization']"}.get(kind, f"'{kind}'")
    assert repo.problems() == [f"alert_rules/extra.yaml:1:7: unknown kind {shown} (one of: {KINDS})"]


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "- a\n- b\n", "just text\n"], ids=["empty", "comment", "list", "scalar"])
def test_rule_file_that_is_not_a_mapping(repo: Repo, text: str):
    repo.write("alert_rules/new.yaml", text)
    assert repo.problems() == ["alert_rules/new.yaml:1:1: expected a mapping with a 'kind' key at the top level"]


@pytest.mark.parametrize("kind", REQUIRED_KINDS)
def test_required_kind_missing(repo: Repo, kind: str):
    missing = rule_file(kind)
    repo.delete(missing)
    first = sorted(f"alert_rules/{p.name}" for p in required_rule_files() if f"alert_rules/{p.name}" != missing)[0]
    assert repo.problems() == [f"{first}:1:1: no file declares kind '{kind}'; it is required"]


def test_required_kind_missing_is_not_reported_over_other_problems(repo: Repo):
    repo.delete(TARGETS)
    repo.edit(ORG, "retention_days: 90", "retention_days: many")
    assert repo.problems() == [
        f"{repo.at(ORG, 'many')}: retention_days: 'many' is not of type 'integer'"
    ]


def test_schema_problems_of_every_file_are_reported_together_and_stop_crossref(repo: Repo):
    repo.edit(ORG, "retention_days: 90", "retention_days: -1")
    repo.edit(ENVS, "teams: [backend, devops, product]", "teams: [backend, nobody]")  # a cross-reference problem
    repo.edit("Pulumi.dev.yaml", "gcp:project: ai-content-factory-dev", "gcp:project: Dev")
    assert repo.problems() == [
        f"{repo.at('Pulumi.dev.yaml', 'Dev', within='gcp:project: Dev')}: config.gcp:project: 'Dev' does not match {GCP_PROJECT}",
        f"{repo.at(ORG, '-1')}: retention_days: -1 is less than the minimum of 1",
    ]


def test_load_problems_stop_the_schema_stage(repo: Repo):
    repo.edit(ORG, "retention_days: 90", "retention_days: ninety")
    repo.edit(ENVS, "    name: Production\n", "\tname: Production\n")
    assert repo.problems() == [f"{repo.at(ENVS, chr(9))}: tab character in indentation; indent with spaces"]


# --- stack files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Bad_Project", f"config.gcp:project: 'Bad_Project' does not match {GCP_PROJECT}"),
        ("acf", f"config.gcp:project: 'acf' does not match {GCP_PROJECT}"),
        ("ai-content-factory-prod-", f"config.gcp:project: 'ai-content-factory-prod-' does not match {GCP_PROJECT}"),
        ("42", "config.gcp:project: 42 is not of type 'string'"),
    ],
    ids=["upper-and-underscore", "too-short", "trailing-dash", "number"],
)
def test_stack_gcp_project(repo: Repo, value: str, message: str):
    repo.edit("Pulumi.prod.yaml", "gcp:project: ai-content-factory-prod", f"gcp:project: {value}")
    assert repo.problems() == [f"{repo.at('Pulumi.prod.yaml', value, within='gcp:project: ' + value)}: {message}"]


def test_stack_missing_required_key_points_at_config(repo: Repo):
    repo.edit("Pulumi.staging.yaml", "  errorops:environment: staging\n", "")
    text = repo.read("Pulumi.staging.yaml")
    first_key = text.split("\nconfig:\n", 1)[1].lstrip(" ")[:8]
    assert repo.problems() == [
        f"{repo.at('Pulumi.staging.yaml', first_key, within=chr(10) + '  ' + first_key)}: "
        "config: 'errorops:environment' is required"
    ]


def test_stack_unknown_top_level_key(repo: Repo):
    repo.append("Pulumi.dev.yaml", "secrets: plain\n")
    assert repo.problems() == [
        f"{repo.at('Pulumi.dev.yaml', 'secrets:')}: secrets: unknown key 'secrets' "
        "(allowed: config, encryptedkey, encryptionsalt, environment, secretsprovider)"
    ]


def test_stack_accepts_secure_values_and_provider_settings(repo: Repo):
    repo.append("Pulumi.prod.yaml", "  errorops:teamLeadEmail:\n    secure: v1:AAAABBBB\n  gcp:region: europe-west1\n")
    repo.append("Pulumi.prod.yaml", "encryptionsalt: v1:abc\n")
    assert repo.problems() == []


@pytest.mark.parametrize(
    "value",
    ['{secure: "abc"}', '{secure: "v1:abc", extra: 1}', "{secure: 5}", "[a, b]", "{}"],
    ids=["no-v1-prefix", "extra-key", "not-a-string", "list", "empty-mapping"],
)
def test_stack_secure_value_shape(repo: Repo, value: str):
    repo.append("Pulumi.prod.yaml", f"  errorops:teamLeadEmail: {value}\n")
    problems = repo.problems()
    assert len(problems) == 1
    # On the value's line; at the value itself or, for a mapping, at the offending part of it.
    line = repo.at("Pulumi.prod.yaml", value).split(":")[1]
    assert problems[0].startswith(f"Pulumi.prod.yaml:{line}:")
    assert ": config.errorops:teamLeadEmail" in problems[0]


def test_stack_secure_value_without_v1_prefix_names_the_pattern_not_the_value(repo: Repo):
    repo.append("Pulumi.prod.yaml", "  errorops:teamLeadEmail:\n    secure: abc\n")
    assert repo.problems() == [
        f"{repo.at('Pulumi.prod.yaml', 'abc')}: config.errorops:teamLeadEmail.secure: does not match '^v1:'"
    ]


def test_stack_bad_key_name_points_at_the_key(repo: Repo):
    repo.append("Pulumi.prod.yaml", "  Errorops:foo: bar\n")
    pattern = "'^[a-z][a-z0-9-]*:[A-Za-z][A-Za-z0-9_.-]*$'"
    assert repo.problems() == [
        f"{repo.at('Pulumi.prod.yaml', 'Errorops:foo')}: config: key 'Errorops:foo' does not match {pattern}"
    ]


def test_stack_bad_key_name_is_refused(repo: Repo):
    # What the stage does today (see the xfail above): refused, on the right file, message names the key.
    repo.append("Pulumi.prod.yaml", "  Errorops:foo: bar\n")
    problems = repo.problems()
    assert len(problems) == 1
    assert problems[0].startswith("Pulumi.prod.yaml:")
    assert "'Errorops:foo' does not match '^[a-z][a-z0-9-]*:[A-Za-z][A-Za-z0-9_.-]*$'" in problems[0]


def test_project_file_config_entry_needs_a_description(repo: Repo):
    repo.edit("Pulumi.yaml", "  teamLeadEmail:\n    type: string\n", "  teamLeadEmail:\n    type: text\n")
    assert repo.problems() == [
        f"{repo.at('Pulumi.yaml', 'text', within='type: text')}: "
        f"config.teamLeadEmail.type: 'text' is not one of {json.dumps(['string', 'integer', 'boolean', 'array'])}"
        .replace('"', "'")
    ]


def test_project_file_config_entry_unknown_key(repo: Repo):
    repo.edit("Pulumi.yaml", "  teamLeadEmail:\n    type: string\n", "  teamLeadEmail:\n    type: string\n    secrett: true\n")
    assert repo.problems() == [
        f"{repo.at('Pulumi.yaml', 'secrett')}: config.teamLeadEmail.secrett: unknown key 'secrett' "
        "(allowed: default, description, items, secret, type)"
    ]


def test_project_file_missing_name(repo: Repo):
    repo.edit("Pulumi.yaml", "name: errorops\n", "")
    assert repo.problems() == [f"{repo.at('Pulumi.yaml', 'description:')}: (top level): 'name' is required"]


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_every_shipped_schema_is_a_valid_draft_2020_12_schema(path):
    # The command trusts its schemas (checking them costs more than validating every file).
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(json.loads(path.read_text("utf-8")))
    except SchemaError as exc:
        pytest.fail(f"{path.name}: {exc.message}")
