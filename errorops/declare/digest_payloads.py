"""What the digest job's Google Cloud resources say, computed from the model alone (no pulumi):
names, the cron schedule, the job's environment. declare/digest_job.py declares them."""

from __future__ import annotations

from dataclasses import dataclass

from ..deliver import digest as env_names
from ..deliver import job_env
from ..model.digest import DigestSpec

# One per secret the job reads: (logical name, Secret Manager id suffix, Pulumi config key, env var).
SECRETS = (
    ("sentry-token", "sentry-token", "digestSentryToken", "SENTRY_AUTH_TOKEN"),
    ("slack-bot-token", "slack-bot-token", "digestSlackBotToken", job_env.SLACK_TOKEN),
    ("smtp-password", "smtp-password", "smtpPassword", job_env.SMTP_PASSWORD),
    # Addresses are personal data: the role -> address map is a secret like the tokens.
    ("recipients", "recipients", None, env_names.RECIPIENTS),
)
JOB_NAME = "errorops-digest"
APIS = ("run.googleapis.com", "cloudscheduler.googleapis.com", "secretmanager.googleapis.com",
        "artifactregistry.googleapis.com")
REGISTRY_ID = "errorops"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
# Markers older than this are of no use (a day is re-sent only by hand, within days).
MARKER_DAYS = 30


@dataclass(frozen=True)
class JobNames:
    job: str
    job_account: str
    invoker_account: str
    bucket: str
    secret_prefix: str


def names(stack: str, gcp_project: str) -> JobNames:
    # Service account ids: 6-30 characters, [a-z][a-z0-9-]*; bucket names are global, so the project's.
    return JobNames(job=JOB_NAME, job_account="errorops-digest", invoker_account="errorops-digest-run",
                    bucket=f"{gcp_project}-errorops-digest"[:63], secret_prefix=f"errorops-digest-{stack}")


def cron(spec: DigestSpec) -> str:
    """Every day at the configured local time; Cloud Scheduler applies time_zone (DST included)."""
    return f"{spec.minute} {spec.hour} * * *"


def run_uri(gcp_project: str, region: str, job: str = JOB_NAME) -> str:
    # Cloud Run Admin API v2, jobs.run: POST .../jobs/{job}:run (cloud.google.com/run/docs/reference/rest/v2/projects.locations.jobs/run).
    return f"https://run.googleapis.com/v2/projects/{gcp_project}/locations/{region}/jobs/{job}:run"


def plain_env(smtp_host: str, smtp_port: int, smtp_user: str, smtp_from: str, slack_channel_id: str,
              recipient_roles: tuple[str, ...], sentry_base_url: str | None) -> list[dict[str, str]]:
    """The job's plain (non-secret) environment; secrets come from Secret Manager (SECRETS)."""
    env = {
        job_env.SLACK_CHANNEL: slack_channel_id,
        job_env.SMTP_HOST: smtp_host,
        job_env.SMTP_PORT: str(smtp_port),
        job_env.SMTP_USER: smtp_user,
        job_env.SMTP_FROM: smtp_from,
        # The roles the digest e-mails (addresses are in a secret): a reviewer reads them in the diff,
        # and the command refuses to run if the image's alert_rules/digest.yaml says otherwise.
        env_names.RECIPIENT_ROLES: ",".join(recipient_roles),
    }
    if sentry_base_url:
        env["SENTRY_BASE_URL"] = sentry_base_url
    return [{"name": k, "value": v} for k, v in sorted(env.items())]
