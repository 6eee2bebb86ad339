"""digest-job-secrets (and credentials-are-secrets on the job), on resources from the real offline plan."""

from __future__ import annotations

from errorops._pulumi_compat import wire_secret as secret
from policy_support import edited, planned, policy_named, resource_args, violations

DIGEST = policy_named("digest-job-secrets")
CREDENTIALS = policy_named("credentials-are-secrets")


def check(policy, resource) -> list[str]:
    return violations(policy, resource_args(resource, planned("prod").config.get(policy.name)))


def _envs(props: dict) -> list:
    return props["template"]["template"]["containers"][0]["envs"]


def test_the_planned_job_and_versions_pass():
    prod = planned("prod")
    digest = [r for r in prod.resources if r.name.startswith("digest-")]
    assert {r.type for r in digest} >= {"gcp:cloudrunv2/job:Job", "gcp:secretmanager/secretVersion:SecretVersion"}
    assert [m for r in digest for p in (DIGEST, CREDENTIALS) for m in check(p, r)] == []


def test_a_token_as_a_plain_value_fails():
    def leak(props):
        envs = _envs(props)
        index = next(n for n, e in enumerate(envs) if e["name"] == "SLACK_BOT_TOKEN")
        envs[index] = {"name": "SLACK_BOT_TOKEN", "value": "plain-bot-token-value"}
    job = edited(planned("prod").resource("digest-job"), leak)
    (message,) = check(DIGEST, job)
    assert "(SLACK_BOT_TOKEN) is given as a plain value: reference a Secret Manager secret instead" in message
    assert "plain-bot-token-value" not in message


def test_a_secret_env_without_reference_fails():
    def drop(props):
        for env in _envs(props):
            if env["name"] == "DIGEST_RECIPIENTS":
                env["valueSource"] = {}
    (message,) = check(DIGEST, edited(planned("prod").resource("digest-job"), drop))
    assert "(DIGEST_RECIPIENTS) has no Secret Manager reference" in message


def test_secret_data_in_plain_text_fails_and_as_a_secret_passes():
    version = planned("prod").resource("digest-smtp-password", "SecretVersion")
    plain = edited(version, lambda p: p.update(secretData="hunter2-not-real"))
    (message,) = check(DIGEST, plain)
    assert "secret version 'digest-smtp-password': secretData is not a Pulumi secret" in message
    assert check(DIGEST, edited(version, lambda p: p.update(secretData=secret("hunter2-not-real")))) == []


def test_staging_and_dev_declare_no_digest():
    for stack in ("staging", "dev"):
        assert [r.name for r in planned(stack).resources if r.name.startswith("digest-")] == []
