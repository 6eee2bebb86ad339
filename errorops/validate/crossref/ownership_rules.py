"""The ownership rules generated from the taxonomy are ones Sentry accepts and mean what the taxonomy says.

Sentry refuses a rule whose owner is not a team of the project ("Invalid rule owners: #slug",
src/sentry/ownership/grammar.py ``resolve_actors``), and a rule matches the tag that carries
the exception class alone, so types that share a class must share their team.

Passing::

    error_types: [{id: a, exception: CacheError, team: devops, ...}]
    ownership: {tag: error_type, fallback_team: backend, auto_assignment: issue_owner}
    environments: [{sentry_project: {teams: [backend, devops]}, ...}]

Failing (``product`` owns no project; ``ValidationError`` owned by two teams; no team ``ops``)::

    error_types: [{id: a, exception: ValidationError, team: backend},
                  {id: b, exception: ValidationError, team: product}]
    ownership: {fallback_team: ops, ...}
    environments: [{sentry_project: {teams: [backend]}, ...}]
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.ownership import ownership_spec
from ...model.types import Model
from ...problems import Problem
from ._refs import listing, unknown


def check(model: Model) -> Iterator[Problem]:
    spec = ownership_spec(model)
    if spec is None:
        return
    teams = {t.id for t in model.teams}
    if spec.fallback_team not in teams:
        yield unknown(spec.at, "team", spec.fallback_team, teams, "fallback_team", label="teams")
    first: dict[str, tuple[str, str]] = {}
    for error in model.sentry.error_types:
        seen = first.setdefault(error.exception, (error.id, error.team))
        if seen[1] != error.team:
            yield error.at.problem(
                f"error type '{error.id}' gives {error.exception} to team '{error.team}', but '{seen[0]}' gives it "
                f"to '{seen[1]}': an ownership rule matches the exception class (tags.{spec.tag}) alone, "
                "so types that share a class share their team", "team")
    for env in model.environments:
        project_teams = set(env.project.teams)
        if spec.fallback_team in teams and spec.fallback_team not in project_teams:
            yield spec.at.problem(
                f"fallback team '{spec.fallback_team}' is not a team of {env.project.slug} (environments.yaml "
                f"sentry_project.teams: {listing(project_teams)}): Sentry refuses an owner outside the project",
                "fallback_team")
        for error in model.sentry.error_types:
            if error.team in teams and error.team not in project_teams:
                yield error.at.problem(
                    f"team '{error.team}' owns {error.exception} but is not a team of {env.project.slug} "
                    f"(environments.yaml sentry_project.teams: {listing(project_teams)}): Sentry refuses an owner "
                    "outside the project", "team")
