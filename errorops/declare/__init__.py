"""Declare every resource of one stack from the typed model."""

from __future__ import annotations

import warnings

import pulumi

from ..model.types import Model
from ..model.digest import digest_spec
from .digest_job import declare_digest_job
from .gcp_monitoring import declare_gcp_monitoring
from .ownership import declare_ownership
from .pagerduty import declare_escalation_policies
from .report_job import declare_report_jobs
from .sentry_alerts import declare_sentry_alerts
from .sentry_org import declare_sentry_org
from .settings import read_settings


# One class of each pulumi_gcp module the program declares with: touching it loads the
# module, which pulumi_gcp otherwise does lazily, on first use.
SDK_CLASSES = ("logging.Metric", "monitoring.AlertPolicy", "storage.Bucket", "cloudrunv2.Job", "cloudscheduler.Job",
                "secretmanager.Secret", "artifactregistry.Repository", "serviceaccount.Account", "projects.Service")


def load_sdk() -> None:
    """Load now what the program will declare with: the offline plan does it once, before it
    forks a planner per stack, rather than once in every planner."""
    import pulumi_gcp as gcp

    with warnings.catch_warnings():
        # Loading announces deprecations of data sources errorops does not use.
        warnings.simplefilter("ignore", DeprecationWarning)
        for path in SDK_CLASSES:
            module, name = path.split(".")
            getattr(getattr(gcp, module), name)


def declare_stack(model: Model) -> None:
    settings = read_settings(model)
    env = settings.environment
    org = declare_sentry_org(model, settings)
    alerts = declare_sentry_alerts(model, settings, org)
    declare_ownership(model, settings, org)
    escalations = declare_escalation_policies(model, settings)
    declare_gcp_monitoring(model, settings)
    digest = declare_digest_job(model, settings)
    spec = digest_spec(model)  # set wherever a digest was declared
    declare_report_jobs(model, settings, digest)

    pulumi.export("environment", env.id)
    pulumi.export("sentry_project", org.project.slug)
    # The DSN is what the service is configured with; it reaches nobody through the plan or logs.
    pulumi.export("sentry_dsn", pulumi.Output.secret(org.key.dsn_public))
    pulumi.export("retention_days", env.retention_days)
    pulumi.export("slack_integration_id", org.slack_integration_id)
    pulumi.export("teams", sorted(t.id for t in model.teams) if settings.owns_organization else [])
    pulumi.export("sentry_alerts", sorted(alerts))
    pulumi.export("digest", "not scheduled in this environment (alert_rules/digest.yaml)" if digest is None or spec is None
                  else "waits for its image (errorops:digestImage)" if digest["job"] is None
                  else f"daily at {spec.time} {spec.time_zone}")
    pulumi.export(
        "pagerduty",
        f"escalation policies: {', '.join(sorted(escalations))}" if settings.pagerduty
        else "not configured: nothing PagerDuty is declared",
    )
