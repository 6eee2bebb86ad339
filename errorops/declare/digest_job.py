"""The daily digest as Google Cloud resources, in the environments alert_rules/digest.yaml names.

Cloud Scheduler runs a Cloud Run job at the configured local time (the scheduler's
``time_zone`` keeps it there across daylight-saving changes); the job runs ``errorops digest``
from the image the deploy workflow built and pushed to the Artifact Registry repository
declared here. The job's service account may read its four secrets and write the markers of
its state bucket, and nothing else; a second account may only start the job (the scheduler's).
Secret values come from Pulumi secret config and reach Secret Manager as secret Outputs only.
"""

from __future__ import annotations

import warnings
from typing import TypedDict, cast

import pulumi
import pulumi_gcp as gcp

with warnings.catch_warnings():
    # Loading gcp.storage announces the deprecation of a data source errorops does not use.
    warnings.filterwarnings("ignore", message=r"gcp\.storage\.getTransferProjectServieAccount", category=DeprecationWarning)
    gcp.storage.Bucket  # noqa: B018 - the package loads lazily, on first use

from ..model.digest import digest_spec
from ..model.types import Model
from . import digest_payloads as payloads
from .settings import StackSettings


class DigestResources(TypedDict):
    """What declare_digest_job declared; the job and its schedule wait for the image (None until then)."""
    schedule: gcp.cloudscheduler.Job | None
    job: gcp.cloudrunv2.Job | None
    registry: gcp.artifactregistry.Repository
    bucket: gcp.storage.Bucket


def declare_digest_job(model: Model, settings: StackSettings) -> DigestResources | None:
    spec = digest_spec(model)
    env = settings.environment
    if spec is None or not spec.enabled_in(env.id):
        return None
    jobs = settings.jobs
    assert jobs is not None, "read_settings reads the jobs' config"
    project, region = settings.gcp_project, jobs.region
    n = payloads.names(settings.stack, project)
    protect = pulumi.ResourceOptions(protect=env.protect)

    # The APIs the job uses, enabled and never disabled by Pulumi (other things may use them too).
    apis = [gcp.projects.Service(f"digest-api-{api.split('.')[0]}", project=project, service=api,
                                 disable_on_destroy=False)
            for api in payloads.APIS]
    after_apis = pulumi.ResourceOptions(depends_on=apis)
    registry = gcp.artifactregistry.Repository(
        "digest-images", project=project, location=region, repository_id=payloads.REGISTRY_ID, format="DOCKER",
        description="Images of errorops (the daily digest job), pushed by the deploy workflow.",
        docker_config={"immutable_tags": True}, opts=pulumi.ResourceOptions.merge(protect, after_apis))
    bucket = gcp.storage.Bucket(
        "digest-state", project=project, name=n.bucket, location=region, uniform_bucket_level_access=True,
        public_access_prevention="enforced", force_destroy=False,
        lifecycle_rules=[{"action": {"type": "Delete"}, "condition": {"age": payloads.MARKER_DAYS}}])
    job_account = gcp.serviceaccount.Account(
        "digest-job", project=project, account_id=n.job_account,
        display_name="errorops daily digest job", description="Runs errorops digest: reads its secrets and markers.")
    invoker = gcp.serviceaccount.Account(
        "digest-invoker", project=project, account_id=n.invoker_account,
        display_name="errorops daily digest scheduler", description="Cloud Scheduler starts the digest job as this.")
    # The address of an account is known from its id (ACCOUNT@PROJECT.iam.gserviceaccount.com), so the
    # plan shows who gets each role; depends_on keeps each grant after its account.
    job_email, invoker_email = (f"{a}@{project}.iam.gserviceaccount.com" for a in (n.job_account, n.invoker_account))
    job_member, after_job_account = f"serviceAccount:{job_email}", pulumi.ResourceOptions(depends_on=[job_account])
    # Create, read and delete its own markers (claim, check, release): objectUser, on this bucket only.
    gcp.storage.BucketIAMMember("digest-state-job", bucket=bucket.name, role="roles/storage.objectUser",
                                member=job_member, opts=after_job_account)

    values = {
        "digestSentryToken": jobs.secret("digestSentryToken"),
        "digestSlackBotToken": jobs.secret("digestSlackBotToken"),
        "smtpPassword": jobs.secret("smtpPassword"),
        None: settings.addresses_json(spec.email_recipients, "the digest e-mails"),
    }
    secret_envs: list[gcp.cloudrunv2.JobTemplateTemplateContainerEnvArgsDict] = []
    versions = []
    for logical, suffix, key, env_var in payloads.SECRETS:
        secret = gcp.secretmanager.Secret(
            f"digest-{logical}", project=project, secret_id=f"{n.secret_prefix}-{suffix}",
            replication={"auto": {}}, labels={"managed-by": "errorops", "purpose": "digest"}, opts=after_apis)
        version = gcp.secretmanager.SecretVersion(
            f"digest-{logical}", project=project, secret=secret.id, secret_data=values[key],
            opts=pulumi.ResourceOptions(additional_secret_outputs=["secret_data"]))
        gcp.secretmanager.SecretIamMember(
            f"digest-{logical}-job", project=project, secret_id=secret.secret_id,
            role="roles/secretmanager.secretAccessor", member=job_member, opts=after_job_account)
        versions.append(version)
        # "latest" is resolved when an execution starts, so a rotated value is read by the next run.
        secret_envs.append({"name": env_var, "value_source": {"secret_key_ref": {
            "secret": secret.secret_id, "version": "latest"}}})

    image = jobs.image
    if not image:
        # The first deploy creates the registry the image is pushed to; the job waits for it (.ci/digest-image).
        pulumi.log.warn(f"stack '{settings.stack}': errorops:digestImage is not set: the digest job and its schedule "
                        "are declared once the image is built (.ci/digest-image)")
        return {"schedule": None, "job": None, "registry": registry, "bucket": bucket}
    alerts = next(c for c in model.slack_channels if c.id == spec.slack_channel)
    plain = payloads.plain_env(
        jobs.smtp_host, jobs.smtp_port, jobs.smtp_user, jobs.smtp_from, settings.slack_channel_ids.get(alerts.id) or "",
        spec.email_recipients, jobs.sentry_base_url)
    job = gcp.cloudrunv2.Job(
        "digest-job", project=project, location=region, name=n.job, deletion_protection=False,
        labels={"managed-by": "errorops", "purpose": "digest"},
        template={"task_count": 1, "template": {
            "service_account": job_email,
            # Delivery retries inside the run, and markers keep it to once a day; a task retry would
            # only repeat a refusal.
            "max_retries": 0,
            "timeout": "600s",
            "containers": [{
                "image": image,
                "args": ["digest", "--stack", settings.stack],
                # plain_env's entries are {"name", "value"} pairs of strings, which the job's env entries allow.
                "envs": [*cast(list[gcp.cloudrunv2.JobTemplateTemplateContainerEnvArgsDict], plain),
                         {"name": "DIGEST_STATE_BUCKET", "value": bucket.name}, *secret_envs],
                "resources": {"limits": {"cpu": "1", "memory": "512Mi"}},
            }],
        }},
        opts=pulumi.ResourceOptions(depends_on=[*versions, job_account, *apis]))
    # Start this job and nothing else: run.invoker on the job lets its holder execute it
    # (cloud.google.com/run/docs/execute/jobs-on-schedule, "Required roles").
    gcp.cloudrunv2.JobIamMember("digest-job-invoker", project=project, location=region, name=job.name,
                                role="roles/run.invoker", member=f"serviceAccount:{invoker_email}",
                                opts=pulumi.ResourceOptions(depends_on=[invoker]))
    schedule = gcp.cloudscheduler.Job(
        "digest-schedule", project=project, region=region, name=f"{n.job}-{settings.stack}",
        description=f"Daily digest of {env.name} at {spec.time} {spec.time_zone} (alert_rules/digest.yaml)",
        schedule=payloads.cron(spec), time_zone=spec.time_zone, attempt_deadline="320s",
        # The job itself is at most once a day; a start that failed to reach Cloud Run is retried.
        retry_config={"retry_count": 3, "min_backoff_duration": "30s", "max_doublings": 2},
        http_target={"http_method": "POST", "uri": payloads.run_uri(project, region, n.job),
                     "oauth_token": {"service_account_email": invoker_email, "scope": payloads.CLOUD_PLATFORM}},
        opts=pulumi.ResourceOptions(depends_on=[job, invoker, *apis]))
    return {"schedule": schedule, "job": job, "registry": registry, "bucket": bucket}
