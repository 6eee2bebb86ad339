"""Helpers of the tests/test_gcp_*.py files: the real model, plans of it, temporary copies.

Plans run the real program under Pulumi's mocks, once per test process (tests/plans.py).
"""

from __future__ import annotations

from typing import Any

import dataclasses
from pathlib import Path

from errorops.model.types import Model, StackFile
from errorops.pipeline import check_repository
from errorops.plan.runner import StackPlan

from plans import real_model, real_plan

GCP_FILE = "gcp_monitoring.yaml"


def model() -> Model:
    return real_model()


def stack(name: str) -> StackFile:
    return next(s for s in model().stacks if s.name == name)


def stack_names() -> list[str]:
    return sorted(s.name for s in model().stacks)


def env_of(stack_name: str) -> str:
    return stack(stack_name).values[model().project_name + ":environment"]


def plan(stack_name: str) -> StackPlan:
    return real_plan(stack_name)


def with_pagerduty(base: StackFile) -> StackFile:
    """The stack as it would be with PagerDuty switched on (and what the Sentry side then needs)."""
    ns = model().project_name + ":"
    values = dict(base.values)
    values[ns + "pagerduty"] = True
    for key in model().config_keys:
        if "Pagerduty" in key.name or "pagerdutySentry" in key.name:
            values.setdefault(ns + key.name, "P0000TEST")
    return dataclasses.replace(base, values=values, secure_keys=base.secure_keys | {ns + "pagerdutyServiceKey"})


def resources(p: StackPlan, kind: str) -> dict[str, dict]:
    """Inputs of the planned resources whose type ends with ``kind``, by logical name."""
    return {r.name: r.inputs for r in p.resources if r.type.endswith(":" + kind)}


def options(p: StackPlan, kind: str) -> dict[str, dict]:
    return {r.name: r.options for r in p.resources if r.type.endswith(":" + kind)}


def channel_ids(policy_inputs: dict) -> list[str]:
    """The logical names of a policy's channels, from the mock's placeholders."""
    return [n.rsplit("<id of ", 1)[1].rstrip(">") for n in policy_inputs.get("notificationChannels") or []]


def copy_repo(dest: Path) -> Path:
    """A full copy of the repository's configuration: alert_rules/ and the Pulumi files."""
    from conftest import copy_repository

    return copy_repository(dest).root


def edit(path: Path, old: str, new: str, count: int = 1) -> str:
    text = path.read_text("utf-8")
    assert text.count(old) >= count, f"{old!r} not found {count} time(s) in {path.name}"
    text = text.replace(old, new, count)
    path.write_text(text, "utf-8")
    return text


def locate(text: str, needle: str, n: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the n-th occurrence of ``needle``."""
    index = -1
    for _ in range(n):
        index = text.find(needle, index + 1)
        assert index >= 0, f"{needle!r} occurs fewer than {n} times"
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def problems(root: Path) -> list[str]:
    result = check_repository(root)
    return [str(p) for p in result.problems]


def policies_of(stack: str) -> dict[str, dict[str, Any]]:
    """The planned alert policies of a stack, by logical name."""
    return resources(plan(stack), "AlertPolicy")


def level_of(policy: dict[str, Any]) -> str:
    """A planned policy's severity level (P0, P1, ...), from its user labels."""
    return str(policy["userLabels"]["severity"]).upper()
