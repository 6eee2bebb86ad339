"""Who a planned action or notification channel reaches, in the words of alert_rules/.

`slack:alerts` (a channel id of notification_targets.yaml), `email:team_lead` (a recipient id),
`github_issue`, `pagerduty`. A Sentry action names its target by a Sentry user id or Slack channel
id from stack config (or, unset in the plan, by the config key itself); a Cloud Monitoring policy
names its channels by resource (`<id of email-team-lead>`), whose kind and target
gcp_monitoring.yaml declares.
"""

from __future__ import annotations

import re
from typing import Any

from ..model.types import Model, StackFile

_UNSET = re.compile(r"^<unset (?:[A-Za-z0-9_-]+:)?([A-Za-z0-9_]+)>$")
_ID_OF = re.compile(r"<id of ([^>]+)>")


def _config_key(model: Model, stack: StackFile, identifier: object) -> str | None:
    """The config key a planned identifier came from: written in the placeholder, or set to that value."""
    text = str(identifier)
    unset = _UNSET.match(text)
    if unset:
        return unset.group(1)
    prefix = model.project_name + ":"
    return next((k[len(prefix):] for k, v in stack.values.items() if k.startswith(prefix) and str(v) == text), None)


def sentry_action(model: Model, stack: StackFile, action: dict[str, Any]) -> str:
    kind = action.get("type")
    config = action.get("config") or {}
    if kind == "slack":
        key = _config_key(model, stack, config.get("targetIdentifier"))
        display = str(config.get("targetDisplay") or "").lstrip("#")
        channel = next((c for c in model.slack_channels
                        if c.channel_id_config == key or c.name.lstrip("#") == display), None)
        return f"slack:{channel.id if channel else display or config.get('targetIdentifier')}"
    if kind == "email":
        key = _config_key(model, stack, config.get("targetIdentifier"))
        recipient = next((r for r in model.recipients if r.sentry_user_config and r.sentry_user_config == key), None)
        return f"email:{recipient.id if recipient else config.get('targetIdentifier')}"
    if kind == "github":
        return "github_issue"
    if kind == "pagerduty":
        return "pagerduty"
    return str(kind)


def gcp_channel(model: Model, channel: str) -> str:
    match = _ID_OF.search(channel)
    name = match.group(1) if match else channel.rsplit("/", 1)[-1]
    spec = next((c for c in (model.gcp.channels if model.gcp else ()) if c.id == name), None)
    if spec is None:
        return f"channel:{name}"
    if spec.type == "slack":
        return f"slack:{spec.slack_channel}"
    if spec.type == "email":
        return f"email:{spec.recipient}"
    return spec.type
