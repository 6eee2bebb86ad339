"""Who a route reaches, named by role: "the on-call engineer", not a user id.

Read from a tree's own files with plain YAML (both sides of a diff may differ): the
recipients and Slack channels of ``notification_targets``, the channels of
``gcp_monitoring`` and the ids set in ``Pulumi.<stack>.yaml``. Anything unreadable
just leaves a name unmapped; ``Roles`` then falls back to what the value says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_UNSET = re.compile(r"^<unset (?:[A-Za-z0-9_-]+:)?([A-Za-z0-9_]+)>$")
_ID_OF = re.compile(r"<id of ([^>]+)>")
_CONFIG_SUFFIXES = ("SentryUserId", "PagerdutyUserId", "Email", "ChannelId")


def role_name(name: str) -> str:
    """"On-call Engineer" -> "the on-call engineer"; acronyms ("CTO") keep their case."""
    words = [w if (w.isupper() and len(w) > 1) else w.lower() for w in name.split()]
    return "the " + " ".join(words)


def _from_config_key(key: str) -> str:
    """teamLeadSentryUserId -> "the team lead" (when no recipient declares the key)."""
    for suffix in _CONFIG_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", key).lower().split()
    text = " ".join(words).replace("on call", "on-call")
    return "the " + text


@dataclass
class Roles:
    recipient_by_config: dict[str, str] = field(default_factory=dict)  # config key -> "the team lead"
    recipient_by_id: dict[str, str] = field(default_factory=dict)  # team_lead -> "the team lead"
    slack_by_config: dict[str, str] = field(default_factory=dict)  # slackAlertsChannelId -> "#alerts"
    slack_by_id: dict[str, str] = field(default_factory=dict)  # alerts -> "#ai-content-factory-alerts"
    gcp_channels: dict[str, tuple[str, str]] = field(default_factory=dict)  # logical name -> (type, target)
    stack_values: dict[str, dict[str, str]] = field(default_factory=dict)  # stack -> value -> role

    def merged(self, newer: Roles) -> Roles:
        """This side's names, overridden by ``newer``'s."""
        stacks = {s: dict(v) for s, v in self.stack_values.items()}
        for s, v in newer.stack_values.items():
            stacks.setdefault(s, {}).update(v)
        return Roles(
            {**self.recipient_by_config, **newer.recipient_by_config},
            {**self.recipient_by_id, **newer.recipient_by_id},
            {**self.slack_by_config, **newer.slack_by_config},
            {**self.slack_by_id, **newer.slack_by_id},
            {**self.gcp_channels, **newer.gcp_channels},
            stacks,
        )

    # --- Sentry -----------------------------------------------------------------------
    def sentry_user(self, stack: str, identifier: object) -> str | None:
        """The role a Sentry user id stands for, or None if unknown."""
        text = str(identifier)
        unset = _UNSET.match(text)
        if unset:
            key = unset.group(1)
            return self.recipient_by_config.get(key) or _from_config_key(key)
        return self.stack_values.get(stack, {}).get(text)

    def slack_channel(self, stack: str, identifier: object, display: object) -> str:
        text = str(identifier)
        unset = _UNSET.match(text)
        if unset and unset.group(1) in self.slack_by_config:
            return self.slack_by_config[unset.group(1)]
        known = self.stack_values.get(stack, {}).get(text)
        if known:
            return known
        if display:
            return "#" + str(display).lstrip("#")
        return f"channel {text}"

    # --- Google Cloud Monitoring ------------------------------------------------------
    def gcp_channel(self, channel: str) -> tuple[str, str]:
        """(kind, target) of a channel reference: ("email", "the team lead"), ("slack", "#x"), ("pagerduty", "")."""
        match = _ID_OF.search(channel)
        name = match.group(1) if match else channel.rsplit("/", 1)[-1]
        if name in self.gcp_channels:
            return self.gcp_channels[name]
        for prefix in ("email-", "slack-"):
            if name.startswith(prefix):
                rest = name[len(prefix):]
                kind = prefix[:-1]
                if kind == "email":
                    return kind, self.recipient_by_id.get(rest.replace("-", "_"), "the " + rest.replace("-", " ").replace("on call", "on-call"))
                return kind, self.slack_by_id.get(rest, "#" + rest)
        if name.startswith("pagerduty"):
            return "pagerduty", ""
        return "channel", name


def _documents(root: Path) -> list[dict[str, Any]]:
    docs = []
    for path in sorted((root / "alert_rules").glob("*.y*ml")):
        try:
            doc = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(doc, dict):
            docs.append(doc)
    return docs


def _list(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def load_roles(root: Path) -> Roles:
    roles = Roles()
    docs = _documents(root)
    config_keys: dict[str, str] = {}  # config key -> role, for values set in stack files
    for doc in docs:
        if doc.get("kind") != "notification_targets":
            continue
        for r in _list(doc.get("recipients")):
            if not r.get("id"):
                continue
            label = role_name(str(r.get("name") or str(r["id"]).replace("_", " ")))
            roles.recipient_by_id[str(r["id"])] = label
            for key in ("sentry_user_config", "address_config", "pagerduty_user_config"):
                if r.get(key):
                    roles.recipient_by_config[str(r[key])] = label
                    config_keys[str(r[key])] = label
        slack = doc.get("slack")
        slack = slack if isinstance(slack, dict) else {}
        for c in _list(slack.get("channels")):
            name = str(c.get("name") or c.get("id"))
            if c.get("id"):
                roles.slack_by_id[str(c["id"])] = name
            if c.get("channel_id_config"):
                roles.slack_by_config[str(c["channel_id_config"])] = name
                config_keys[str(c["channel_id_config"])] = name
    for doc in docs:
        if doc.get("kind") != "gcp_monitoring":
            continue
        for c in _list(doc.get("notification_channels")):
            if not c.get("id"):
                continue
            kind = str(c.get("type", "channel"))
            if kind == "email":
                target = roles.recipient_by_id.get(str(c.get("recipient")), role_name(str(c.get("recipient", c["id"])).replace("_", " ")))
            elif kind == "slack":
                target = roles.slack_by_id.get(str(c.get("slack_channel")), "#" + str(c.get("slack_channel", c["id"])))
            else:
                target = ""
            roles.gcp_channels[str(c["id"])] = (kind, target)
    for path in sorted(root.glob("Pulumi.*.yaml")):
        stack = path.name[len("Pulumi."):-len(".yaml")]
        try:
            doc = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        config = doc.get("config") if isinstance(doc, dict) else None
        if not isinstance(config, dict):
            continue
        values: dict[str, str] = {}
        for full, value in config.items():
            key = str(full).split(":", 1)[-1]
            if key in config_keys and isinstance(value, (str, int)) and not isinstance(value, bool):
                values[str(value)] = config_keys[key]
        roles.stack_values[stack] = values
    return roles
