"""``errorops check``: plan stacks offline and put every resource through the policy pack.

Each stack is planned with the real program under the mock runtime (as ``errorops
plan``), then handed to the pack in ``policies/`` over the analyzer protocol the
Pulumi CLI uses: every resource to Analyze, the whole stack to AnalyzeStack, with the
pack configured for that stack (``config.policy_config``). A violation prints as
``policy: stack/resource: message``; advisory ones end in "(advisory)".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.types import Model, StackFile
from ..pipeline import REPO_ROOT
from ..plan.runner import StackPlan, plan_stacks
from .analyzer_client import Diagnostic, PolicyPackProcess, Resource, with_secrets
from .config import policy_config

POLICY_DIR = REPO_ROOT / "policies"

# The pack's config of a stack (default: ``config.policy_config``); tests pass what a workflow passes.
ConfigFor = Callable[[Model, StackFile], dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class Violation:
    policy: str
    stack: str
    resource: str  # logical name, "" for the stack as a whole
    message: str
    level: str

    @property
    def mandatory(self) -> bool:
        return self.level in ("mandatory", "remediate")

    def line(self) -> str:
        where = f"{self.stack}/{self.resource}" if self.resource else self.stack
        suffix = "" if self.mandatory else f" ({self.level})"
        return f"{self.policy}: {where}: {' '.join(self.message.split())}{suffix}"


@dataclass
class CheckResult:
    resources: dict[str, int] = field(default_factory=dict)  # per stack, in order
    policies: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.mandatory]

    @property
    def advisory(self) -> list[Violation]:
        return [v for v in self.violations if not v.mandatory]

    def summary(self) -> str:
        stacks = ", ".join(f"{s} ({n} resources)" for s, n in self.resources.items())
        return (f"errorops check: {stacks}; {len(self.policies)} policies: {len(self.mandatory)} mandatory, "
                f"{len(self.advisory)} advisory violations")


# What the engine sends for a value a preview cannot know (pulumi_policy.proxy.UNKNOWN_STRING_VALUE).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# The offline plan's stand-ins for such values: computed outputs, ids of resources not yet created.
_NOT_KNOWN_IN_PREVIEW = re.compile(r"<computed at deploy>|<unknown until deploy>|<id of [^>]*>")


def _as_in_preview(value: Any) -> Any:
    """A string built from a value only the cloud knows is unknown in a preview, as a whole."""
    if isinstance(value, dict):
        return {k: _as_in_preview(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_in_preview(v) for v in value]
    if isinstance(value, str) and _NOT_KNOWN_IN_PREVIEW.search(value):
        return UNKNOWN
    return value


def resources_of(plan: StackPlan) -> list[Resource]:
    """The plan's resources as the engine hands them to the pack in a preview: secrets wrapped,
    values only the cloud knows unknown."""
    return [
        Resource(
            type=r.type, name=r.name, urn=r.urn,
            properties=with_secrets(_as_in_preview(r.inputs), r.secret_paths),
            protect=bool(r.options.get("protect")),
            dependencies=tuple(r.dependencies),
            additional_secret_outputs=tuple(r.options.get("additional_secret_outputs") or ()),
            ignore_changes=tuple(r.options.get("ignore_changes") or ()),
            delete_before_replace=bool(r.options.get("delete_before_replace")) or None,
        )
        for r in plan.resources
    ]


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if urn else ""


def analyze_stack(pack: PolicyPackProcess, model: Model, stack: StackFile, resources: list[Resource],
                  config_for: ConfigFor = policy_config) -> list[Diagnostic]:
    pack.configure(config_for(model, stack))
    pack.configure_stack(stack.name, model.project_name)
    diagnostics: list[Diagnostic] = []
    for resource in resources:
        diagnostics += pack.analyze(resource)
    diagnostics += pack.analyze_stack(resources)
    return diagnostics


def run_check(model: Model, stacks: list[StackFile], pack_dir: Path = POLICY_DIR) -> CheckResult:
    """Plan each stack and check it with the pack in ``pack_dir``, started for this run."""
    pack = PolicyPackProcess(pack_dir)
    pack.launch()  # it starts while the stacks are planned
    try:
        return check_stacks(pack, model, stacks)
    finally:
        pack.close()


def check_stacks(pack: PolicyPackProcess, model: Model, stacks: list[StackFile],
                 config_for: ConfigFor = policy_config) -> CheckResult:
    """Plan each stack and put its resources through a running pack."""
    resources = [resources_of(plan) for plan in plan_stacks(model, stacks)]
    return check_resources(pack, model, list(zip(stacks, resources)), config_for)


def check_resources(pack: PolicyPackProcess, model: Model, stacks: list[tuple[StackFile, list[Resource]]],
                    config_for: ConfigFor = policy_config) -> CheckResult:
    """Each stack's resources through the pack, configured for that stack."""
    if pack.info is None:
        pack.connect()
    result = CheckResult(policies=list(pack.policies()))
    order = {name: i for i, name in enumerate(result.policies)}
    for stack, resources in stacks:
        result.resources[stack.name] = len(resources)
        found = {
            Violation(d.policy, stack.name, _name(d.urn), d.message, d.level)
            for d in analyze_stack(pack, model, stack, resources, config_for)
        }
        result.violations += sorted(found, key=lambda v: (order.get(v.policy, len(order)), v.resource, v.message))
    return result
