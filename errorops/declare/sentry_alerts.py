"""Sentry monitors and alerts of one stack, through errorops' own dynamic resources.

pulumiverse_sentry's alert resources call the endpoints Sentry retired (410);
errorops.sentry_api talks to the current ones.
"""

from __future__ import annotations

from typing import Any, TypedDict

import pulumi
import pulumiverse_sentry as sentry

from ..model.types import Model
from ..sentry_api.resources import Alert, DefaultAlertRemoval, Monitor, ProjectErrorDetector
from .sentry_org import SentryOrg
from .sentry_payloads import SentryTargets, alert_payload, github_alert_payload, monitor_payload
from .settings import StackSettings


class _Scope(TypedDict):
    """The project a project-scoped Sentry resource belongs to (keyword arguments they share)."""

    organization: str
    project: pulumi.Output[str]
    project_id: pulumi.Output[str]


def _as_int(value: Any) -> Any:
    # Sentry answers ids as strings and wants them back as integers; the offline
    # plan's placeholder is left as it is.
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _targets(model: Model, settings: StackSettings, org: SentryOrg) -> SentryTargets:
    organization = settings.sentry_organization
    integrations = model.sentry.integrations
    assert integrations is not None  # read with the rules, and there are rules (declare_sentry_alerts)

    def lookup(provider_key: str, name: str) -> pulumi.Output[str]:
        return sentry.get_sentry_organization_integration_output(
            organization=organization, provider_key=provider_key, name=name
        ).id

    team_ids = {
        t.id: org.teams[t.id].internal_id if t.id in org.teams
        else sentry.get_sentry_team_output(organization=organization, slug=t.id).internal_id
        for t in model.teams
    }
    pagerduty = None
    if settings.pagerduty and not settings.pagerduty_sentry_service_id:
        raise pulumi.RunError(
            f"stack '{settings.stack}' pages through PagerDuty but {model.project_name}:pagerdutySentryServiceId is unset"
        )
    if settings.pagerduty and integrations.pagerduty_installation:
        pagerduty = (
            lookup("pagerduty", integrations.pagerduty_installation),
            settings.pagerduty_sentry_service_id,
            integrations.pagerduty_installation,
        )
    return SentryTargets(
        slack_integration_id=org.slack_integration_id,
        github_integration_id=lookup("github", integrations.github_installation),
        slack_channel_ids=settings.slack_channel_ids,
        sentry_user_ids=settings.sentry_user_ids,
        team_ids=team_ids,
        pagerduty=pagerduty,
    )


def declare_sentry_alerts(model: Model, settings: StackSettings, org: SentryOrg) -> dict[str, Alert]:
    if not model.sentry.rules:
        return {}
    organization = settings.sentry_organization
    env = settings.environment
    targets = _targets(model, settings, org)
    # Lists filter by the numeric project id: older Sentry refuses slugs in ?project=.
    scope: _Scope = {"organization": organization, "project": org.project.slug, "project_id": org.project.internal_id}
    # Alerts are organisation-wide: an issue alert reaches this project through its error monitor.
    error_monitor = ProjectErrorDetector(f"error-monitor-{env.id}", **scope)
    error_detector_id = error_monitor.sentry_id.apply(_as_int)
    alerts: dict[str, Alert] = {}
    for rule in model.sentry.rules:
        routes = model.severity(rule.severity).routes_in(env)
        if rule.monitor is not None:
            monitor = Monitor(f"monitor-{rule.id}", **scope, payload=monitor_payload(model, rule, env.id, targets))
            detector_id = monitor.sentry_id.apply(_as_int)
        else:
            detector_id = error_detector_id
        alerts[rule.id] = Alert(
            f"alert-{rule.id}",
            organization=organization,
            payload=alert_payload(model, rule, env.id, routes, targets, detector_id),
        )
    github = github_alert_payload(model, env, targets, error_detector_id)
    if github is not None:
        alerts["github_issues"] = Alert("alert-github_issues", organization=organization, payload=github)
    # Sentry gives every new project a default alert; only the declared ones may remain. It goes
    # last, so that a project is never left with no alert at all when a declared one fails.
    DefaultAlertRemoval(f"default-alert-removal-{env.id}", **scope,
                        opts=pulumi.ResourceOptions(depends_on=list(alerts.values())))
    return alerts
