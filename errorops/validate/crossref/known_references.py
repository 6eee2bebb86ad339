"""Every id that refers to something names something that exists.

Passing::

    organization: {owner_environment: prod, ...}
    environments: [{id: prod, sentry_project: {teams: [backend], ...}, ...}]
    teams: [{id: backend, name: Backend}]

Failing (no team ``platform``; no environment ``production``)::

    organization: {owner_environment: production, ...}
    environments: [{id: prod, sentry_project: {teams: [platform], ...}, ...}]
"""

from __future__ import annotations

from collections.abc import Iterator

from ...problems import Problem


def check(model) -> Iterator[Problem]:
    teams = {t.id for t in model.teams}
    envs = {e.id for e in model.environments}
    for env in model.environments:
        for index, team in enumerate(env.project.teams):
            if team not in teams:
                yield env.project.at.problem(
                    f"unknown team '{team}' (teams: {', '.join(sorted(teams))})", "teams", index
                )
    org = model.organization
    if org.owner_environment not in envs:
        yield org.at.problem(
            f"owner_environment '{org.owner_environment}' is not an environment (environments: {', '.join(sorted(envs))})",
            "owner_environment",
        )
