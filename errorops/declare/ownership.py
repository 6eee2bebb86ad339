"""The project's Sentry ownership rules, generated from the taxonomy (errorops.model.ownership)."""

from __future__ import annotations

import pulumi

from ..model.ownership import ownership_spec
from ..model.types import Model
from ..sentry_api.ownership import ProjectOwnership
from .sentry_org import SentryOrg
from .settings import StackSettings


def declare_ownership(model: Model, settings: StackSettings, org: SentryOrg) -> ProjectOwnership | None:
    spec = ownership_spec(model)
    if spec is None:
        return None
    env = settings.environment
    payload = {"raw": spec.raw, "fallthrough": spec.fallthrough, "autoAssignment": spec.sentry_auto_assignment}
    # After the project (and the teams this stack creates): Sentry resolves each #team among the project's teams.
    depends = [org.project, *org.teams.values()]
    return ProjectOwnership(f"ownership-{env.id}", organization=settings.sentry_organization, project=org.project.slug,
                            payload=payload, opts=pulumi.ResourceOptions(depends_on=depends))
