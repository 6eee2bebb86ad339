"""One-line summaries of the resources a reviewer reads most, for the table format.

Kinds without an entry show their inputs as key=value pairs.
"""

from __future__ import annotations

from collections.abc import Callable

from ..describe.sentry import alert_fires, monitor_fires, throttle_words
from .digest_summaries import DIGEST_SUMMARIES
from .gcp_summaries import GCP_SUMMARIES

SENTRY_ALERT, SENTRY_MONITOR = "pulumi-python:dynamic/sentry:Alert", "pulumi-python:dynamic/sentry:Monitor"


def _teams(inputs: dict) -> str:
    return ",".join(inputs.get("teams") or [])


def _monitor(inputs: dict) -> str:
    payload = inputs.get("payload") or {}
    return f"{payload.get('name')}\nfires when {monitor_fires(payload)}"


def _action(action: dict) -> str:
    config = action.get("config") or {}
    target = config.get("targetIdentifier") or config.get("targetDisplay")
    if action.get("type") == "slack":
        return f"slack #{config.get('targetDisplay')}"
    if action.get("type") == "email":
        return f"email {target}"
    if action.get("type") == "github":
        labels = ((action.get("data") or {}).get("additional_fields") or {}).get("labels") or []
        return "github issue" + (f" [{','.join(map(str, labels))}]" if labels else "")
    return str(action.get("type"))


def alert_summary(inputs: dict, monitor_inputs: dict | None = None) -> str:
    """An alert: what makes it fire, where it goes, how often at most."""
    payload = inputs.get("payload") or {}
    monitor = (monitor_inputs or {}).get("payload") if monitor_inputs else None
    actions = list(dict.fromkeys(_action(a) for f in payload.get("actionFilters", []) for a in f.get("actions", [])))
    routes = ", ".join(actions) or "no routes"
    throttle = throttle_words((payload.get("config") or {}).get("frequency"))
    return f"{payload.get('name')}\nfires {alert_fires(payload, monitor)}\n{throttle} -> {routes}"


SUMMARIES: dict[str, Callable[[dict], str]] = {
    "sentry:index/sentryTeam:SentryTeam": lambda i: f"{i.get('slug')}  \"{i.get('name')}\"  org={i.get('organization')}",
    "sentry:index/sentryProject:SentryProject": (
        lambda i: f"{i.get('slug')}  platform={i.get('platform')}  teams={_teams(i)}  org={i.get('organization')}"
    ),
    "sentry:index/sentryKey:SentryKey": lambda i: f"project={i.get('project')}  (DSN exported as a secret)",
    "pulumi-python:dynamic/sentry:Monitor": _monitor,
    "pulumi-python:dynamic/sentry:Alert": alert_summary,
    **GCP_SUMMARIES,
    **DIGEST_SUMMARIES,
}
