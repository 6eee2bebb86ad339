"""One-line summaries of the resources a reviewer reads most, for the table format.

Kinds without an entry show their inputs as key=value pairs.
"""

from __future__ import annotations

from collections.abc import Callable

from .gcp_summaries import GCP_SUMMARIES


def _teams(inputs: dict) -> str:
    return ",".join(inputs.get("teams") or [])


def _monitor(inputs: dict) -> str:
    payload = inputs.get("payload") or {}
    source = (payload.get("dataSources") or [{}])[0]
    high = next((c for c in payload.get("conditionGroup", {}).get("conditions", []) if c.get("type") == "gt"), {})
    config = payload.get("config") or {}
    change = f"+{high.get('comparison')}% vs {config.get('comparisonDelta')}s earlier" if config.get(
        "detectionType") == "percent" else f"> {high.get('comparison')}"
    query = f" where {source['query']}" if source.get("query") else ""
    return f"{payload.get('name')}  |  {source.get('aggregate')}{query} {change} over {source.get('timeWindow')}s"


def _action(action: dict) -> str:
    target = (action.get("config") or {}).get("targetIdentifier") or (action.get("config") or {}).get("targetDisplay")
    if action.get("type") == "slack":
        return f"slack #{action['config'].get('targetDisplay')}"
    if action.get("type") == "email":
        return f"email {target}"
    return str(action.get("type"))


def _alert(inputs: dict) -> str:
    payload = inputs.get("payload") or {}
    actions = [a for f in payload.get("actionFilters", []) for a in f.get("actions", [])]
    routes = ", ".join(_action(a) for a in actions) or "no routes"
    every = (payload.get("config") or {}).get("frequency")
    return f"{payload.get('name')}  |  routes: {routes}  |  re-notify every {every} min"


SUMMARIES: dict[str, Callable[[dict], str]] = {
    "sentry:index/sentryTeam:SentryTeam": lambda i: f"{i.get('slug')}  \"{i.get('name')}\"  org={i.get('organization')}",
    "sentry:index/sentryProject:SentryProject": (
        lambda i: f"{i.get('slug')}  platform={i.get('platform')}  teams={_teams(i)}  org={i.get('organization')}"
    ),
    "sentry:index/sentryKey:SentryKey": lambda i: f"project={i.get('project')}  (DSN exported as a secret)",
    "pulumi-python:dynamic/sentry:Monitor": _monitor,
    "pulumi-python:dynamic/sentry:Alert": _alert,
    **GCP_SUMMARIES,
}
