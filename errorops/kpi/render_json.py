"""The report as JSON (``--format json``): every figure, raw, with sorted keys."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from .figures import Report


def as_dict(r: Report) -> dict[str, Any]:
    data = dataclasses.asdict(r)
    for key in ("kpis", "response_times"):
        for figure, raw in zip(data[key], getattr(r, key)):
            figure["change_percent"] = raw.change
    data["events_change_percent"] = r.events_change
    return data


def render(r: Report, charts: list[str] | None = None) -> str:
    return json.dumps({**as_dict(r), "charts": charts or []}, indent=2, sort_keys=True) + "\n"
