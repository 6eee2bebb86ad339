"""Concrete values for what the payloads point at, and what Pulumi hands a provider, for Sentry tests."""

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


def as_pulumi_sends(value):
    """What the provider receives from Pulumi's engine: numbers as floats, nulls dropped."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {k: as_pulumi_sends(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [as_pulumi_sends(v) for v in value]
    return value


def resources(plan, type_suffix: str) -> dict[str, dict]:
    return {r.name: r.inputs for r in plan.resources if r.type.endswith(type_suffix)}


def actions(alert_inputs: dict) -> list[tuple[str, str]]:
    found = []
    for group in alert_inputs["payload"]["actionFilters"]:
        for action in group["actions"]:
            config = action.get("config", {})
            found.append((action["type"], str(config.get("targetIdentifier") or config.get("targetDisplay") or "")))
    return sorted(found)
