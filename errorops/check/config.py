"""The policy pack's config for one stack: every process fact the pack judges against.

The pack holds no fact of the process (no channel, role, level, environment or number):
it reads them all from this config, which is derived from alert_rules/ and the stack
file, so renaming a channel or a role in the YAML changes what the pack expects:

- ``environment``, and per policy what the YAML says about it: ``production``
  (environments.yaml ``production:``), ``notify`` (its allow-list),
  ``protectedEnvironments`` (``protect: true`` or production), ``noPagingEnvironments`` (``notify:``
  without ``pagerduty``);
- ``levels``: each severity level's full routes (severity_levels.yaml), with Slack
  channels by their names (notification_targets.yaml) and, for a paging level, the
  roles its escalation ladder starts with (PagerDuty reaches them first);
- ``recipients``: each role's display name, its Sentry user id (the stack's config
  value, or the placeholder the offline plan puts into the payloads when it is unset)
  and its Cloud Monitoring e-mail channels (logical names from gcp_monitoring.yaml);
- ``retentionDays``: the organisation's declared retention (organization.yaml).

The same JSON is what the Pulumi CLI takes: ``errorops check --stack prod --policy-config``
prints it for ``pulumi preview --policy-pack policies --policy-pack-config FILE``, and the
workflows pass it to every ``preview`` and ``up`` (``policyPackConfigs``).
"""

from __future__ import annotations

from typing import Any

from ..model.types import Model, StackFile
from ..plan.stack_config import stack_config

_ROUTING = ("sentry-alert-routing", "sentry-github-issues", "gcp-alert-routing")


def environment_of(model: Model, stack: StackFile) -> str:
    return str(stack.values.get(model.project_name + ":environment", stack.name))


def _levels(model: Model) -> dict[str, dict[str, Any]]:
    slack_names = {c.id: c.name for c in model.slack_channels}
    out = {}
    for level in model.severity_levels:
        routes = level.routes
        pager_first = list(level.escalation[0].notify) if routes.pagerduty and level.escalation else []
        out[level.id] = {
            "slack": [slack_names.get(c, c) for c in routes.slack],
            "email": list(routes.email),
            "githubIssue": routes.github_issue,
            "pagerdutyReaches": pager_first,
        }
    return out


def _recipients(model: Model, config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ns = model.project_name + ":"
    channels = model.gcp.channels if model.gcp else ()
    out = {}
    for r in model.recipients:
        user_id = config.get(ns + r.sentry_user_config) if r.sentry_user_config else None
        out[r.id] = {
            "name": r.name,
            "sentryUserIds": [user_id] if user_id else [],
            "gcpChannels": sorted(c.id for c in channels if c.type == "email" and c.recipient == r.id),
        }
    return out


def policy_config(model: Model, stack: StackFile) -> dict[str, dict[str, Any]]:
    config, _, _ = stack_config(model, stack)
    env_id = environment_of(model, stack)
    env = next((e for e in model.environments if e.id == env_id), None)
    routing: dict[str, Any] = {
        "environment": env_id,
        "production": bool(env and env.production),
        "levels": _levels(model),
        "recipients": _recipients(model, config),
    }
    if env is not None:
        routing["notify"] = {
            "slack": env.notify.slack,
            "email": list(env.notify.email),
            "githubIssue": env.notify.github_issue,
            "pagerduty": env.notify.pagerduty,
        }
    out: dict[str, dict[str, Any]] = {name: dict(routing) for name in _ROUTING}
    # A production environment is protected whatever its protect: says (turning that off must not pass).
    out["protected-in-prod"] = {
        "environment": env_id,
        "protectedEnvironments": [e.id for e in model.environments if e.protect or e.production]}
    out["dev-never-pages"] = {
        "environment": env_id, "noPagingEnvironments": [e.id for e in model.environments if not e.notify.pagerduty]}
    out["log-retention"] = {"retentionDays": model.organization.retention_days}
    return out
