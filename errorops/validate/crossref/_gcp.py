"""Helpers shared by the gcp_* rules (not a rule itself)."""

from __future__ import annotations

from ...model.gcp import AlertPolicySpec, Condition, GcpMonitoring
from ...model.gcp_sources import SOURCES
from ...model.types import Model

# Longest Google Cloud project id, standing in where no stack names an environment's project.
_LONGEST_PROJECT = "x" * 30


def condition_resolves(gcp: GcpMonitoring, cond: Condition) -> bool:
    if cond.burn_rate_of is not None and gcp.slo(cond.burn_rate_of) is None:
        return False
    return SOURCES[cond.source].find(gcp, cond.ref) is not None


def policy_resolves(model: Model, policy: AlertPolicySpec) -> bool:
    """Whether every reference of a policy resolves, so that its text can be rendered."""
    gcp = model.gcp
    assert gcp is not None
    return (any(item.id == policy.severity for item in model.severity_levels)
            and all(condition_resolves(gcp, c) for c in policy.conditions))


def project_of(model: Model, env_id: str) -> str:
    """The Google Cloud project a stack deploys env_id into, as its stack file says."""
    ns = model.project_name + ":environment"
    for stack in model.stacks:
        project = stack.values.get("gcp:project")
        if stack.values.get(ns) == env_id and isinstance(project, str):
            return project
    return _LONGEST_PROJECT
