"""The policies of the error-management process, as CrossGuard policy objects.

Importing this package starts nothing: ``policies/__main__.py`` builds the pack (which
serves the analyzer protocol and blocks). Unit tests import the validators directly.
Each policy's config is described by its ``config_schema``; see policies/README.md.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy,
)

from . import advisory, credentials, digest, monitoring, personal_data, protection, routing

PACK_NAME = "errorops-process"

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY


def all_policies() -> list:
    """Every policy, in the order they are reported."""
    return [
        ResourceValidationPolicy(
            name="sentry-alert-routing",
            description="Each Sentry alert reaches every Slack channel and role its level routes to (as far as "
                        "the environment may notify; all of it in production), as the policy config states the "
                        "levels.",
            validate=routing.validate_sentry_alert,
            enforcement_level=MANDATORY,
            config_schema=PolicyConfigSchema(routing.CONFIG_SCHEMA),
        ),
        StackValidationPolicy(
            name="sentry-github-issues",
            description="New errors of every level that routes to a GitHub issue open one through an alert on "
                        "error issues; no alert fed by a metric monitor carries a ticketing action (Sentry ignores "
                        "it there).",
            validate=routing.validate_sentry_ticketing,
            enforcement_level=MANDATORY,
            config_schema=PolicyConfigSchema(routing.CONFIG_SCHEMA),
        ),
        StackValidationPolicy(
            name="gcp-alert-routing",
            description="Each Cloud Monitoring policy reaches every Slack channel and role its level routes to, "
                        "through the channels it points at (as far as the environment may notify; all of it in "
                        "production), as the policy config states the levels.",
            validate=routing.validate_gcp_routing,
            enforcement_level=MANDATORY,
            config_schema=PolicyConfigSchema(routing.CONFIG_SCHEMA),
        ),
        ResourceValidationPolicy(
            name="protected-in-prod",
            description="Sentry projects and log buckets of the protected environments are protected from deletion.",
            validate=protection.validate_protected,
            enforcement_level=MANDATORY,
            config_schema=PolicyConfigSchema(protection.PROTECT_SCHEMA),
        ),
        ResourceValidationPolicy(
            name="log-retention",
            description="Log buckets keep logs for the declared retention, in every stack.",
            validate=protection.validate_retention,
            enforcement_level=MANDATORY,
            config_schema=PolicyConfigSchema(protection.RETENTION_SCHEMA),
        ),
        ResourceValidationPolicy(
            name="credentials-are-secrets",
            description="No credential in plain text: tokens, keys, passwords and sensitive labels are secrets.",
            validate=credentials.validate_credentials,
            enforcement_level=MANDATORY,
        ),
        ResourceValidationPolicy(
            name="digest-job-secrets",
            description="The digest job reads its tokens, password and recipients from Secret Manager (never as "
                        "plain values), and every secret version's data is a Pulumi secret.",
            validate=digest.validate_job_secrets,
            enforcement_level=MANDATORY,
        ),
        ResourceValidationPolicy(
            name="no-personal-data",
            description="No personal data (user ids, e-mail or IP addresses, names) in alert filters, labels or "
                        "tags.",
            validate=personal_data.validate_personal_data,
            enforcement_level=MANDATORY,
        ),
        ResourceValidationPolicy(
            name="gcp-policy-documentation",
            description="Every Cloud Monitoring alert policy carries its runbook (documentation), a severity and "
                        "its process level.",
            validate=monitoring.validate_documentation,
            enforcement_level=MANDATORY,
        ),
        ResourceValidationPolicy(
            name="dev-never-pages",
            description="The environments that may not page declare no pager: no PagerDuty action, channel or "
                        "escalation policy.",
            validate=monitoring.validate_no_paging,
            enforcement_level=MANDATORY,
            config_schema=PolicyConfigSchema(monitoring.NO_PAGING_SCHEMA),
        ),
        ResourceValidationPolicy(
            name="sane-thresholds",
            description="Alert thresholds, windows and durations are inside sane bounds.",
            validate=advisory.validate_thresholds,
            enforcement_level=ADVISORY,
        ),
        ResourceValidationPolicy(
            name="named-owner",
            description="Every Sentry rule and Cloud Monitoring policy names the team that owns it.",
            validate=advisory.validate_owner,
            enforcement_level=ADVISORY,
        ),
    ]
