"""Helpers shared by the gcp_* rules (not a rule itself)."""

from __future__ import annotations

from ...model.gcp import AlertPolicySpec, Condition, GcpMonitoring
from ...model.gcp_sources import SOURCES

# Longest Google Cloud project id, standing in where no stack names an environment's project.
_LONGEST_PROJECT = "x" * 30


def condition_resolves(gcp: GcpMonitoring, cond: Condition) -> bool:
    if cond.burn_rate_of is not None and gcp.slo(cond.burn_rate_of) is None:
        return False
    return SOURCES[cond.source].find(gcp, cond.ref) is not None


def policy_resolves(model, policy: AlertPolicySpec) -> bool:
    """Whether every reference of a policy resolves, so that its text can be rendered."""
    gcp = model.gcp
    return (any(l.id == policy.severity for l in model.severity_levels)
            and all(condition_resolves(gcp, c) for c in policy.conditions))


def project_of(model, env_id: str) -> str:
    """The Google Cloud project a stack deploys env_id into, as its stack file says."""
    ns = model.project_name + ":environment"
    for stack in model.stacks:
        if stack.values.get(ns) == env_id and isinstance(stack.values.get("gcp:project"), str):
            return stack.values["gcp:project"]
    return _LONGEST_PROJECT
