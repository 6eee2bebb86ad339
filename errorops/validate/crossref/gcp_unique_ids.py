"""Ids in gcp_monitoring.yaml are unique, because they become Pulumi logical names and
Cloud Monitoring ids.

Passing::

    alert_policies:
      - {id: error-rate-critical, ...}
      - {id: error-rate-high, ...}

Failing (the second policy would replace the first)::

    alert_policies:
      - {id: error-rate-critical, ...}
      - {id: error-rate-critical, ...}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from ...model.position import At
from ...model.types import Model
from ...problems import Problem


class _Located(Protocol):
    """A model object: it knows where it was written."""

    @property
    def at(self) -> At: ...


def _duplicates(kind: str, items: Iterable[_Located], key: Callable[[Any], str] = lambda item: item.id,
                field: str = "id") -> Iterator[Problem]:
    first: dict[str, _Located] = {}
    for item in items:
        value = key(item)
        if value in first:
            seen = first[value].at.problem("")
            yield item.at.problem(
                f"duplicate {kind} '{value}' (first defined at {seen.path}:{seen.line}:{seen.column})", field)
        else:
            first[value] = item


def check(model: Model) -> Iterator[Problem]:
    gcp = model.gcp
    if gcp is None:
        return
    yield from _duplicates("environment", gcp.environments)
    yield from _duplicates("notification channel id", gcp.channels)
    yield from _duplicates("query id", gcp.queries)
    yield from _duplicates("log metric", gcp.log_metrics)
    yield from _duplicates("uptime check id", gcp.uptime_checks)
    yield from _duplicates("SLO id", gcp.slos)
    yield from _duplicates("alert policy id", gcp.policies)
    for policy in gcp.policies:
        yield from _duplicates(f"condition id in policy '{policy.id}'", policy.conditions)
    for metric in gcp.log_metrics:
        yield from _duplicates(f"label of log metric '{metric.id}'", metric.labels, key=lambda label: label.key, field="key")
