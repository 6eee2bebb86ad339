"""The KPIs' references resolve, their time zone exists, a number the digest also states is the same, and
the reports' delivery names channels, recipients and environments that exist and may be reached.

Passing::

    kpis: {error_rate: {target: {below: 1}, ...}, mttr: {per_level: {P0: {below: 30}}, ...}, ...}
    report: {time_zone: Europe/London, unassigned_levels: [P0, P1]}
    # digest.yaml: performance.thresholds.error_rate_percent: 1

Failing (no level ``P5``; no zone ``Europe/Londres``; the digest says 2% where the KPI says 1%)::

    kpis: {mttr: {per_level: {P5: {below: 30}}, ...}, error_rate: {target: {below: 1}, ...}, ...}
    report: {time_zone: Europe/Londres}
    # digest.yaml: performance.thresholds.error_rate_percent: 2
"""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...model.digest import DigestSpec, digest_spec
from ...model.kpis import KpiSpec, kpi_spec
from ...model.types import Model
from ...problems import Problem
from ._refs import listing, unknown_items


def check(model: Model) -> Iterator[Problem]:
    spec = kpi_spec(model)
    if spec is None:
        return
    try:
        ZoneInfo(spec.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        yield spec.at.problem(f"unknown time zone '{spec.time_zone}' (an IANA name such as Europe/London)",
                              "time_zone")
    levels = {s.id for s in model.severity_levels}
    mttr = spec.kpi("mttr")
    for level, _target in mttr.per_level:
        if level not in levels:
            yield mttr.at.problem(f"unknown severity level '{level}' (levels: {listing(levels)})", "per_level", level,
                                  key=True)
    yield from unknown_items(spec.at, spec.unassigned_levels, levels, "severity level", "unassigned_levels",
                             label="levels")
    digest = digest_spec(model)
    yield from _delivery(model, spec, digest)
    if digest is None:
        return
    # The digest shows two of the KPIs each morning: one number, stated in both files, must agree.
    pairs = ((spec.kpi("error_rate"), digest.error_rate_percent, "performance.thresholds.error_rate_percent"),
             (spec.kpi("categorized"), digest.categorized_target_percent, "categorized_target_percent"))
    for kpi, digest_value, where in pairs:
        if kpi.target is not None and kpi.target.value != digest_value:
            yield kpi.at.problem(f"{kpi.name} target {kpi.target.value:g}% differs from the digest's {where}: "
                                 f"{digest_value:g}% ({digest.at.file}); the process states one number",
                                 "target", kpi.target.bound)


def _delivery(model: Model, spec: KpiSpec, digest: DigestSpec | None) -> Iterator[Problem]:
    d = spec.delivery
    if d is None:
        return
    envs = {e.id: e for e in model.environments}
    yield from unknown_items(d.at, d.environments, set(envs), "environment", "environments", label="environments")
    channels = {c.id for c in model.slack_channels}
    if d.slack_channel not in channels:
        yield d.at.problem(f"unknown Slack channel '{d.slack_channel}' (channels: {listing(channels)})", "slack", "channel")
    recipients = {r.id: r for r in model.recipients}
    yield from unknown_items(d.at, d.email_recipients, set(recipients), "recipient", "email", "recipients",
                             label="recipients")
    for index, rid in enumerate(d.email_recipients):
        if rid in recipients and not recipients[rid].address_config:
            yield d.at.problem(f"recipient '{rid}' has no address_config in notification_targets.yaml: the reports "
                               "cannot e-mail it", "email", "recipients", index)
    scheduled = digest.environments if digest else ()
    for index, env_id in enumerate(d.environments):
        env = envs.get(env_id)
        if env is None:
            continue
        if env_id not in scheduled:
            yield d.at.problem(f"the reports are sent by the daily digest's job, which environment '{env_id}' does not "
                               "declare (digest.yaml environments)", "environments", index)
        barred = [r for r in d.email_recipients
                  if r in recipients and recipients[r].address_config and r not in env.notify.email]
        if barred:
            yield d.at.problem(f"the reports e-mail {', '.join(barred)}, which environment '{env_id}' may not e-mail "
                               f"(environments.yaml notify.email: {', '.join(env.notify.email) or 'nobody'})",
                               "environments", index)
        if not env.notify.slack:
            yield d.at.problem(f"environment '{env_id}' may not post to Slack (environments.yaml notify.slack)",
                               "environments", index)
