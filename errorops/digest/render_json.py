"""The digest as JSON (`--format json`): every figure, raw, for machines and tests."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from .figures import Digest


def as_dict(d: Digest) -> dict[str, Any]:
    data = dataclasses.asdict(d)
    for metric, raw in zip(data["performance"], d.performance):
        metric["change_day_percent"] = raw.change_day
        metric["change_week_percent"] = raw.change_week
    return data


def render(d: Digest) -> str:
    return json.dumps(as_dict(d), indent=2, sort_keys=True) + "\n"
