"""One value in words, the same wherever errorops shows it: the plan table, a diff, an alert's words.

One formatter per kind of value: ``number``, ``duration``, ``percent``, ``show`` (anything).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MISSING = object()  # a value that one side does not have at all
MAX_VALUE = 160

_UNITS = (("week", 604800), ("day", 86400), ("h", 3600), ("min", 60))
# Google's "300s" and PromQL's range units ("5m", "1h", "500ms").
_SPAN = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_SPAN_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def number(value: object) -> str:
    """5.0 -> "5", 0.05 -> "0.05", True -> "true"; never float noise (0.30000000000000004)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return f"{round(value, 9):g}" if abs(value) >= 1e-4 else repr(value)
    return str(value)


def duration(value: Any) -> str:
    """300, "300s" or "5m" -> "5 min"; 3600 -> "1 h"; 86400 -> "1 day"; 0 -> "0 s"; other text as it is."""
    if value is MISSING or value is None:
        return "(none)"
    if isinstance(value, str):
        match = _SPAN.fullmatch(value.strip())
        if not match:
            return value
        value = float(match.group(1)) * _SPAN_SECONDS[match.group(2)]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return show(value)
    if value == 0:
        return "0 s"
    if float(value).is_integer():
        seconds = int(value)
        for unit, size in _UNITS:
            if seconds % size == 0:
                n = seconds // size
                return f"{n} {unit}" + ("s" if unit in ("week", "day") and n != 1 else "")
    return f"{number(value)} s"


def percent(value: Any) -> str:
    """A ratio as a percentage: 0.05 -> "5%"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{round(value * 100, 6):g}%"
    return show(value)


def show(value: object) -> str:
    """One value, short and deterministic."""
    if value is MISSING:
        return "(absent)"
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        return number(value)
    if isinstance(value, str):
        text = value if value else '""'
    elif isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    else:
        text = json.dumps(value, sort_keys=True, separators=(", ", ": "))
    text = text.replace("\n", "⏎")
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def opt(value: Any, fmt: Any = show) -> str:
    """``fmt(value)``, or "(none)" for an absent or empty value."""
    if value is MISSING or value is None or value == "":
        return "(none)"
    return str(fmt(value))


def get(value: Any, *path: Any, default: Any = None) -> Any:
    """``value[p0][p1]...``, or ``default`` where the path leaves the data."""
    for p in path:
        if isinstance(p, int):
            if not isinstance(value, list) or not -len(value) <= p < len(value):
                return default
        elif not isinstance(value, dict) or p not in value:
            return default
        value = value[p]
    return value
