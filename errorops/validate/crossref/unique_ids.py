"""Ids are unique within their kind, because they become Pulumi logical names.

Passing::

    teams:
      - {id: backend, name: Backend}
      - {id: devops, name: DevOps}

Failing (the second ``backend`` would silently replace the first)::

    teams:
      - {id: backend, name: Backend}
      - {id: backend, name: Back end}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from ...model.position import At
from ...model.types import Model
from ...problems import Problem


class _Located(Protocol):
    """A model object: it knows where it was written."""

    @property
    def at(self) -> At: ...


def _duplicates(kind: str, items: Iterable[_Located], field: str = "id") -> Iterator[Problem]:
    first: dict[Any, _Located] = {}
    for item in items:
        value = getattr(item, field)
        if value in first:
            seen = first[value].at.problem("")
            yield item.at.problem(
                f"duplicate {kind} '{value}' (first defined at {seen.path}:{seen.line}:{seen.column})", field
            )
        else:
            first[value] = item


def check(model: Model) -> Iterator[Problem]:
    yield from _duplicates("team id", model.teams)
    yield from _duplicates("environment id", model.environments)
    yield from _duplicates("Sentry project slug", (e.project for e in model.environments), "slug")
    yield from _duplicates("Slack channel id", model.slack_channels)
    yield from _duplicates("recipient id", model.recipients)
    yield from _duplicates("severity level", model.severity_levels)
    yield from _duplicates("error type id", model.sentry.error_types)
    yield from _duplicates("Sentry rule id", model.sentry.rules)
