"""One-line summaries of the resources a reviewer reads most, for the table format.

Kinds without an entry show their inputs as key=value pairs.
"""

from __future__ import annotations

from collections.abc import Callable


def _teams(inputs: dict) -> str:
    return ",".join(inputs.get("teams") or [])


SUMMARIES: dict[str, Callable[[dict], str]] = {
    "sentry:index/sentryTeam:SentryTeam": lambda i: f"{i.get('slug')}  \"{i.get('name')}\"  org={i.get('organization')}",
    "sentry:index/sentryProject:SentryProject": (
        lambda i: f"{i.get('slug')}  platform={i.get('platform')}  teams={_teams(i)}  org={i.get('organization')}"
    ),
    "sentry:index/sentryKey:SentryKey": lambda i: f"project={i.get('project')}  (DSN exported as a secret)",
}
