"""The process's own rules on who is reached, as notification_targets.yaml and severity_levels.yaml state them.

- A level e-mails only the roles whose ``levels`` include it ("On-call Engineer (P0 alerts
  only)", "Team Lead (all P0/P1 alerts)").
- A role marked ``production_only`` (the on-call engineer) is reached in production only: no
  other environment may e-mail it, nor page (PagerDuty reaches the first step of the
  escalation ladder, which starts with that role).
- The most severe level keeps its escalation ladder ("Escalation Procedures"), and so does
  every level that pages: the PagerDuty escalation policy is built from it.

Passing::

    recipients: [{id: on_call_engineer, levels: [P0], production_only: true}]
    levels: [{id: P0, routes: {email: [on_call_engineer]}, escalation: [...]}]
    environments: [{id: dev, production: false, notify: {email: [team_lead], pagerduty: false}}]

Failing::

    levels: [{id: P1, routes: {email: [on_call_engineer]}}]           # P0 alerts only
    environments: [{id: dev, notify: {email: [on_call_engineer]}}]    # production only
    levels: [{id: P0, routes: {pagerduty: true}}]                     # escalation removed
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.types import Model
from ...problems import Problem


def check(model: Model) -> Iterator[Problem]:
    recipients = {r.id: r for r in model.recipients}
    for level in model.severity_levels:
        for n, role in enumerate(level.routes.email):
            recipient = recipients.get(role)
            if recipient is not None and recipient.levels is not None and level.id not in recipient.levels:
                yield level.at.problem(
                    f"level {level.id} e-mails {recipient.name}, whom the process e-mails for "
                    f"{'/'.join(recipient.levels)} alerts only ({recipient.at.file})", "routes", "email", n)
        if (level.rank == 0 or level.routes.pagerduty) and not level.escalation:
            why = "the process escalates every unresolved P0" if level.rank == 0 else "it pages through PagerDuty"
            yield level.at.problem(f"level {level.id} has no escalation ladder, and {why}", "id")
    paged_first = {r for level in model.severity_levels if level.routes.pagerduty and level.escalation
                   for r in level.escalation[0].notify}
    for env in model.environments:
        if env.production:
            continue
        for n, role in enumerate(env.notify.email):
            recipient = recipients.get(role)
            if recipient is not None and recipient.production_only:
                yield env.at.problem(
                    f"environment '{env.id}' is not production and may not e-mail {recipient.name} "
                    f"(production only in {recipient.at.file})", "notify", "email", n)
        reached = sorted(r for r in paged_first if r in recipients and recipients[r].production_only)
        if env.notify.pagerduty and reached:
            yield env.at.problem(
                f"environment '{env.id}' is not production and may not page: PagerDuty reaches "
                f"{', '.join(recipients[r].name for r in reached)} first, who is for production only",
                "notify", "pagerduty")
