"""The weekly and monthly KPI reports as Google Cloud resources, beside the daily digest's job.

They reuse what the digest declares (declare/digest_job.py): its image, its job's service account
(which may read the digest's Sentry, Slack and SMTP secrets and write its once-only markers), its
scheduler's account, its bucket. Each period has a Cloud Run job running ``errorops report --send
--scheduled`` and a Cloud Scheduler job: the weekly one before the Friday deep dive, the monthly one
at 09:00 on the 1st to the 3rd, of which the command acts on the first working day only. The reports'
own recipients (role -> address) are one more secret.
"""

from __future__ import annotations

from typing import Any, cast

import pulumi
import pulumi_gcp as gcp

from ..model.kpis import KpiSpec, kpi_spec
from ..model.types import Model
from . import digest_payloads as payloads
from .digest_job import DigestResources
from .settings import StackSettings

PERIODS = ("week", "month")
CHARTS_DIR = "/tmp/errorops-report"  # the image's working directory is read-only for its user


def kpi_targets(spec: KpiSpec) -> dict[str, str]:
    """Each KPI's target in the process document's words, keyed by KPI (and level): ``{"mttr_P1": "< 4 h"}``."""
    out: dict[str, str] = {}
    for k in spec.kpis:
        if k.target is not None:
            out[k.id] = k.target.words(k.unit)
        for level, target in k.per_level:
            out[f"{k.id}_{level}"] = target.words(k.unit)
    return out


def declare_report_jobs(model: Model, settings: StackSettings,
                        digest: DigestResources | None) -> dict[str, Any] | None:
    spec = kpi_spec(model)
    env = settings.environment
    if spec is None:
        return None
    # The targets as a stack output: `errorops diff` shows a changed target ("output kpi_targets.mttr_P1: < 4 h -> < 5 h").
    pulumi.export("kpi_targets", kpi_targets(spec))
    d = spec.delivery
    if d is None or not d.enabled_in(env.id):
        pulumi.export("kpi_reports", "not sent from this environment (alert_rules/kpis.yaml report.delivery)")
        return None
    pulumi.export("kpi_reports", f"weekly {d.weekly_day}s {d.weekly_time}, monthly on the first working day "
                                 f"{d.monthly_time}, {spec.time_zone}" if digest and digest.get("job") is not None
                  else "waits for the digest job (errorops:digestImage)")
    if digest is None or digest.get("job") is None:
        # The digest's job is not there (yet): its image, account and secrets are what the reports run with.
        return None
    jobs = settings.jobs
    assert jobs is not None, "read_settings reads the jobs' config"
    project, region = settings.gcp_project, jobs.region
    n = payloads.names(settings.stack, project)
    job_email, invoker_email = (f"{a}@{project}.iam.gserviceaccount.com" for a in (n.job_account, n.invoker_account))
    job_member = f"serviceAccount:{job_email}"
    digest_job: gcp.cloudrunv2.Job = digest["job"]

    secret = gcp.secretmanager.Secret(
        "report-recipients", project=project, secret_id=f"{n.secret_prefix}-report-recipients",
        replication={"auto": {}}, labels={"managed-by": "errorops", "purpose": "kpi-report"})
    version = gcp.secretmanager.SecretVersion(
        "report-recipients", project=project, secret=secret.id,
        secret_data=settings.addresses_json(d.email_recipients, "the KPI reports e-mail"),
        opts=pulumi.ResourceOptions(additional_secret_outputs=["secret_data"]))
    access = gcp.secretmanager.SecretIamMember(
        "report-recipients-job", project=project, secret_id=secret.secret_id, role="roles/secretmanager.secretAccessor",
        member=job_member)
    # The digest's secrets (its job's account reads them already), by id; "latest" at each run.
    secret_envs = [{"name": env_var, "value_source": {"secret_key_ref": {
        "secret": f"{n.secret_prefix}-{suffix}", "version": "latest"}}}
        for _logical, suffix, key, env_var in payloads.SECRETS if key is not None]
    secret_envs.append({"name": "REPORT_RECIPIENTS", "value_source": {"secret_key_ref": {
        "secret": secret.secret_id, "version": "latest"}}})
    alerts = next(c for c in model.slack_channels if c.id == d.slack_channel)
    plain = {
        "SLACK_CHANNEL_ID": settings.slack_channel_ids.get(alerts.id) or "",
        "SMTP_HOST": jobs.smtp_host, "SMTP_PORT": str(jobs.smtp_port),
        "SMTP_USER": jobs.smtp_user, "SMTP_FROM": jobs.smtp_from,
        "REPORT_RECIPIENT_ROLES": ",".join(d.email_recipients),
        # matplotlib's cache; the image's user has no home directory.
        "MPLCONFIGDIR": "/tmp/matplotlib",
    }
    if jobs.sentry_base_url:
        plain["SENTRY_BASE_URL"] = jobs.sentry_base_url
    image = jobs.image  # the digest job's image, pinned by digest: it carries errorops report too
    out: dict[str, Any] = {}
    for period in PERIODS:
        name = f"errorops-report-{period}"
        template: dict[str, Any] = {"task_count": 1, "template": {
            "service_account": job_email, "max_retries": 0, "timeout": "900s",
            "containers": [{
                "image": image,
                "args": ["report", "--stack", settings.stack, "--period", period, "--send", "--scheduled",
                         "--charts", CHARTS_DIR],
                "envs": [*({"name": k, "value": v} for k, v in sorted(plain.items())),
                         {"name": "DIGEST_STATE_BUCKET", "value": digest["bucket"].name}, *secret_envs],
                "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
            }],
        }}
        job = gcp.cloudrunv2.Job(
            f"report-{period}-job", project=project, location=region, name=name, deletion_protection=False,
            labels={"managed-by": "errorops", "purpose": "kpi-report"}, template=cast(Any, template),
            opts=pulumi.ResourceOptions(depends_on=[digest_job, version, access]))
        gcp.cloudrunv2.JobIamMember(f"report-{period}-job-invoker", project=project, location=region, name=job.name,
                                    role="roles/run.invoker", member=f"serviceAccount:{invoker_email}")
        when = (f"{d.weekly_day.capitalize()}s at {d.weekly_time}" if period == "week"
                else f"the first working day of the month at {d.monthly_time}")
        schedule = gcp.cloudscheduler.Job(
            f"report-{period}-schedule", project=project, region=region, name=f"{name}-{settings.stack}",
            description=f"{'Weekly' if period == 'week' else 'Monthly'} KPI report of {env.name}, {when} "
                        f"{spec.time_zone} (alert_rules/kpis.yaml)",
            schedule=d.cron(period), time_zone=spec.time_zone, attempt_deadline="320s",
            retry_config={"retry_count": 3, "min_backoff_duration": "30s", "max_doublings": 2},
            http_target={"http_method": "POST", "uri": payloads.run_uri(project, region, name),
                         "oauth_token": {"service_account_email": invoker_email, "scope": payloads.CLOUD_PLATFORM}},
            opts=pulumi.ResourceOptions(depends_on=[job]))
        out[period] = {"job": job, "schedule": schedule}
    return out
