"""Values put into words the same way wherever errorops shows them: plan, diff, alert descriptions."""

from __future__ import annotations

import re
from typing import Any

from ..review.sentence import MISSING, number, show

_UNITS = (("week", 604800), ("day", 86400), ("h", 3600), ("min", 60))
_PROM_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def duration(seconds: Any) -> str:
    """300 -> "5 min", 3600 -> "1 h", 0 -> "0 s"; anything else as it is."""
    if seconds is MISSING or seconds is None:
        return "(none)"
    if isinstance(seconds, str):
        match = re.fullmatch(r"(\d+(?:\.\d+)?)s", seconds.strip())
        if not match:
            return seconds
        seconds = float(match.group(1))
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return show(seconds)
    if seconds == 0:
        return "0 s"
    if float(seconds).is_integer():
        s = int(seconds)
        for unit, size in _UNITS:
            if s % size == 0:
                n = s // size
                return f"{n} {unit}" + ("s" if unit in ("week", "day") and n != 1 else "")
    return f"{number(seconds)} s"


def percent(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{round(value * 100, 6):g}%"
    return show(value)
