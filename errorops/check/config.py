"""The policy pack's config for one stack: facts the resources alone cannot tell.

The pack holds the process's rules; this only says *where* the stack is and *who is
who*, from the stack file and the model:

- ``environment``: the stack's ``errorops:environment``;
- ``notify``: that environment's allow-list (environments.yaml ``notify:``), which the
  routing policies use outside the production environments;
- ``recipients``: each role's Sentry user id (the stack's config value, or the same
  placeholder the offline plan puts into the payloads when it is unset) and its Cloud
  Monitoring e-mail channels (logical names from gcp_monitoring.yaml);
- ``retentionDays``: the organisation's declared retention (organization.yaml), which
  every stack's log buckets must keep, whatever an environment overrides.

The same JSON is what the Pulumi CLI takes: ``errorops check --stack prod --policy-config``
prints it for ``pulumi preview --policy-pack policies --policy-pack-config FILE``.
"""

from __future__ import annotations

from typing import Any

from ..model.types import Model, StackFile
from ..plan.runner import _stack_config

# Policies that read each key (the rest read none).
_ENVIRONMENT = ("sentry-alert-routing", "sentry-github-issues", "gcp-alert-routing", "protected-in-prod",
                "dev-never-pages")
_ROUTING = ("sentry-alert-routing", "sentry-github-issues", "gcp-alert-routing")


def environment_of(model: Model, stack: StackFile) -> str:
    return str(stack.values.get(model.project_name + ":environment", stack.name))


def policy_config(model: Model, stack: StackFile) -> dict[str, dict[str, Any]]:
    config, _, _ = _stack_config(model, stack)
    ns = model.project_name + ":"
    env_id = environment_of(model, stack)
    env = next((e for e in model.environments if e.id == env_id), None)
    channels = model.gcp.channels if model.gcp else ()
    recipients = {}
    for r in model.recipients:
        entry: dict[str, list[str]] = {
            "sentryUserIds": [config[ns + r.sentry_user_config]] if r.sentry_user_config and config.get(
                ns + r.sentry_user_config) else [],
            "gcpChannels": sorted(c.id for c in channels if c.type == "email" and c.recipient == r.id),
        }
        if entry["sentryUserIds"] or entry["gcpChannels"]:
            recipients[r.id] = entry
    out: dict[str, dict[str, Any]] = {name: {"environment": env_id} for name in _ENVIRONMENT}
    routing: dict[str, Any] = {"recipients": recipients}
    if env is not None:
        routing["notify"] = {
            "slack": env.notify.slack,
            "email": list(env.notify.email),
            "githubIssue": env.notify.github_issue,
            "pagerduty": env.notify.pagerduty,
        }
    for name in _ROUTING:
        out[name].update(routing)
    out["log-retention"] = {"retentionDays": model.organization.retention_days}
    return out
