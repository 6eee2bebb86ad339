"""Who a P0 or P1 alert reaches: Slack, the on-call engineer, the team lead, a GitHub issue.

The process (constants here, not read from alert_rules/):

- every P0 Sentry rule and Cloud Monitoring policy notifies Slack
  ``#ai-content-factory-alerts`` and the on-call engineer;
- every P0 and P1 e-mails the team lead;
- new P0 and P1 errors open a GitHub issue (Cloud Monitoring cannot). Sentry runs ticketing
  actions on error issues only (on a metric monitor's issues they are no-ops:
  src/sentry/notifications/notification_action/metric_alert_registry/handlers/
  unsupported_metric_alert_handler.py), so this is a stack rule: some alert on error issues
  opens them, and no alert fed by a metric monitor carries a ticketing action.

Where it applies. Staging and dev route less on purpose, so a stack's requirements
are the process cut down to what its environment may notify (policy config
``notify``, the environment's allow-list), *except* in the production environments
(``productionEnvironments``, default ``[prod]``), where the whole process is required
whatever ``notify`` says: shrinking prod's allow-list cannot silence prod. With no
config the stack is treated as production (strictest).

Who is who. A resource alone cannot tell whose Sentry user id or which e-mail channel
belongs to the on-call engineer, so ``recipients`` maps each role to its Sentry user
ids and its Cloud Monitoring channels (logical resource names). A PagerDuty action or
channel also reaches the on-call engineer (the P0 escalation ladder starts with them).
Slack is recognised from the resources themselves (channel name).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .common import (
    ENVIRONMENT_SCHEMA, GCP_ALERT_POLICY, GCP_CHANNEL, SENTRY_ALERT, SENTRY_MONITOR, env_list_schema, environment,
    gcp_level, get, is_unknown, plain, sentry_level, str_list,
)

SLACK = "slack"
ON_CALL = "on_call_engineer"
TEAM_LEAD = "team_lead"
GITHUB = "github_issue"
TICKETING = ("github", "github_enterprise", "jira", "jira_server", "azure_devops")
_LEVEL_LABEL = re.compile(r"^P\d$")

# The process document: what each level must reach.
PROCESS_ROUTES: dict[int, tuple[str, ...]] = {
    0: (SLACK, ON_CALL, TEAM_LEAD, GITHUB),
    1: (TEAM_LEAD, GITHUB),
}
DEFAULT_SLACK_CHANNEL = "#ai-content-factory-alerts"
DEFAULT_PRODUCTION = ["prod"]

CONFIG_SCHEMA = {
    "environment": ENVIRONMENT_SCHEMA,
    "productionEnvironments": env_list_schema(
        "Environments that must route as the whole process says, whatever notify allows.", DEFAULT_PRODUCTION),
    "notify": {
        "type": "object",
        "description": "What this stack's environment may notify (environments.yaml notify:); ignored in "
                       "production environments. Default: everything.",
        "properties": {
            "slack": {"type": "boolean"},
            "email": {"type": "array", "items": {"type": "string"}},
            "githubIssue": {"type": "boolean"},
            "pagerduty": {"type": "boolean"},
        },
    },
    "slackChannel": {"type": "string", "default": DEFAULT_SLACK_CHANNEL,
                     "description": "The Slack channel every P0 must reach."},
    "recipients": {
        "type": "object",
        "description": "Role (on_call_engineer, team_lead, ...) -> its Sentry user ids and Cloud Monitoring "
                       "notification channels (logical names).",
        "additionalProperties": {
            "type": "object",
            "properties": {
                "sentryUserIds": {"type": "array", "items": {"type": "string"}},
                "gcpChannels": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}

_DESCRIBE = {
    SLACK: "Slack {slack}",
    ON_CALL: "the on-call engineer",
    TEAM_LEAD: "the team lead by e-mail",
    GITHUB: "a GitHub issue",
}


@dataclass(frozen=True)
class RoutingConfig:
    environment: str
    production: bool
    notify: Mapping
    slack_channel: str
    recipients: Mapping

    @classmethod
    def read(cls, config: Mapping | None, urn: str) -> "RoutingConfig":
        config = config or {}
        env = environment(config, urn)
        return cls(
            environment=env,
            production=env in str_list(config, "productionEnvironments", DEFAULT_PRODUCTION),
            notify=config.get("notify") or {},
            slack_channel=str(config.get("slackChannel") or DEFAULT_SLACK_CHANNEL),
            recipients=config.get("recipients") or {},
        )

    def allows(self, route: str) -> bool:
        if self.production or not self.notify:
            return True
        email = [str(r) for r in self.notify.get("email") or []]
        if route == SLACK:
            return bool(self.notify.get("slack", False))
        if route == GITHUB:
            return bool(self.notify.get("githubIssue", False))
        if route == ON_CALL:
            return ON_CALL in email or bool(self.notify.get("pagerduty", False))
        return route in email

    def required(self, level: int | None, applicable: tuple[str, ...]) -> list[str]:
        return [r for r in PROCESS_ROUTES.get(level, ()) if r in applicable and self.allows(r)]

    def ids(self, role: str, key: str) -> set[str]:
        entry = self.recipients.get(role) or {}
        return {str(v) for v in entry.get(key) or [] if str(v)}

    def describe(self, route: str) -> str:
        return _DESCRIBE[route].format(slack=self.slack_channel)

    def where(self) -> str:
        return (f"environment '{self.environment}'" + (" (production: the whole process applies)"
                                                        if self.production else ""))


def _same_slack_channel(a: str, b: str) -> bool:
    return a.strip().lstrip("#").lower() == b.strip().lstrip("#").lower() != ""


# --- Sentry alerts ------------------------------------------------------------------------

def sentry_routes(payload: Mapping, cfg: RoutingConfig) -> set[str]:
    """The routes a Sentry alert's active actions reach."""
    reached: set[str] = set()
    on_call_ids, lead_ids = cfg.ids(ON_CALL, "sentryUserIds"), cfg.ids(TEAM_LEAD, "sentryUserIds")
    for group in get(payload, "actionFilters", default=[]) or []:
        for action in get(group, "actions", default=[]) or []:
            if str(get(action, "status", default="active")) != "active":
                continue
            kind = str(get(action, "type", default=""))
            target = get(action, "config", "targetIdentifier", default="")
            if kind == "slack":
                display = str(get(action, "config", "targetDisplay", default=""))
                if _same_slack_channel(display, cfg.slack_channel):
                    reached.add(SLACK)
            elif kind == "email" and str(get(action, "config", "targetType", default="")) == "user":
                if str(target) in on_call_ids:
                    reached.add(ON_CALL)
                if str(target) in lead_ids:
                    reached.add(TEAM_LEAD)
            elif kind == "pagerduty":
                reached.add(ON_CALL)
            elif kind in ("github", "github_enterprise"):
                reached.add(GITHUB)
    return reached


def _missing_message(what: str, level: int, missing: list[str], cfg: RoutingConfig, hint: Callable[[str], str]) -> str:
    names = ", ".join(cfg.describe(r) for r in missing)
    hints = "".join(hint(r) for r in missing)
    return f"{what} (P{level}) does not reach {names}: required for P{level} in {cfg.where()}.{hints}"


def _sentry_hint(route: str) -> str:
    if route == ON_CALL:
        return (" The on-call engineer is an e-mail action to a Sentry user id in recipients.on_call_engineer"
                ".sentryUserIds, or a PagerDuty action.")
    if route == TEAM_LEAD:
        return " The team lead is an e-mail action to a Sentry user id in recipients.team_lead.sentryUserIds."
    return ""


def validate_sentry_alert(args, report_violation) -> None:
    if args.resource_type != SENTRY_ALERT:
        return
    props = plain(args.props)
    payload = get(props, "payload", default={}) or {}
    level = sentry_level(payload)
    if level not in PROCESS_ROUTES:
        return
    cfg = RoutingConfig.read(args.get_config(), args.urn)
    name = str(get(payload, "name", default=args.name))
    if get(payload, "enabled", default=True) is False:
        report_violation(f"Sentry alert '{name}' (P{level}) is disabled: it notifies nobody.", None)
        return
    if _ticketing_only(payload):
        return  # the alert that opens GitHub issues: validate_sentry_ticketing
    required = cfg.required(level, (SLACK, ON_CALL, TEAM_LEAD))
    missing = [r for r in required if r not in sentry_routes(payload, cfg)]
    if missing:
        report_violation(_missing_message(f"Sentry alert '{name}'", level, missing, cfg, _sentry_hint), None)


def _active_actions(payload: Mapping) -> list:
    return [a for g in get(payload, "actionFilters", default=[]) or [] for a in get(g, "actions", default=[]) or []
            if str(get(a, "status", default="active")) == "active"]


def _ticketing_only(payload: Mapping) -> bool:
    kinds = {str(get(a, "type", default="")) for a in _active_actions(payload)}
    return bool(kinds) and kinds <= set(TICKETING)


def validate_sentry_ticketing(args, report_violation) -> None:
    """Stack policy: GitHub issues come from an alert on error issues, never from a metric monitor's."""
    alerts = sorted((r for r in args.resources if r.resource_type == SENTRY_ALERT), key=lambda r: r.urn)
    monitors = {r.urn for r in args.resources if r.resource_type == SENTRY_MONITOR}
    served: set[int] = set()
    for alert in alerts:
        payload = get(plain(alert.props), "payload", default={}) or {}
        tickets = [a for a in _active_actions(payload) if str(get(a, "type", default="")) in TICKETING]
        fed_by_monitor = any(getattr(d, "urn", None) in monitors for d in getattr(alert, "dependencies", None) or [])
        if tickets and fed_by_monitor:
            report_violation(
                f"Sentry alert '{get(payload, 'name', default=alert.name)}' is fed by a metric monitor and carries a "
                f"{get(tickets[0], 'type')} action: Sentry ignores ticketing actions on metric issues, so it would "
                f"open nothing. GitHub issues come from an alert on error issues.", alert.urn)
        elif tickets:
            served |= {level for a in tickets for level in _labelled_levels(a)}
    if not alerts:
        return
    cfg = RoutingConfig.read(args.get_config(), alerts[0].urn)
    missing = [level for level in sorted(PROCESS_ROUTES) if cfg.required(level, (GITHUB,)) and level not in served]
    if missing:
        levels = "/".join(f"P{level}" for level in missing)
        report_violation(f"No Sentry alert opens a GitHub issue for new {levels} errors: required in {cfg.where()}. "
                         "The alert of github_issues in alert_rules/sentry_alerts.yaml labels each issue with its "
                         "level; a level's errors are served where a GitHub action carries its label.", None)


def _labelled_levels(action) -> set[int]:
    labels = get(action, "data", "additional_fields", "labels", default=[]) or []
    return {int(str(label)[1:]) for label in labels if _LEVEL_LABEL.match(str(label))}


# --- Cloud Monitoring policies (stack policy: the channels are other resources) -----------

def _referenced_channels(policy, channels_by_urn: Mapping) -> list:
    """Channel resources a policy routes to: its notificationChannels' property dependencies
    (what the engine records), else every channel it depends on."""
    deps = (getattr(policy, "property_dependencies", None) or {}).get("notificationChannels") or []
    if not deps:
        deps = getattr(policy, "dependencies", None) or []
    return [channels_by_urn[d.urn] for d in deps if getattr(d, "urn", None) in channels_by_urn]


def gcp_routes(channels: list, cfg: RoutingConfig) -> set[str]:
    reached: set[str] = set()
    on_call, lead = cfg.ids(ON_CALL, "gcpChannels"), cfg.ids(TEAM_LEAD, "gcpChannels")
    for channel in channels:
        props = plain(channel.props)
        if get(props, "enabled", default=True) is False:
            continue
        kind = str(get(props, "type", default=""))
        if kind == "slack" and _same_slack_channel(str(get(props, "labels", "channel_name", default="")),
                                                   cfg.slack_channel):
            reached.add(SLACK)
        if kind == "pagerduty" or channel.name in on_call:
            reached.add(ON_CALL)
        if channel.name in lead:
            reached.add(TEAM_LEAD)
    return reached


def _gcp_hint(route: str) -> str:
    if route == ON_CALL:
        return (" The on-call engineer is a channel named in recipients.on_call_engineer.gcpChannels, or a "
                "PagerDuty channel.")
    if route == TEAM_LEAD:
        return " The team lead is a channel named in recipients.team_lead.gcpChannels."
    return ""


def validate_gcp_routing(args, report_violation) -> None:
    channels_by_urn = {r.urn: r for r in args.resources if r.resource_type == GCP_CHANNEL}
    for policy in sorted((r for r in args.resources if r.resource_type == GCP_ALERT_POLICY), key=lambda r: r.urn):
        props = plain(policy.props)
        level = gcp_level(props)
        if level not in PROCESS_ROUTES:
            continue
        cfg = RoutingConfig.read(args.get_config(), policy.urn)
        name = str(get(props, "displayName", default=policy.name))
        if get(props, "enabled", default=True) is False:
            report_violation(f"Cloud Monitoring policy '{name}' (P{level}) is disabled: it notifies nobody.",
                             policy.urn)
            continue
        required = cfg.required(level, (SLACK, ON_CALL, TEAM_LEAD))
        if not required:
            continue
        listed = props.get("notificationChannels")
        routes_somewhere = is_unknown(listed) or bool(listed)
        reached = gcp_routes(_referenced_channels(policy, channels_by_urn), cfg) if routes_somewhere else set()
        missing = [r for r in required if r not in reached]
        if missing:
            report_violation(_missing_message(f"Cloud Monitoring policy '{name}'", level, missing, cfg, _gcp_hint),
                             policy.urn)
