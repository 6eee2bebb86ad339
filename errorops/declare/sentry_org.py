"""The Sentry organisation with pulumiverse_sentry: teams, the project, its key, the Slack lookup.

These resources use endpoints Sentry still serves; alerts and monitors do not
(see errorops.sentry_api).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumiverse_sentry as sentry

from ..model.types import Model
from .settings import StackSettings


@dataclass
class SentryOrg:
    teams: dict[str, sentry.SentryTeam]
    project: sentry.SentryProject
    key: sentry.SentryKey
    slack_integration_id: pulumi.Output[str]


def declare_sentry_org(model: Model, settings: StackSettings) -> SentryOrg:
    org = settings.sentry_organization
    env = settings.environment
    spec = env.project

    # Teams are organisation-wide: one stack creates them, the others name them by slug.
    teams: dict[str, sentry.SentryTeam] = {}
    if settings.owns_organization:
        teams = {t.id: sentry.SentryTeam(f"team-{t.id}", organization=org, slug=t.id, name=t.name) for t in model.teams}
    team_slugs = [teams[t].slug if t in teams else t for t in spec.teams]

    project = sentry.SentryProject(
        f"project-{env.id}",
        organization=org,
        slug=spec.slug,
        name=spec.name,
        platform=spec.platform,
        teams=team_slugs,
        resolve_age=spec.resolve_age_hours,
        opts=pulumi.ResourceOptions(protect=env.protect),
    )
    key = sentry.SentryKey(
        f"key-{env.id}",
        organization=org,
        project=project.slug,
        name=f"{spec.slug} (managed by errorops)",
    )
    slack = sentry.get_sentry_organization_integration_output(
        organization=org, provider_key="slack", name=model.slack_workspace
    )
    return SentryOrg(teams, project, key, slack.id)
