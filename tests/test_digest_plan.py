"""The digest job in the offline plan: declared in prod only (digest.yaml: environments), at
09:00 in the configured zone, least-privilege roles, and secrets that never show."""

from __future__ import annotations

import pytest

from errorops.plan import render_json, render_table
from errorops.plan.runner import plan_stack
from plans import plan_of
from gcp_support import model, stack

SENTINEL = "SENTINEL-digest-secret-not-a-real-one"
DIGEST_TYPES = {
    "gcp:cloudscheduler/job:Job", "gcp:cloudrunv2/job:Job", "gcp:serviceaccount/account:Account",
    "gcp:secretmanager/secret:Secret", "gcp:secretmanager/secretVersion:SecretVersion",
    "gcp:artifactregistry/repository:Repository", "gcp:storage/bucket:Bucket",
}


@pytest.fixture(scope="module")
def prod():
    return plan_of(model(), stack("prod"))


def _digest(plan) -> dict[tuple[str, str], dict]:
    return {(r.type, r.name): r.inputs for r in plan.resources if r.name.startswith("digest-")}


def test_prod_declares_scheduler_job_accounts_secrets_registry_and_bucket(prod):
    found = _digest(prod)
    assert DIGEST_TYPES <= {t for t, _ in found}
    assert sorted(i["service"] for (t, _), i in found.items() if t == "gcp:projects/service:Service") == [
        "artifactregistry.googleapis.com", "cloudscheduler.googleapis.com", "run.googleapis.com",
        "secretmanager.googleapis.com"]
    schedule = found[("gcp:cloudscheduler/job:Job", "digest-schedule")]
    assert (schedule["schedule"], schedule["timeZone"]) == ("0 9 * * *", "Europe/London")
    assert schedule["httpTarget"]["uri"] == ("https://run.googleapis.com/v2/projects/ai-content-factory-prod/"
                                             "locations/europe-west2/jobs/errorops-digest:run")
    assert schedule["httpTarget"]["oauthToken"]["serviceAccountEmail"] == \
        "errorops-digest-run@ai-content-factory-prod.iam.gserviceaccount.com"
    job = found[("gcp:cloudrunv2/job:Job", "digest-job")]["template"]["template"]
    (container,) = job["containers"]
    assert container["args"] == ["digest", "--stack", "prod"]
    assert job["serviceAccount"] == "errorops-digest@ai-content-factory-prod.iam.gserviceaccount.com"
    envs = {e["name"]: e for e in container["envs"]}
    for name in ("SENTRY_AUTH_TOKEN", "SLACK_BOT_TOKEN", "SMTP_PASSWORD", "DIGEST_RECIPIENTS"):
        assert "value" not in envs[name] and envs[name]["valueSource"]["secretKeyRef"]["version"] == "latest"
    assert envs["DIGEST_RECIPIENT_ROLES"]["value"] == "product_manager"
    assert envs["DIGEST_STATE_BUCKET"]["value"] == "ai-content-factory-prod-errorops-digest"


def test_roles_are_the_least_the_job_needs(prod):
    grants = sorted((r.type.rsplit(":", 1)[1], r.inputs["role"], r.inputs["member"].split("@")[0])
                    for r in prod.resources if "role" in r.inputs and r.name.startswith("digest-"))
    assert grants == [
        ("BucketIAMMember", "roles/storage.objectUser", "serviceAccount:errorops-digest"),
        ("JobIamMember", "roles/run.invoker", "serviceAccount:errorops-digest-run"),
        *[("SecretIamMember", "roles/secretmanager.secretAccessor", "serviceAccount:errorops-digest")] * 4,
    ]
    # No project-wide grant at all.
    assert not [r for r in prod.resources if r.type.startswith("gcp:projects/") and "iam" in r.type.lower()]


@pytest.mark.parametrize("name", ["staging", "dev"])
def test_other_stacks_declare_none(name):
    plan = plan_of(model(), stack(name))
    assert _digest(plan) == {}
    assert plan.outputs["digest"] == "not scheduled in this environment (alert_rules/digest.yaml)"


def test_no_digest_secret_reaches_the_plan(monkeypatch):
    from errorops.plan import stack_config

    # The stand-in the plan gives secret config: it reaches the output only where the
    # program failed to keep a value secret (the masking of the placeholder itself is off).
    monkeypatch.setattr(stack_config, "SECRET_PLACEHOLDER", SENTINEL)
    plan = plan_stack(model(), stack("prod"))
    text = render_table.render([plan], single=False) + render_json.render([plan], single=False)
    assert SENTINEL not in text
    versions = [r for r in plan.resources if r.type == "gcp:secretmanager/secretVersion:SecretVersion"]
    # The digest's four, and the KPI reports' recipients (declare/report_job.py).
    assert sorted(v.name for v in versions) == ["digest-recipients", "digest-sentry-token", "digest-slack-bot-token",
                                                "digest-smtp-password", "report-recipients"]
    assert all(v.inputs["secretData"] == "[secret]" for v in versions)
    assert all(("secretData",) in v.secret_paths for v in versions)


def test_plain_token_in_a_stack_file_is_refused(repo):
    repo.append("Pulumi.prod.yaml", "  errorops:digestSlackBotToken: slack-bot-token-not-real\n")
    (problem,) = repo.problems()
    assert problem.startswith(f"{repo.at('Pulumi.prod.yaml', 'slack-bot-token-not-real')}: ")
    assert "pulumi config set --secret digestSlackBotToken" in problem and "xoxb" not in problem


def test_plan_table_says_when_and_what(prod):
    import re

    text = render_table.render([prod], single=True)
    # Columns are as wide as the longest name of the section (the KPI reports' jobs sit beside these).
    assert re.search(r"digest-schedule +0 9 \* \* \* Europe/London -> POST https://run.googleapis.com/v2/projects/", text)
    assert re.search(r"digest-job +digest --stack prod  e-mails product_manager  as errorops-digest@", text)


def test_payloads_are_pure_functions_of_the_model():
    import dataclasses

    from errorops.declare import digest_payloads as payloads
    from errorops.model.digest import digest_spec

    spec = digest_spec(model())
    assert payloads.cron(spec) == "0 9 * * *"
    assert payloads.cron(dataclasses.replace(spec, time="08:30")) == "30 8 * * *"
    n = payloads.names("prod", "ai-content-factory-prod")
    assert (n.job_account, n.invoker_account, n.bucket) == (
        "errorops-digest", "errorops-digest-run", "ai-content-factory-prod-errorops-digest")
    # Service account ids are 6 to 30 characters of [a-z0-9-] (IAM), bucket names at most 63.
    assert all(6 <= len(a) <= 30 for a in (n.job_account, n.invoker_account)) and len(n.bucket) <= 63
