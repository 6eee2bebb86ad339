"""Who an alert reaches, judged against each level's routes as the stack's config states them.

The pack holds no fact of the process: every level's routes (Slack channels by name,
e-mailed roles, a GitHub issue, whom PagerDuty reaches first), the roles' names and
identities, and which environment is production all come from the policy config
``errorops check --policy-config`` writes from alert_rules/ (``errorops/check/config.py``).
Without that config the policies report so instead of guessing.

Where it applies. Staging and dev route less on purpose, so a stack's requirements are
its levels' routes cut down to what its environment may notify (``notify``), *except*
in a production environment (``production``), where every route is required whatever
``notify`` says: shrinking prod's allow-list cannot silence prod.

Who is who. A resource alone cannot tell whose Sentry user id or which e-mail channel
belongs to which role, so ``recipients`` maps each role to its Sentry user ids and Cloud
Monitoring channels (logical names). A PagerDuty action or channel reaches the roles
the level's escalation ladder starts with. Slack is recognised from the resources
themselves (channel name). PagerDuty itself is never required: the process pages only
"if configured".

GitHub issues. Sentry runs ticketing actions on error issues only (on a metric monitor's
issues they are no-ops: src/sentry/notifications/notification_action/metric_alert_registry/
handlers/unsupported_metric_alert_handler.py), so a level's GitHub route is a stack rule
(``sentry-github-issues``): some alert on error issues opens them, labelled with the level,
and no alert fed by a metric monitor carries a ticketing action. Cloud Monitoring cannot
open issues at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .common import (
    ENVIRONMENT_SCHEMA, GCP_ALERT_POLICY, GCP_CHANNEL, SENTRY_ALERT, SENTRY_MONITOR, environment, gcp_level, get,
    is_unknown, missing_config, plain, sentry_level,
)

GITHUB = "github_issue"
TICKETING = ("github", "github_enterprise", "jira", "jira_server", "azure_devops")
_LEVEL_LABEL = re.compile(r"^P\d$")
_REQUIRED_KEYS = ("levels", "recipients", "production")

_ROUTES_SCHEMA = {
    "type": "object",
    "properties": {
        "slack": {"type": "array", "items": {"type": "string"}},
        "email": {"type": "array", "items": {"type": "string"}},
        "githubIssue": {"type": "boolean"},
        "pagerdutyReaches": {"type": "array", "items": {"type": "string"}},
    },
}
CONFIG_SCHEMA = {
    "environment": ENVIRONMENT_SCHEMA,
    "production": {"type": "boolean",
                   "description": "A production environment: every route is required whatever notify allows."},
    "levels": {"type": "object", "additionalProperties": _ROUTES_SCHEMA,
               "description": "Level id (P0, ...) -> its full routes (severity_levels.yaml)."},
    "notify": {
        "type": "object",
        "description": "What this stack's environment may notify (environments.yaml notify:); ignored in "
                       "production.",
        "properties": {
            "slack": {"type": "boolean"},
            "email": {"type": "array", "items": {"type": "string"}},
            "githubIssue": {"type": "boolean"},
            "pagerduty": {"type": "boolean"},
        },
    },
    "recipients": {
        "type": "object",
        "description": "Role id -> its name, Sentry user ids and Cloud Monitoring channels (logical names).",
        "additionalProperties": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "sentryUserIds": {"type": "array", "items": {"type": "string"}},
                "gcpChannels": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}


def slack_route(channel: str) -> str:
    return "slack:" + channel


def email_route(role: str) -> str:
    return "email:" + role


@dataclass(frozen=True)
class RoutingConfig:
    environment: str
    production: bool
    notify: Mapping
    levels: Mapping
    recipients: Mapping

    @classmethod
    def read(cls, config: Mapping, urn: str) -> "RoutingConfig":
        return cls(
            environment=environment(config, urn),
            production=bool(config.get("production")),
            notify=config.get("notify") or {},
            levels=config.get("levels") or {},
            recipients=config.get("recipients") or {},
        )

    def level(self, level: int | None) -> Mapping:
        return self.levels.get(f"P{level}") or {} if level is not None else {}

    def slack_channels(self, level: int) -> list[str]:
        return [str(c) for c in self.level(level).get("slack") or []]

    def pager_reaches(self, level: int) -> set[str]:
        return {str(r) for r in self.level(level).get("pagerdutyReaches") or []}

    def _allows(self, level: int, route: str) -> bool:
        if self.production or not self.notify:
            return True
        if route.startswith("slack:"):
            return bool(self.notify.get("slack", False))
        if route == GITHUB:
            return bool(self.notify.get("githubIssue", False))
        role = route[len("email:"):]
        return role in [str(r) for r in self.notify.get("email") or []] or (
            bool(self.notify.get("pagerduty", False)) and role in self.pager_reaches(level))

    def required(self, level: int | None, github: bool) -> list[str]:
        """The routes this stack's alerts of ``level`` must reach (``github``: the resource can open issues)."""
        spec = self.level(level)
        routes = [slack_route(c) for c in self.slack_channels(level)]
        routes += [email_route(str(r)) for r in spec.get("email") or []]
        if github and spec.get("githubIssue"):
            routes.append(GITHUB)
        return [r for r in routes if self._allows(level, r)]

    def ids(self, role: str, key: str) -> set[str]:
        entry = self.recipients.get(role) or {}
        return {str(v) for v in entry.get(key) or [] if str(v)}

    def roles(self) -> list[str]:
        return sorted(self.recipients)

    def describe(self, route: str) -> str:
        if route == GITHUB:
            return "a GitHub issue"
        if route.startswith("slack:"):
            return "Slack " + route[len("slack:"):]
        role = route[len("email:"):]
        name = str((self.recipients.get(role) or {}).get("name") or role)
        return f"{name} ({role})"

    def where(self) -> str:
        return (f"environment '{self.environment}'" + (" (production: the whole process applies)"
                                                        if self.production else ""))


def read_config(policy: str, args_config: Mapping | None, urn: str, report) -> RoutingConfig | None:
    problem = missing_config(policy, args_config, _REQUIRED_KEYS)
    if problem:
        report(problem)
        return None
    return RoutingConfig.read(args_config, urn)


def _same_slack_channel(a: str, b: str) -> bool:
    return a.strip().lstrip("#").lower() == b.strip().lstrip("#").lower() != ""


def _slack_reached(name: str, level: int, cfg: RoutingConfig) -> set[str]:
    return {slack_route(c) for c in cfg.slack_channels(level) if _same_slack_channel(name, c)}


def _missing_message(what: str, level: int, missing: list[str], cfg: RoutingConfig, hint: Callable[[str], str]) -> str:
    names = ", ".join(cfg.describe(r) for r in missing)
    hints = "".join(hint(r) for r in missing if r.startswith("email:"))
    return f"{what} (P{level}) does not reach {names}: required for P{level} in {cfg.where()}.{hints}"


# --- Sentry alerts ------------------------------------------------------------------------

def sentry_routes(payload: Mapping, level: int, cfg: RoutingConfig) -> set[str]:
    """The routes a Sentry alert's active actions reach."""
    reached: set[str] = set()
    for group in get(payload, "actionFilters", default=[]) or []:
        for action in get(group, "actions", default=[]) or []:
            if str(get(action, "status", default="active")) != "active":
                continue
            kind = str(get(action, "type", default=""))
            target = str(get(action, "config", "targetIdentifier", default=""))
            if kind == "slack":
                reached |= _slack_reached(str(get(action, "config", "targetDisplay", default="")), level, cfg)
            elif kind == "email" and str(get(action, "config", "targetType", default="")) == "user":
                reached |= {email_route(r) for r in cfg.roles() if target in cfg.ids(r, "sentryUserIds")}
            elif kind == "pagerduty":
                reached |= {email_route(r) for r in cfg.pager_reaches(level)}
    return reached


def _sentry_hint(route: str) -> str:
    role = route[len("email:"):]
    return f" Sentry reaches {role} by an e-mail action to a Sentry user id in recipients.{role}.sentryUserIds."


def validate_sentry_alert(args, report_violation) -> None:
    if args.resource_type != SENTRY_ALERT:
        return
    props = plain(args.props)
    payload = get(props, "payload", default={}) or {}
    level = sentry_level(payload)
    if level is None:
        return
    cfg = read_config("sentry-alert-routing", args.get_config(), args.urn, lambda m: report_violation(m, None))
    if cfg is None:
        return
    required = cfg.required(level, github=False)  # GitHub issues: validate_sentry_ticketing
    if not required:
        return
    name = str(get(payload, "name", default=args.name))
    if get(payload, "enabled", default=True) is False:
        report_violation(f"Sentry alert '{name}' (P{level}) is disabled: it notifies nobody.", None)
        return
    if _ticketing_only(payload):
        return  # the alert that opens GitHub issues: validate_sentry_ticketing
    missing = [r for r in required if r not in sentry_routes(payload, level, cfg)]
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
    if not alerts:
        return
    cfg = read_config("sentry-github-issues", args.get_config(), alerts[0].urn, lambda m: report_violation(m, None))
    if cfg is None:
        return
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
    levels = sorted(int(str(level)[1:]) for level in cfg.levels if _LEVEL_LABEL.match(str(level)))
    missing = [level for level in levels if GITHUB in cfg.required(level, github=True) and level not in served]
    if missing:
        names = "/".join(f"P{level}" for level in missing)
        report_violation(f"No Sentry alert opens a GitHub issue for new {names} errors: required in {cfg.where()}. "
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


def gcp_routes(channels: list, level: int, cfg: RoutingConfig) -> set[str]:
    reached: set[str] = set()
    for channel in channels:
        props = plain(channel.props)
        if get(props, "enabled", default=True) is False:
            continue
        kind = str(get(props, "type", default=""))
        if kind == "slack":
            reached |= _slack_reached(str(get(props, "labels", "channel_name", default="")), level, cfg)
        if kind == "pagerduty":
            reached |= {email_route(r) for r in cfg.pager_reaches(level)}
        reached |= {email_route(r) for r in cfg.roles() if channel.name in cfg.ids(r, "gcpChannels")}
    return reached


def _gcp_hint(route: str) -> str:
    role = route[len("email:"):]
    return f" Cloud Monitoring reaches {role} by a channel named in recipients.{role}.gcpChannels."


def validate_gcp_routing(args, report_violation) -> None:
    channels_by_urn = {r.urn: r for r in args.resources if r.resource_type == GCP_CHANNEL}
    policies = sorted((r for r in args.resources if r.resource_type == GCP_ALERT_POLICY), key=lambda r: r.urn)
    if policies and read_config("gcp-alert-routing", args.get_config(), policies[0].urn,
                                lambda m: report_violation(m, None)) is None:
        return
    for policy in policies:
        props = plain(policy.props)
        level = gcp_level(props)
        if level is None:
            continue
        cfg = RoutingConfig.read(args.get_config(), policy.urn)
        required = cfg.required(level, github=False)  # Cloud Monitoring cannot open GitHub issues
        if not required:
            continue
        name = str(get(props, "displayName", default=policy.name))
        if get(props, "enabled", default=True) is False:
            report_violation(f"Cloud Monitoring policy '{name}' (P{level}) is disabled: it notifies nobody.",
                             policy.urn)
            continue
        listed = props.get("notificationChannels")
        routes_somewhere = is_unknown(listed) or bool(listed)
        reached = gcp_routes(_referenced_channels(policy, channels_by_urn), level, cfg) if routes_somewhere else set()
        missing = [r for r in required if r not in reached]
        if missing:
            report_violation(_missing_message(f"Cloud Monitoring policy '{name}'", level, missing, cfg, _gcp_hint),
                             policy.urn)
