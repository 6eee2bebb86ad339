"""Sentry's server-side rules for the bodies errorops sends, beyond its published OpenAPI schema.

Sentry's validators refuse bodies that its OpenAPI schema allows (the schema types a monitor's
data sources as `{}`). Each rule here is one of Sentry's checks, read in getsentry/sentry and
cited in its docstring, and answers as Sentry does: 400 with a Django REST framework error body
keyed by the camelCase field path. The double runs every rule of a kind on every POST and PUT,
so a payload Sentry refuses cannot pass errorops' tests.

A rule is a function ``check(body, state) -> Iterator[Refusal]`` registered with ``@rule``;
``tests/test_sentry_contract.py`` shows each refusing a violating body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Refusal:
    """One of Sentry's error messages, at the camelCase path of the offending field."""

    path: tuple[str | int, ...]
    message: str


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # "detector", "workflow" or "ownership"
    check: Callable[[dict, Any], Iterator[Refusal]]

    @property
    def source(self) -> str:
        return (self.check.__doc__ or "").strip().splitlines()[0]


RULES: list[Rule] = []


def rule(kind: str, rule_id: str):
    def register(check):
        RULES.append(Rule(rule_id, kind, check))
        return check
    return register


@dataclass
class OrgState:
    """What the rules need to know of the organisation and of the token."""

    environments: set[str] = field(default_factory=set)
    # Team id -> slug; the teams the token's user belongs to; the token's scopes.
    teams: dict[str, str] = field(default_factory=dict)
    member_of: set[str] = field(default_factory=set)
    scopes: set[str] = field(default_factory=set)
    # Installed integrations: id -> provider key ("slack", "github", "pagerduty").
    integrations: dict[str, str] = field(default_factory=dict)
    # PagerDuty services of the PagerDuty integration: service id -> name.
    pagerduty_services: dict[str, str] = field(default_factory=dict)
    user_ids: set[str] = field(default_factory=set)
    # Slack channels the Slack integration can see: channel id -> name (without '#').
    slack_channels: dict[str, str] = field(default_factory=dict)
    # Open team membership (allow_joinleave): any member may assign any team as owner.
    open_membership: bool = False
    detector_ids: set[str] = field(default_factory=set)
    # The slugs of the teams of the project a request is about, and the members' e-mails (ownership rules).
    project_teams: set[str] = field(default_factory=set)
    user_emails: set[str] = field(default_factory=set)


def refusals(kind: str, body: Any, state: OrgState) -> list[tuple[Rule, Refusal]]:
    if not isinstance(body, dict):
        return []
    return [(r, refusal) for r in RULES if r.kind == kind for refusal in r.check(body, state)]


def drf_errors(found: list[tuple[Rule, Refusal]]) -> dict:
    """Nest messages by path, as DRF renders a serializer's errors (list items keyed by index)."""
    errors: dict = {}
    for _, refusal in found:
        node = errors
        path = refusal.path or ("nonFieldErrors",)
        for key in path[:-1]:
            node = node.setdefault(str(key), {})
        node.setdefault(str(path[-1]), []).append(refusal.message)
    return errors


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


# The rule modules register themselves; they need the names above, so they come last.
from . import detectors, ownership, workflows  # noqa: E402,F401
