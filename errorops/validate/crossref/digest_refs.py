"""The digest's references resolve, and its time zone exists.

Passing::

    digest: {schedule: {time_zone: Europe/London}, environments: [prod],
             slack: {channel: alerts}, email: {recipients: [product_manager]}, ...}

Failing (no such zone; no environment ``production``; no recipient ``pm``)::

    digest: {schedule: {time_zone: Europe/Londres}, environments: [production],
             email: {recipients: [pm]}, ...}
"""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...model.digest import digest_spec
from ...model.types import Model
from ...problems import Problem
from ._refs import unknown, unknown_items


def check(model: Model) -> Iterator[Problem]:
    spec = digest_spec(model)
    if spec is None:
        return
    at = spec.at
    try:
        ZoneInfo(spec.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        yield at.problem(f"unknown time zone '{spec.time_zone}' (an IANA name such as Europe/London)",
                         "schedule", "time_zone")
    yield from unknown_items(at, spec.environments, {e.id for e in model.environments}, "environment",
                             "environments", label="environments")
    yield from unknown_items(at, spec.triage_levels, {s.id for s in model.severity_levels}, "severity level",
                             "triage", "levels", label="levels")
    channels = {c.id for c in model.slack_channels}
    if spec.slack_channel not in channels:
        yield unknown(at, "Slack channel", spec.slack_channel, channels, "slack", "channel", label="channels")
    recipients = {r.id: r for r in model.recipients}
    yield from unknown_items(at, spec.email_recipients, set(recipients), "recipient", "email", "recipients",
                             label="recipients")
    for index, rid in enumerate(spec.email_recipients):
        if rid in recipients and not recipients[rid].address_config:
            yield at.problem(f"recipient '{rid}' has no address_config in notification_targets.yaml: "
                             "the digest cannot e-mail it", "email", "recipients", index)
    # An environment's notify: bounds the digest as it bounds every alert (staging e-mails nobody).
    envs = {e.id: e for e in model.environments}
    for index, env_id in enumerate(spec.environments):
        env = envs.get(env_id)
        if env is None:
            continue
        # Unknown or address-less recipients are reported above, once.
        barred = [r for r in spec.email_recipients
                  if r in recipients and recipients[r].address_config and r not in env.notify.email]
        if barred:
            yield at.problem(f"the digest e-mails {', '.join(barred)}, which environment '{env_id}' may not e-mail "
                             f"(environments.yaml notify.email: {', '.join(env.notify.email) or 'nobody'})",
                             "environments", index)
        if not env.notify.slack:
            yield at.problem(f"environment '{env_id}' may not post to Slack (environments.yaml notify.slack)",
                             "environments", index)
    seen: dict[str, int] = {}
    for index, t in enumerate(spec.transactions):
        if t.id in seen:
            yield at.problem(f"duplicate transaction id '{t.id}'", "performance", "transactions", index, "id")
        seen.setdefault(t.id, index)
