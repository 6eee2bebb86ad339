"""Every place a policy's level routes to, in every environment, has a notification channel.

Passing (P0 routes Slack ``alerts`` and e-mail ``team_lead``; both have a channel)::

    notification_channels:
      - {id: slack-alerts, type: slack, slack_channel: alerts, auth_token_config: slackAuthToken}
      - {id: email-team-lead, type: email, recipient: team_lead}

Failing (prod allows e-mailing ``on_call_engineer`` and P0 routes to them, but no
channel stands for them: Cloud Monitoring would silently skip the on-call engineer)::

    notification_channels:
      - {id: email-team-lead, type: email, recipient: team_lead}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.types import Model
from ...problems import Problem


def check(model: Model) -> Iterator[Problem]:
    gcp = model.gcp
    if gcp is None:
        return
    slack = {c.slack_channel for c in gcp.channels if c.type == "slack"}
    email = {c.recipient for c in gcp.channels if c.type == "email"}
    pager = any(c.type == "pagerduty" for c in gcp.channels)
    used = {p.severity for p in gcp.policies}
    reported: set[tuple[str, str, str | None]] = set()
    for level in model.severity_levels:
        if level.id not in used:
            continue
        for env in model.environments:
            routes = level.routes_in(env)
            missing: list[tuple[str, str | None, str]] = [
                ("slack", i, f"Slack channel '{i}'") for i in routes.slack if i not in slack]
            missing += [("email", i, f"recipient '{i}'") for i in routes.email if i not in email]
            if routes.pagerduty and not pager:
                missing.append(("pagerduty", None, "PagerDuty"))
            for kind, target, what in missing:
                if (level.id, kind, target) in reported:
                    continue
                reported.add((level.id, kind, target))
                path = ("routes", kind) + ((getattr(level.routes, kind).index(target),) if target else ())
                yield level.at.problem(
                    f"level {level.id} routes to {what} (environment '{env.id}'), but gcp_monitoring.yaml has no "
                    f"notification channel for it", *path)
