"""Config keys named in the YAML are declared in Pulumi.yaml, and addresses are secret.

Passing::

    # notification_targets: recipients: [{id: team_lead, address_config: teamLeadEmail}]
    # Pulumi.yaml
    config:
      teamLeadEmail: {type: string, secret: true, description: Team lead's address}

Failing (undeclared; or declared without ``secret: true``, which would let the
CLI store a person's address in plain text in git)::

    config:
      teamLeadEmail: {type: string, description: Team lead's address}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.types import Model
from ...problems import Problem


def check(model: Model) -> Iterator[Problem]:
    if not model.config_keys and not model.stacks:
        return  # a folder of rule files alone: nothing to compare with
    declared = {k.name: k for k in model.config_keys}
    emailed = {r for level in model.severity_levels for r in level.routes.email}
    paged = {r for level in model.severity_levels for step in level.escalation for r in step.notify}
    for recipient in model.recipients:
        keys = [("address_config", recipient.address_config, recipient.id in emailed, True),
                ("sentry_user_config", recipient.sentry_user_config, recipient.id in emailed, False),
                ("pagerduty_user_config", recipient.pagerduty_user_config, recipient.id in paged, False)]
        for field, name, needed, secret in keys:
            if name is None:
                if needed:
                    yield recipient.at.problem(f"recipient '{recipient.id}' is {'e-mailed' if field != 'pagerduty_user_config' else 'in an escalation ladder'} but has no {field}")
                continue
            key = declared.get(name)
            if key is None:
                yield recipient.at.problem(f"{field} '{name}' is not declared under config: in Pulumi.yaml", field)
            elif secret and not key.secret:
                yield key.at.problem(f"config key '{key.name}' holds a recipient's address and must be declared secret: true")
    for channel in model.slack_channels:
        if channel.channel_id_config not in declared:
            yield channel.at.problem(
                f"channel_id_config '{channel.channel_id_config}' is not declared under config: in Pulumi.yaml",
                "channel_id_config",
            )
