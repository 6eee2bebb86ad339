"""Secrets (issue 13, class 2): provider credentials in plain text are refused, and no
message, in any format, prints a value from a secret position."""

from __future__ import annotations

import pytest

from conftest import Repo, run_here

# Looks secret to a reader, but matches no real token format (secret scanners stay quiet).
SENTINEL = "not-a-real-secret-SENTINEL-4242"


@pytest.mark.parametrize("key", ["sentry:token", "pagerduty:token", "gcp:credentials", "errorops:slackAuthToken",
                                 "aws:secretKey", "datadog:apiKey"])
def test_plain_text_credential_is_refused_without_echoing_it(repo: Repo, key: str):
    repo.append("Pulumi.prod.yaml", f"  {key}: {SENTINEL}\n")
    problems = repo.problems()
    assert problems and problems[0].startswith(f"{repo.at('Pulumi.prod.yaml', SENTINEL)}: config.{key}: is a secret "
                                               "and must not be stored in plain text; set it with: pulumi config set --secret ")
    assert not any(SENTINEL in p for p in problems)


def test_provider_credential_as_secure_value_passes(repo: Repo):
    repo.append("Pulumi.prod.yaml", "  sentry:token:\n    secure: v1:AAAA\n  gcp:credentials: {secure: v1:BBBB}\n")
    assert repo.problems() == []


@pytest.mark.parametrize("value", [f"{{secure: {SENTINEL}}}", f"{{secure: [{SENTINEL}]}}", f"[{SENTINEL}]",
                                   f'{{secure: "v1:x", extra: {SENTINEL}}}', f"{{secure: v1:x, {SENTINEL}: 1}}"])
@pytest.mark.parametrize("key", ["sentry:token", "errorops:teamLeadEmail", "errorops:slackAuthToken"])
def test_no_message_in_any_format_echoes_a_secret_value(repo: Repo, key: str, value: str):
    repo.append("Pulumi.prod.yaml", f"  {key}: {value}\n")
    for fmt in ("standard", "github"):
        run = run_here("validate", "--format", fmt, str(repo.root), cwd=repo.root)
        assert run.code == 1, run.stderr
        assert SENTINEL not in run.stdout + run.stderr
        assert "Traceback" not in run.stderr


def test_declared_secret_in_plain_text_names_the_key_only(repo: Repo):
    repo.append("Pulumi.prod.yaml", f"  errorops:teamLeadEmail: {SENTINEL}\n")
    problems = repo.problems()
    assert problems == [
        f"{repo.at('Pulumi.prod.yaml', SENTINEL)}: config key 'errorops:teamLeadEmail' is secret and must not be "
        "stored in plain text; set it with: pulumi config set --secret teamLeadEmail ...  --stack prod"
    ]


def test_a_message_built_by_any_stage_is_redacted(repo: Repo):
    # The environment is checked by a cross-reference rule, whose message quotes it; when the
    # same text is a secret elsewhere, the last layer blanks it out.
    repo.edit("Pulumi.dev.yaml", "errorops:environment: dev", f"errorops:environment: v1:{SENTINEL}")
    repo.append("Pulumi.dev.yaml", f"  sentry:token: {{secure: v1:x}}\n  errorops:slackAuthToken: {{secure: v1:{SENTINEL}}}\n")
    problems = repo.problems()
    assert any("environment '[secret]' is not defined" in p for p in problems), problems
    assert not any(SENTINEL in p for p in problems)


def test_a_declared_secret_is_redacted_wherever_a_message_quotes_its_value(repo: Repo):
    # teamLeadEmail's name says nothing of a secret: Pulumi.yaml declaring it one is what makes its
    # value a secret, here written in plain text and quoted by another file's problem.
    repo.edit("Pulumi.dev.yaml", "errorops:environment: dev", f"errorops:environment: {SENTINEL}")
    repo.append("Pulumi.dev.yaml", f"  errorops:teamLeadEmail: {SENTINEL}\n")
    problems = repo.problems()
    assert any("config key 'errorops:teamLeadEmail' is secret" in p for p in problems), problems
    assert any("[secret]" in p for p in problems), problems
    assert not any(SENTINEL in p for p in problems)
