"""Cross-reference rules (errorops/validate/crossref/), each with its file, line and column.

Each test makes one edit to a copy of the repository and expects exactly the problems
that edit causes, as complete ``path:line:col: message`` lines.
"""

from __future__ import annotations

import re

import pytest

from errorops.load.yaml_source import parse_text
from errorops.pipeline import check_repository
from errorops.validate import unique_files

from conftest import ENVS, ORG, TARGETS, Repo, kind_of


def env_block(repo: Repo, env_id: str) -> str:
    """The text of one environment entry in environments.yaml, from '  - id: X' up to the next entry."""
    text = repo.read(ENVS)
    start = text.index(f"  - id: {env_id}\n")
    nxt = re.search(r"^  - id: ", text[start + 1:], re.MULTILINE)
    end = start + 1 + nxt.start() if nxt else len(text)
    return text[start:end].rstrip("\n") + "\n"


# --- unique ids -------------------------------------------------------------------------------


def test_duplicate_team_id(repo: Repo):
    repo.append(ORG, "  - id: backend\n    name: Back end\n")
    first = repo.at(ORG, "id: backend")  # the first team entry starts at its 'id' key
    assert repo.problems() == [
        f"{repo.at(ORG, 'backend', n=2, within='- id: backend')}: duplicate team id 'backend' (first defined at {first})"
    ]


def test_duplicate_environment_id(repo: Repo):
    block = env_block(repo, "dev").replace("ai-content-factory-dev", "ai-content-factory-qa")
    repo.append(ENVS, "\n" + block.replace("- id: dev", "- id: prod", 1))
    first = repo.at(ENVS, "id: prod")
    assert repo.problems() == [
        f"{repo.at(ENVS, 'prod', n=2, within='- id: prod')}: duplicate environment id 'prod' (first defined at {first})"
    ]


def test_duplicate_project_slug(repo: Repo):
    repo.edit(ENVS, "slug: ai-content-factory-staging", "slug: ai-content-factory-prod")
    problems = repo.problems()
    assert len(problems) == 1
    first = repo.at(ENVS, "slug: ai-content-factory-prod")  # the first sentry_project mapping starts at 'slug'
    message = f"duplicate Sentry project slug 'ai-content-factory-prod' (first defined at {first})"
    second_line = repo.at(ENVS, "slug: ai-content-factory-prod", n=2).rsplit(":", 1)[0]
    assert problems[0].startswith(second_line + ":")
    assert problems[0].endswith(": " + message)


def test_duplicate_project_slug_points_at_the_slug(repo: Repo):
    block = env_block(repo, "staging")
    slug_line = "      slug: ai-content-factory-staging\n"
    name_line = next(line for line in block.splitlines(keepends=True) if line.startswith("      name: "))
    repo.edit(ENVS, slug_line + name_line, name_line + "      slug: ai-content-factory-prod\n")
    first = repo.at(ENVS, "slug: ai-content-factory-prod")
    assert repo.problems() == [
        f"{repo.at(ENVS, 'ai-content-factory-prod', n=2, within='slug: ai-content-factory-prod')}: "
        f"duplicate Sentry project slug 'ai-content-factory-prod' (first defined at {first})"
    ]


def test_duplicate_slack_channel_and_recipient_ids(repo: Repo):
    repo.edit(TARGETS, "      channel_id_config: slackAlertsChannelId\n",
              "      channel_id_config: slackAlertsChannelId\n"
              "    - id: alerts\n      name: \"#other\"\n      channel_id_config: slackAlertsChannelId\n")
    repo.edit(TARGETS, "recipients:\n", "recipients:\n  - id: team_lead\n    name: Lead twice\n"
              "    address_config: teamLeadEmail\n")
    problems = repo.problems()
    assert f"{repo.at(TARGETS, 'alerts', n=2, within='- id: alerts')}: duplicate Slack channel id 'alerts' " \
           f"(first defined at {repo.at(TARGETS, 'id: alerts')})" in problems
    assert f"{repo.at(TARGETS, 'team_lead', n=2, within='- id: team_lead')}: duplicate recipient id 'team_lead' " \
           f"(first defined at {repo.at(TARGETS, 'id: team_lead')})" in problems


def test_organization_kind_defined_twice(repo: Repo):
    repo.write("alert_rules/zz_org.yaml", (
        "kind: organization\n"
        "organization: {slug: ai-content-factory, name: Other, owner_environment: prod}\n"
        "retention_days: 30\n"
        "teams:\n  - id: qa\n    name: QA\n"
    ))
    assert repo.problems() == [
        f"alert_rules/zz_org.yaml:1:7: kind 'organization' is already defined in {repo.at(ORG, 'organization', within='kind: organization')}; it may appear in one file only"
    ]


def test_notification_targets_kind_defined_twice(repo: Repo):
    repo.write("alert_rules/zz_targets.yaml", (
        "kind: notification_targets\n"
        "slack:\n  workspace: Other\n  channels:\n"
        "    - {id: other, name: '#other', channel_id_config: slackAlertsChannelId}\n"
        "recipients:\n  - {id: intern, name: Intern, address_config: teamLeadEmail}\n"
    ))
    assert repo.problems() == [
        f"alert_rules/zz_targets.yaml:1:7: kind 'notification_targets' is already defined in {repo.at(TARGETS, 'notification_targets', within='kind: notification_targets')}; "
        "it may appear in one file only"
    ]


# --- known references -------------------------------------------------------------------------


def test_unknown_team_in_a_project(repo: Repo):
    repo.edit(ENVS, "teams: [backend, devops, product]", "teams: [backend, devops, platform]", n=2)
    assert repo.problems() == [
        f"{repo.at(ENVS, 'platform', within='platform]')}: unknown team 'platform' (teams: backend, devops, product)"
    ]


def test_every_unknown_team_is_reported(repo: Repo):
    repo.edit(ENVS, "teams: [backend, devops, product]", "teams:\n        - qa\n        - backend\n        - ops")
    assert repo.problems() == [
        f"{repo.at(ENVS, 'qa', within='- qa')}: unknown team 'qa' (teams: backend, devops, product)",
        f"{repo.at(ENVS, 'ops', within='- ops')}: unknown team 'ops' (teams: backend, devops, product)",
    ]


def test_unknown_owner_environment(repo: Repo):
    repo.edit(ORG, "owner_environment: prod", "owner_environment: production")
    assert repo.problems() == [
        f"{repo.at(ORG, 'production', within='owner_environment: production')}: "
        "owner_environment 'production' is not an environment (environments: dev, prod, staging)"
    ]


# --- config keys ------------------------------------------------------------------------------


def test_recipient_address_config_not_declared(repo: Repo):
    repo.edit(TARGETS, "address_config: teamLeadEmail", "address_config: leadEmail")
    assert repo.problems() == [
        f"{repo.at(TARGETS, 'leadEmail', within='address_config: leadEmail')}: "
        "address_config 'leadEmail' is not declared under config: in Pulumi.yaml"
    ]


def test_recipient_address_config_declared_but_not_secret(repo: Repo):
    repo.edit("Pulumi.yaml", "  teamLeadEmail:\n    type: string\n    secret: true\n", "  teamLeadEmail:\n    type: string\n")
    # The position of the key's declaration: its mapping, which starts at 'type:'.
    assert repo.problems() == [
        f"{repo.at('Pulumi.yaml', 'type', within='teamLeadEmail:' + chr(10) + '    type')}: "
        "config key 'teamLeadEmail' holds a recipient's address and must be declared secret: true"
    ]


def test_recipient_address_config_declared_secret_false(repo: Repo):
    repo.edit("Pulumi.yaml", "  teamLeadEmail:\n    type: string\n    secret: true\n",
              "  teamLeadEmail:\n    secret: false\n    type: string\n")
    assert repo.problems() == [
        f"{repo.at('Pulumi.yaml', 'secret', within='teamLeadEmail:' + chr(10) + '    secret')}: "
        "config key 'teamLeadEmail' holds a recipient's address and must be declared secret: true"
    ]


def test_slack_channel_id_config_not_declared(repo: Repo):
    repo.edit(TARGETS, "channel_id_config: slackAlertsChannelId", "channel_id_config: slackChannel")
    assert repo.problems() == [
        f"{repo.at(TARGETS, 'slackChannel', within='channel_id_config: slackChannel')}: "
        "channel_id_config 'slackChannel' is not declared under config: in Pulumi.yaml"
    ]


def test_config_keys_are_not_compared_for_a_folder_of_rules_alone(repo: Repo):
    repo.edit(TARGETS, "channel_id_config: slackAlertsChannelId", "channel_id_config: slackChannel")
    assert repo.problems("alert_rules") == []


# --- stack files ------------------------------------------------------------------------------


def test_stack_names_an_unknown_environment(repo: Repo):
    repo.edit("Pulumi.dev.yaml", "errorops:environment: dev", "errorops:environment: development")
    assert repo.problems() == [
        f"{repo.at('Pulumi.dev.yaml', 'development')}: environment 'development' is not defined "
        "(environments: dev, prod, staging)",
        f"{repo.at(ENVS, 'dev', within='- id: dev')}: environment 'dev' has no stack (no Pulumi.<stack>.yaml names it)",
    ]


def test_two_stacks_for_one_environment(repo: Repo):
    repo.write("Pulumi.prod2.yaml", repo.read("Pulumi.prod.yaml"))
    assert repo.problems() == [
        f"{repo.at('Pulumi.prod2.yaml', 'prod', within='errorops:environment: prod')}: "
        "environment 'prod' is already deployed by stack 'prod'; one stack per environment"
    ]


def test_environment_without_a_stack(repo: Repo):
    repo.delete("Pulumi.staging.yaml")
    assert repo.problems() == [
        f"{repo.at(ENVS, 'staging', within='- id: staging')}: environment 'staging' has no stack "
        "(no Pulumi.<stack>.yaml names it)"
    ]


def test_sentry_organization_mismatch(repo: Repo):
    repo.edit("Pulumi.staging.yaml", "errorops:sentryOrganization: ai-content-factory", "errorops:sentryOrganization: acme")
    assert repo.problems() == [
        f"{repo.at('Pulumi.staging.yaml', 'acme')}: sentryOrganization 'acme' differs from the organisation slug "
        f"'ai-content-factory' in {ORG}"
    ]


def test_undeclared_errorops_key_points_at_the_key(repo: Repo):
    repo.append("Pulumi.prod.yaml", "  errorops:colour: blue\n")
    assert repo.problems() == [
        f"{repo.at('Pulumi.prod.yaml', 'errorops:colour')}: config key 'errorops:colour' is not declared in Pulumi.yaml"
    ]


def test_undeclared_secure_errorops_key_points_at_the_key(repo: Repo):
    repo.append("Pulumi.dev.yaml", "  errorops:apiToken:\n    secure: v1:AAAA\n")
    assert repo.problems() == [
        f"{repo.at('Pulumi.dev.yaml', 'errorops:apiToken')}: config key 'errorops:apiToken' is not declared in Pulumi.yaml"
    ]


def test_secret_key_in_plain_text(repo: Repo):
    repo.append("Pulumi.prod.yaml", "  errorops:teamLeadEmail: lead@example.com\n")
    assert repo.problems() == [
        f"{repo.at('Pulumi.prod.yaml', 'lead@example.com')}: config key 'errorops:teamLeadEmail' is secret and must "
        "not be stored in plain text; set it with: pulumi config set --secret teamLeadEmail ...  --stack prod"
    ]


def test_secret_key_as_secure_value_and_other_namespaces_pass(repo: Repo):
    repo.append("Pulumi.prod.yaml", (
        "  errorops:teamLeadEmail:\n    secure: v1:AAAABBBB\n"
        "  errorops:slackAlertsChannelId: C01ABCDEF\n"
        "  gcp:region: europe-west1\n"
        "  sentry:token:\n    secure: v1:CCCC\n"
    ))
    assert repo.problems() == []


def test_problems_of_several_rules_are_reported_together_and_sorted(repo: Repo):
    repo.edit(ORG, "owner_environment: prod", "owner_environment: production")
    repo.edit("Pulumi.staging.yaml", "errorops:sentryOrganization: ai-content-factory", "errorops:sentryOrganization: acme")
    repo.append("Pulumi.dev.yaml", "  errorops:teamLeadEmail: lead@example.com\n")
    result = check_repository(repo.root)
    assert result.model is None and not result.ok
    assert [(p.path, p.line, p.column) for p in result.problems] == sorted(
        (p.path, p.line, p.column) for p in result.problems
    )
    assert [p.path for p in result.problems] == ["Pulumi.dev.yaml", "Pulumi.staging.yaml", ORG]


# --- nothing silently dropped across files of one kind (issue 13, class 1) ----------------


@pytest.mark.parametrize("kind_file", ["alert_rules/gcp_monitoring.yaml", "alert_rules/sentry_alerts.yaml"])
def test_second_file_of_a_one_file_kind_is_refused_naming_both(full_repo: Repo, kind_file: str):
    # A copy with one policy or rule fewer: before, one of the two files was planned and the other lost.
    full_repo.write("alert_rules/zz_copy.yaml", full_repo.read(kind_file))
    kind = kind_of(full_repo.path(kind_file))
    first = full_repo.at(kind_file, kind, within=f"kind: {kind}")
    second = full_repo.at("alert_rules/zz_copy.yaml", kind, within=f"kind: {kind}")
    assert full_repo.problems() == [f"{second}: kind '{kind}' is already defined in {first}; it may appear in one file only"]


def test_lists_of_a_merged_kind_are_merged_but_other_sections_are_refused(repo: Repo):
    a, _ = parse_text("kind: environments\nenvironments: []\nextra: {x: 1}\n", "a.yaml")
    b, _ = parse_text("kind: environments\nenvironments: []\nextra: {x: 2}\n", "b.yaml")
    assert [str(p) for p in unique_files.check({"environments": [a, b]})] == [
        "b.yaml:3:1: section 'extra' of kind 'environments' is already defined in a.yaml:3:1; "
        "only lists are merged across files"
    ]


def test_environments_split_over_two_files_are_both_read(repo: Repo):
    text = repo.read(ENVS)
    head, rest = text.split("\n  - id: dev", 1) if "\n  - id: dev" in text else (None, None)
    assert head is not None, "environments.yaml no longer lists dev as '  - id: dev'"
    repo.write(ENVS, head + "\n")
    repo.write("alert_rules/environments_dev.yaml", "kind: environments\nenvironments:\n  - id: dev" + rest)
    assert repo.problems() == []


def test_every_rule_a_problem_can_name_is_documented_in_the_readme():
    import re

    from errorops.pipeline import REPO_ROOT
    from errorops.validate.crossref import RULES, rule_id

    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Validation rules", 1)[1].split("\n#", 1)[0]
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M))
    stages = {"yaml", "files", "schema", "unique-files", "required-files"}
    assert documented == stages | {rule_id(rule) for rule in RULES}


def test_a_crossref_problem_names_its_rule(repo):
    from conftest import ORG

    repo.edit(ORG, "owner_environment: prod", "owner_environment: production")
    assert [p.rule for p in check_repository(repo.root).problems] == ["known-references"]


# --- process-numbers: a number Sentry and Cloud Monitoring both watch is stated once -----------

GCP_FILE = "alert_rules/gcp_monitoring.yaml"
SENTRY_FILE = "alert_rules/sentry_alerts.yaml"
MIRROR_HIGH = "mirrors: error_rate_high  # the same number as the Sentry rule: validation keeps them equal\n"


def test_raising_a_threshold_on_one_side_only_is_refused_naming_both_places(full_repo: Repo):
    full_repo.edit(SENTRY_FILE, "threshold: {above: 2, unit: percent}", "threshold: {above: 3, unit: percent}")
    sentry_line = full_repo.at(SENTRY_FILE, "threshold: {above: 3").split(":")[1]
    block = MIRROR_HIGH + "        window: 15m\n        comparison: gt\n        threshold: 0.02"
    assert full_repo.problems() == [
        f"{full_repo.at(GCP_FILE, '0.02', within=block)}: "
        f"condition '5xx-ratio' has threshold 0.02, but the Sentry rule 'error_rate_high' it mirrors "
        f"({SENTRY_FILE}:{sentry_line}) says above 3%, that is 0.03 here; the process states the number once: change both"]
    # Both sides moved: nothing to refuse.
    full_repo.edit(GCP_FILE, MIRROR_HIGH + "        window: 15m\n        comparison: gt\n        threshold: 0.02",
              MIRROR_HIGH + "        window: 15m\n        comparison: gt\n        threshold: 0.03")
    assert full_repo.problems() == []


def test_a_count_mirrors_as_a_count_and_a_window_must_agree(full_repo: Repo):
    full_repo.edit(GCP_FILE, "mirrors: cache_errors  # the same number as the Sentry rule: validation keeps them equal\n"
                        "        window: 1h", "mirrors: cache_errors  # the same number as the Sentry rule: validation "
                        "keeps them equal\n        window: 2h")
    (problem,) = full_repo.problems()
    assert problem.endswith("condition 'errors-per-hour' has window 2h, but the Sentry rule 'cache_errors' it mirrors "
                            f"({SENTRY_FILE}:{full_repo.at(SENTRY_FILE, 'threshold: {above: 10').split(':')[1]}) counts over "
                            "1 hour; change both")


def test_a_mirror_of_no_rule_is_refused(full_repo: Repo):
    full_repo.edit(GCP_FILE, "mirrors: cache_errors ", "mirrors: cache_error ")
    (problem,) = full_repo.problems()
    assert "unknown Sentry rule 'cache_error' (rules: " in problem


# --- an unknown id among many: the closest ones, not a page of them ------------------------------

def test_an_unknown_id_names_every_known_one_while_they_are_few():
    from errorops.validate.crossref._refs import LISTED, listing

    few = [f"rule_{n}" for n in range(LISTED)]
    assert listing(few, "rule_x") == ", ".join(sorted(few))
    assert listing([], "rule_x") == "none"


def test_an_unknown_id_among_many_names_the_closest_and_the_count():
    from errorops.validate.crossref._refs import LISTED, listing

    many = [f"error_rate_critical_{n}" for n in range(1000)] + ["cache_errors", "security_errors"]
    assert len(many) > LISTED
    said = listing(many, "cache_error")
    assert said.startswith("1002 defined; closest: cache_errors")
    assert len(said) < 120
    assert listing(many, "zzz") == "1002 defined, none close; first: cache_errors, error_rate_critical_0, error_rate_critical_1, ..."
