"""Every id that refers to something names something that exists.

Passing::

    organization: {owner_environment: prod, ...}
    environments: [{id: prod, sentry_project: {teams: [backend], ...}, ...}]
    teams: [{id: backend, name: Backend}]

Failing (no team ``platform``; no environment ``production``; a level routed to
a recipient that notification_targets.yaml does not define)::

    organization: {owner_environment: production, ...}
    environments: [{id: prod, sentry_project: {teams: [platform], ...}, ...}]
    levels: [{id: P0, routes: {email: [cto]}, ...}]
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.types import Model
from ...problems import Problem
from ._refs import listing, unknown_items


def check(model: Model) -> Iterator[Problem]:
    teams = {t.id for t in model.teams}
    envs = {e.id for e in model.environments}
    for env in model.environments:
        yield from unknown_items(env.project.at, env.project.teams, teams, "team", "teams", label="teams")
    channels = {c.id for c in model.slack_channels}
    recipients = {r.id for r in model.recipients}
    for level in model.severity_levels:
        yield from unknown_items(level.at, level.routes.slack, channels, "Slack channel", "routes", "slack")
        yield from unknown_items(level.at, level.routes.email, recipients, "recipient", "routes", "email")
        for step in level.escalation:
            yield from unknown_items(step.at, step.notify, recipients, "recipient", "notify")
    for env in model.environments:
        yield from unknown_items(env.at, env.notify.email, recipients, "recipient", "notify", "email")
    org = model.organization
    if org.owner_environment not in envs:
        yield org.at.problem(
            f"owner_environment '{org.owner_environment}' is not an environment (environments: {listing(envs)})",
            "owner_environment",
        )
