"""The escalation ladder of each paging level, as a PagerDuty escalation policy.

Declared only in stacks that page (config `pagerduty: true`); elsewhere nothing
PagerDuty exists and the plan says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi

from ..model.types import Model
from .settings import StackSettings

if TYPE_CHECKING:
    import pulumi_pagerduty as pagerduty


def declare_escalation_policies(model: Model, settings: StackSettings) -> dict[str, pagerduty.EscalationPolicy]:
    if not settings.pagerduty:
        return {}
    # Imported here: its SDK takes longer to import than planning a stack, and most stacks never page.
    import pulumi_pagerduty as pagerduty

    env = settings.environment
    recipients = {r.id: r for r in model.recipients}
    missing = sorted(
        f"{model.project_name}:{recipients[r].pagerduty_user_config}"
        for level in model.severity_levels for step in level.escalation for r in step.notify
        if not settings.pagerduty_user_ids.get(r)
    )
    if missing:
        raise pulumi.RunError(
            f"stack '{settings.stack}' pages through PagerDuty but these PagerDuty user ids are unset: "
            + ", ".join(missing)
        )
    # Every recipient of an escalation step has an id: checked just above.
    user_ids = {r: user_id for r, user_id in settings.pagerduty_user_ids.items() if user_id}
    policies = {}
    for level in model.severity_levels:
        if not (level.escalation and level.routes_in(env).pagerduty):
            continue
        policies[level.id] = pagerduty.EscalationPolicy(
            f"escalation-{level.id.lower()}-{env.id}",
            name=f"{model.organization.name} {level.id} {level.name} ({env.id})",
            description=f"{level.id} escalation ladder of the error-management process; managed by errorops.",
            num_loops=0,
            rules=[
                pagerduty.EscalationPolicyRuleArgs(
                    escalation_delay_in_minutes=step.escalate_after_minutes,
                    targets=[
                        pagerduty.EscalationPolicyRuleTargetArgs(type="user_reference", id=user_ids[r])
                        for r in step.notify
                    ],
                )
                for step in level.escalation
            ],
        )
    return policies
