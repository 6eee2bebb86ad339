"""The typed model: what the YAML means once loaded and checked.

Each object keeps ``at``, a pointer into the file it came from, so later checks
can name the line and column of any of its fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..load.yaml_source import Document
from .position import At, source_position

if TYPE_CHECKING:
    from .sentry import SentryAlerting
    from .gcp import GcpMonitoring


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    at: At = source_position()


@dataclass(frozen=True)
class SentryProjectSpec:
    slug: str
    name: str
    platform: str
    teams: tuple[str, ...]
    resolve_age_hours: int | None = None
    at: At = source_position()


@dataclass(frozen=True)
class Routes:
    """Where an alert goes: Slack channel ids, recipient ids, a GitHub issue, a page."""

    slack: tuple[str, ...]
    email: tuple[str, ...]
    github_issue: bool
    pagerduty: bool

    def allowed_by(self, notify: "Notify") -> "Routes":
        return Routes(
            slack=self.slack if notify.slack else (),
            email=tuple(r for r in self.email if r in notify.email),
            github_issue=self.github_issue and notify.github_issue,
            pagerduty=self.pagerduty and notify.pagerduty,
        )


@dataclass(frozen=True)
class Notify:
    """What an environment may send at all; every level's routes are cut down to it."""

    slack: bool
    email: tuple[str, ...]
    github_issue: bool
    pagerduty: bool


@dataclass(frozen=True)
class Environment:
    id: str
    name: str
    project: SentryProjectSpec
    protect: bool
    retention_days: int
    notify: Notify
    production: bool = False
    at: At = source_position()


@dataclass(frozen=True)
class EscalationStep:
    notify: tuple[str, ...]
    escalate_after_minutes: int
    at: At = source_position()


@dataclass(frozen=True)
class SeverityLevel:
    id: str
    name: str
    summary: str
    response_business_minutes: int
    response_always_minutes: int | None
    renotify_minutes: int
    sentry_priority: str
    criteria: tuple[str, ...]
    actions: tuple[str, ...]
    routes: Routes
    escalation: tuple[EscalationStep, ...] = ()
    # Sentry alerts cannot re-notify: config.frequency only throttles (per issue and action).
    throttle_minutes: int = 0
    pagerduty_priority: str | None = None
    at: At = source_position()

    @property
    def rank(self) -> int:
        """0 for P0, the most severe."""
        return int(self.id[1:])

    def routes_in(self, env: Environment) -> Routes:
        return self.routes.allowed_by(env.notify)


@dataclass(frozen=True)
class SlackChannel:
    id: str
    name: str
    channel_id_config: str
    at: At = source_position()


@dataclass(frozen=True)
class Recipient:
    """A role. Each config key is optional: a role is reached only in the ways it has keys for."""

    id: str
    name: str
    address_config: str | None
    sentry_user_config: str | None
    pagerduty_user_config: str | None
    at: At = source_position()
    # The levels whose alerts may e-mail this role (None: any), and whether only production may reach it.
    levels: tuple[str, ...] | None = None
    production_only: bool = False


@dataclass(frozen=True)
class Organization:
    slug: str
    name: str
    owner_environment: str
    retention_days: int
    at: At = source_position()


@dataclass(frozen=True)
class ConfigKey:
    """A key of the project's own config namespace, as Pulumi.yaml declares it."""

    name: str
    type: str
    secret: bool
    has_default: bool
    default: Any = None
    at: At = source_position()


@dataclass(frozen=True)
class StackFile:
    """A Pulumi.<stack>.yaml file: plain values, and the names of its secure: keys."""

    name: str
    values: dict[str, Any]
    secure_keys: frozenset[str]
    at: At = source_position()

    def value_at(self, key: str) -> At:
        return At(self.at.doc, ("config", key))


@dataclass(frozen=True)
class Model:
    project_name: str
    organization: Organization
    teams: tuple[Team, ...]
    environments: tuple[Environment, ...]
    severity_levels: tuple[SeverityLevel, ...]
    slack_workspace: str
    slack_channels: tuple[SlackChannel, ...]
    recipients: tuple[Recipient, ...]
    config_keys: tuple[ConfigKey, ...]
    stacks: tuple[StackFile, ...]
    sentry: SentryAlerting
    # Documents of each kind, for checks about the files themselves (e.g. a kind given twice).
    files_by_kind: dict[str, tuple[Document, ...]] = field(default_factory=dict, compare=False, repr=False)
    # alert_rules/gcp_monitoring.yaml (Google Cloud Monitoring); None where the repository has none.
    gcp: GcpMonitoring | None = None

    def environment(self, env_id: str) -> Environment:
        return next(e for e in self.environments if e.id == env_id)

    def severity(self, level_id: str) -> SeverityLevel:
        return next(s for s in self.severity_levels if s.id == level_id)

    def team(self, team_id: str) -> Team:
        return next(t for t in self.teams if t.id == team_id)
