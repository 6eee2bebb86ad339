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

from ...problems import Problem


def _unknown(at, ids, known: set, what: str, path: tuple) -> Iterator[Problem]:
    for index, ref in enumerate(ids):
        if ref not in known:
            yield at.problem(f"unknown {what} '{ref}' (known: {', '.join(sorted(known))})", *path, index)


def check(model) -> Iterator[Problem]:
    teams = {t.id for t in model.teams}
    envs = {e.id for e in model.environments}
    for env in model.environments:
        for index, team in enumerate(env.project.teams):
            if team not in teams:
                yield env.project.at.problem(
                    f"unknown team '{team}' (teams: {', '.join(sorted(teams))})", "teams", index
                )
    channels = {c.id for c in model.slack_channels}
    recipients = {r.id for r in model.recipients}
    for level in model.severity_levels:
        yield from _unknown(level.at, level.routes.slack, channels, "Slack channel", ("routes", "slack"))
        yield from _unknown(level.at, level.routes.email, recipients, "recipient", ("routes", "email"))
        for step in level.escalation:
            yield from _unknown(step.at, step.notify, recipients, "recipient", ("notify",))
    for env in model.environments:
        yield from _unknown(env.at, env.notify.email, recipients, "recipient", ("notify", "email"))
    org = model.organization
    if org.owner_environment not in envs:
        yield org.at.problem(
            f"owner_environment '{org.owner_environment}' is not an environment (environments: {', '.join(sorted(envs))})",
            "owner_environment",
        )
