"""What one stack's Pulumi config says, read through pulumi.Config.

The same code path serves `pulumi up` (config from the engine) and the offline
plan (config from Pulumi.<stack>.yaml, placeholders for secrets).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from ..model.types import Environment, Model


@dataclass(frozen=True)
class StackSettings:
    stack: str
    environment: Environment
    sentry_organization: str
    gcp_project: str
    # Recipient id -> secret Output of the address, or None where the stack does not set it.
    recipient_addresses: dict[str, pulumi.Output | None]
    # Slack channel id (YAML) -> Slack's channel id, or None where unset.
    slack_channel_ids: dict[str, str | None]
    # Whether this stack creates the organisation-wide resources (teams).
    owns_organization: bool


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
        recipient_addresses={r.id: config.get_secret(r.address_config) for r in model.recipients},
        slack_channel_ids={c.id: config.get(c.channel_id_config) for c in model.slack_channels},
        owns_organization=env_id == model.organization.owner_environment,
    )
