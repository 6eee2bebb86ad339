"""The plan as JSON: sorted keys, so the same input gives the same bytes."""

from __future__ import annotations

import json

from .runner import StackPlan


def render(plans: list[StackPlan], single: bool) -> str:
    docs = [p.as_json() for p in plans]
    return json.dumps(docs[0] if single else docs, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
