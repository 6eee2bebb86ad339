"""Config keys named in gcp_monitoring.yaml are declared in Pulumi.yaml with the right shape:
credentials secret, switches boolean.

Passing::

    # gcp_monitoring.yaml: {type: slack, auth_token_config: slackAuthToken, ...}
    # Pulumi.yaml
    config:
      slackAuthToken: {type: string, secret: true, description: Slack app token}
      pagerduty: {type: boolean, default: false, description: Page in this stack}

Failing (the token is not secret, so the CLI would keep it in plain text; the
switch is a string, so "false" would be true)::

    config:
      slackAuthToken: {type: string, description: Slack app token}
      pagerduty: {type: string, description: Page in this stack}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.gcp import GcpChannel, UptimeCheck
from ...model.types import Model
from ...problems import Problem


def check(model: Model) -> Iterator[Problem]:
    gcp = model.gcp
    if gcp is None or (not model.config_keys and not model.stacks):
        return
    declared = {k.name: k for k in model.config_keys}
    wanted: list[tuple[GcpChannel | UptimeCheck, str, str | None, str]] = []
    for ch in gcp.channels:
        wanted += [(ch, "auth_token_config", ch.auth_token_config, "secret"),
                   (ch, "service_key_config", ch.service_key_config, "secret"),
                   (ch, "enabled_config", ch.enabled_config, "boolean")]
    wanted += [(u, "host_config", u.host_config, "string") for u in gcp.uptime_checks]
    for obj, field, name, shape in wanted:
        if name is None:
            continue
        key = declared.get(name)
        if key is None:
            yield obj.at.problem(f"{field} '{name}' is not declared under config: in Pulumi.yaml", field)
        elif shape == "secret" and not key.secret:
            yield key.at.problem(f"config key '{name}' holds a credential and must be declared secret: true")
        elif shape == "boolean" and key.type != "boolean":
            yield key.at.problem(f"config key '{name}' switches a channel on and must be declared type: boolean")
