"""Concrete values for what the payloads point at, for tests that need Sentry-shaped ids."""

from __future__ import annotations

from errorops.declare.sentry_payloads import SentryTargets


def concrete_targets(model, pagerduty: bool = False) -> SentryTargets:
    return SentryTargets(
        slack_integration_id="101",
        github_integration_id="202",
        slack_channel_ids={"alerts": "C0123ABCD"},
        sentry_user_ids={"team_lead": "1001", "on_call_engineer": "1002", "product_manager": "1003"},
        team_ids={t.id: str(900 + n) for n, t in enumerate(model.teams)},
        pagerduty=("303", "654321", "AI Content Factory") if pagerduty else None,
    )
