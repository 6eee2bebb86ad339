"""What makes a Sentry monitor or alert fire, and how often it may notify, in words.

Pure functions of the payloads Sentry receives, so the words follow what is deployed, not
what the YAML meant. The meanings are Sentry's:
- a monitor compares its aggregate over the window with its `gt` condition, strictly; a
  percent monitor compares current / baseline * 100
  (src/sentry/incidents/utils/process_update_helpers.py);
- an alert with no trigger conditions runs on every event of its monitors' issues
  (workflow_engine/processors/data_condition_group.py: no conditions evaluate to true);
- config.frequency is a throttle per issue and action, never a re-notification
  (workflow_engine/processors/action.py).
"""

from __future__ import annotations

import re
from typing import Any

from ..review.sentence import number
from .units import duration, percent

TRIGGER_WORDS = {"first_seen_event": "new", "regression_event": "regressed", "reappeared_event": "reappeared"}
PRIORITY_WORDS = {75: "high", 50: "medium", 25: "low"}
_RATIO = re.compile(r"^(failure_rate|crash_free_rate|percentage)\(")


def _get(value: Any, *path: Any) -> Any:
    for key in path:
        if isinstance(value, dict):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return None
    return value


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def monitor_fires(payload: dict) -> str:
    """To follow "fires when": 'failure_rate() where is_transaction:true over 5 min is above 5%'."""
    source = _get(payload, "dataSources", 0) or {}
    aggregate = str(source.get("aggregate", "?"))
    what = aggregate + (f" where {source['query']}" if source.get("query") else "")
    window = duration(source.get("timeWindow"))
    high = next((c for c in _list(_get(payload, "conditionGroup", "conditions")) if _get(c, "type") == "gt"), None)
    if high is None:
        return f"{what} over {window} (no alerting condition)"
    value = high.get("comparison")
    if _get(payload, "config", "detectionType") == "percent":
        baseline = duration(_get(payload, "config", "comparisonDelta"))
        change = f"{number(value - 100)}%" if isinstance(value, (int, float)) else "?"
        return (f"{what} over {window} exceeds {number(value)}% of the same window {baseline} earlier "
                f"(up more than {change})")
    shown = percent(value) if _RATIO.match(aggregate) else number(value)
    return f"{what} over {window} is above {shown}"


_MATCH_WORDS = {"eq": "is", "ne": "is not", "co": "contains", "nc": "does not contain", "sw": "starts with",
                "ew": "ends with", "is": "is set", "ns": "is not set", "in": "is one of", "nin": "is none of"}


def _condition_words(condition: dict) -> str:
    kind, comparison = condition.get("type"), condition.get("comparison")
    c = comparison if isinstance(comparison, dict) else {}
    match = _MATCH_WORDS.get(str(c.get("match")), str(c.get("match")))
    value = f" {c['value']}" if "value" in c else ""
    if kind == "tagged_event":
        return f"tag {c.get('key')} {match}{value}"
    if kind == "event_attribute" and c.get("attribute") == "exception.type":
        return f"exception type {match}{value}"
    if kind == "event_attribute" and c.get("attribute") == "exception.value":
        return f'the message {match} "{c.get("value")}"'
    if kind == "event_attribute":
        return f"{c.get('attribute')} {match}{value}"
    if kind == "latest_release":
        return "the release is the latest"
    if kind == "event_frequency_count":
        return f"the issue had more than {c.get('value')} events in the last {c.get('interval')}"
    if kind == "level":
        return f"the level {match} {c.get('level')}"
    if kind == "issue_priority_greater_or_equal":
        return f"the issue's priority is {PRIORITY_WORDS.get(comparison, comparison)} or higher"
    return str(kind)


def _group_words(group: dict) -> str:
    conditions = [c for c in _list(group.get("conditions")) if isinstance(c, dict)]
    if not conditions:
        return ""
    logic = group.get("logicType")
    words = [_condition_words(c) for c in conditions]
    types = [w.removeprefix("exception type is ") for w in words if w.startswith("exception type is ")]
    if logic in ("any", "any-short") and len(types) == len(words) > 1:
        return "exception type is " + ", ".join(types[:-1]) + " or " + types[-1]
    if logic == "none":
        return "none of: " + ", ".join(words)
    return (" or " if logic in ("any", "any-short") else " and ").join(words)


def alert_fires(payload: dict, monitor: dict | None = None) -> str:
    """What makes an alert notify, to follow "fires "; ``monitor`` is the payload of the metric
    monitor feeding it, if any."""
    triggers = [_get(c, "type") for c in _list(_get(payload, "triggers", "conditions"))]
    if monitor is not None:
        # Its filter is the monitor's priority (Sentry's own metric alerts are built so).
        return f"when its monitor raises its issue, that is when {monitor_fires(monitor)}"
    if not triggers:
        start = "on every event of an issue"
    else:
        states = [TRIGGER_WORDS.get(t, str(t)) for t in triggers]
        start = "on a " + (", ".join(states[:-1]) + " or " + states[-1] if len(states) > 1 else states[0]) + " issue"
    groups = [g for g in _list(payload.get("actionFilters")) if isinstance(g, dict)]
    filters = [w for w in (_group_words(g) for g in groups) if w]
    if filters and len(filters) == len(groups):
        start += " where " + "; or where ".join(filters)
    elif filters:
        start += " (some actions only where " + "; or where ".join(filters) + ")"
    return start


def throttle_words(minutes: Any) -> str:
    """Sentry's config.frequency as what it is: a limit per issue, not a reminder."""
    if minutes is None:
        return "no throttle set (Sentry: every matching event)"
    if minutes == 0:
        return "on every matching event"
    return f"at most once per {duration(minutes * 60)} per issue"
