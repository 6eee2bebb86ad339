"""What one stack's Pulumi config says, read through pulumi.Config.

The same code path serves `pulumi up` (config from the engine) and the offline
plan (config from Pulumi.<stack>.yaml, placeholders for secrets).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi

from ..model.types import Environment, Model


@dataclass(frozen=True)
class JobSettings:
    """Where the digest and report jobs run, what they run, and how they send (config)."""

    region: str
    image: str | None  # the errorops image by digest; None until the deploy workflow built it
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_from: str
    sentry_base_url: str | None
    # digestSentryToken, digestSlackBotToken, smtpPassword: secret Outputs, None where unset.
    secrets: dict[str, pulumi.Output[str] | None]

    def secret(self, key: str) -> pulumi.Output[str]:
        value = self.secrets.get(key)
        if value is None:
            raise pulumi.RunError(f"the digest job needs errorops:{key}; set it with: pulumi config set --secret {key} ...")
        return value


# Google Cloud region of the jobs where the stack sets none.
DEFAULT_JOB_REGION = "europe-west2"


def _jobs(config: pulumi.Config) -> JobSettings:
    return JobSettings(
        region=config.get("digestRegion") or DEFAULT_JOB_REGION,
        image=config.get("digestImage") or None,
        smtp_host=config.get("smtpHost") or "",
        smtp_port=config.get_int("smtpPort") or 587,
        smtp_user=config.get("smtpUser") or "",
        smtp_from=config.get("smtpFrom") or "",
        sentry_base_url=pulumi.Config("sentry").get("baseUrl"),
        secrets={key: config.get_secret(key) for key in ("digestSentryToken", "digestSlackBotToken", "smtpPassword")},
    )


@dataclass(frozen=True)
class StackSettings:
    stack: str
    environment: Environment
    sentry_organization: str
    gcp_project: str
    # Recipient id -> secret Output of the address, or None where the stack does not set it.
    recipient_addresses: dict[str, pulumi.Output[str] | None]
    # Recipient id -> Sentry user id, or None where unset.
    sentry_user_ids: dict[str, str | None]
    # Recipient id -> PagerDuty user id, or None where unset.
    pagerduty_user_ids: dict[str, str | None]
    # Slack channel id (YAML) -> Slack's channel id, or None where unset.
    slack_channel_ids: dict[str, str | None]
    # Whether this stack creates the organisation-wide resources (teams).
    owns_organization: bool
    # Whether this stack pages through PagerDuty, and the Sentry-side PagerDuty service id.
    pagerduty: bool
    pagerduty_sentry_service_id: str
    # The config gcp_monitoring.yaml names: a channel's on/off switch (config key -> on), a
    # channel's credential (config key -> secret Output, None where unset), an uptime check's
    # host (config key -> value, None where unset).
    gcp_switches: dict[str, bool] = field(default_factory=dict)
    gcp_secrets: dict[str, pulumi.Output[str] | None] = field(default_factory=dict)
    gcp_hosts: dict[str, str | None] = field(default_factory=dict)
    jobs: JobSettings | None = None

    def addresses_json(self, roles: tuple[str, ...], who: str) -> pulumi.Output[str]:
        """A secret JSON object role -> e-mail address, for a job that e-mails ``roles`` (``who``:
        "the digest e-mails", in the message when an address is unset)."""
        addresses = {r: self.recipient_addresses.get(r) for r in roles}
        missing = sorted(r for r, a in addresses.items() if a is None)
        if missing:
            raise pulumi.RunError(f"stack '{self.stack}': {who} {', '.join(missing)}, whose address "
                                  "config is not set (notification_targets.yaml address_config)")
        return pulumi.Output.secret(pulumi.Output.all(**addresses).apply(lambda a: json.dumps(a, sort_keys=True)))


def read_settings(model: Model) -> StackSettings:
    config = pulumi.Config(model.project_name)
    env_id = config.require("environment")
    known = {e.id: e for e in model.environments}
    if env_id not in known:
        raise pulumi.RunError(
            f"stack '{pulumi.get_stack()}': {model.project_name}:environment is '{env_id}', "
            f"which alert_rules/ does not define (environments: {', '.join(sorted(known))})"
        )
    return StackSettings(
        stack=pulumi.get_stack(),
        environment=known[env_id],
        sentry_organization=config.require("sentryOrganization"),
        gcp_project=pulumi.Config("gcp").require("project"),
        recipient_addresses={r.id: config.get_secret(r.address_config) for r in model.recipients if r.address_config},
        sentry_user_ids={r.id: config.get(r.sentry_user_config) for r in model.recipients if r.sentry_user_config},
        pagerduty_user_ids={r.id: config.get(r.pagerduty_user_config) or None
                            for r in model.recipients if r.pagerduty_user_config},
        slack_channel_ids={c.id: config.get(c.channel_id_config) for c in model.slack_channels},
        owns_organization=env_id == model.organization.owner_environment,
        pagerduty=config.require_bool("pagerduty"),
        pagerduty_sentry_service_id=config.require("pagerdutySentryServiceId"),
        jobs=_jobs(config),
        **_gcp_config(model, config),
    )


def _gcp_config(model: Model, config: pulumi.Config) -> dict[str, Any]:
    if model.gcp is None:
        return {}
    channels = model.gcp.channels
    return {
        "gcp_switches": {c.enabled_config: bool(config.get_bool(c.enabled_config)) for c in channels if c.enabled_config},
        "gcp_secrets": {key: config.get_secret(key) for c in channels
                        for key in (c.auth_token_config, c.service_key_config) if key},
        "gcp_hosts": {c.host_config: config.get(c.host_config) for c in model.gcp.uptime_checks},
    }
