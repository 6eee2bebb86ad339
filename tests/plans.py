"""Plans of a repository, each made once per test process.

Planning a stack runs the whole program under Pulumi's mocks (a few tenths of a second),
and a hundred tests read the plans of the same few repositories: ``plan_of`` plans each
distinct (model, stack) once per process and gives every caller its own deep copy, so a
test that edits a plan edits only its copy. The key is the pickled model and stack file:
any change to the YAML or to the stack's config is another plan.

Not for tests of planning itself (isolation between stacks, determinism, a failing
program) nor for tests that patch the program or the SDK: those call ``plan_stack``.
"""

from __future__ import annotations

import copy
import hashlib
import pickle
from functools import cache

from errorops.model.types import Model, StackFile
from errorops.pipeline import REPO_ROOT, load_model
from errorops.plan.runner import StackPlan, plan_stack, stacks_in_order

_PLANS: dict[bytes, StackPlan] = {}


def plan_of(model: Model, stack: StackFile) -> StackPlan:
    key = hashlib.sha256(pickle.dumps((model, stack), protocol=pickle.HIGHEST_PROTOCOL)).digest()
    if key not in _PLANS:
        _PLANS[key] = plan_stack(model, stack)
    return copy.deepcopy(_PLANS[key])


def plans_of(model: Model, which: str = "all") -> dict[str, StackPlan]:
    """Each stack ``which`` names (a stack or "all"), in environment order."""
    return {stack.name: plan_of(model, stack) for stack in stacks_in_order(model, which)}


@cache
def real_model() -> Model:
    """The model of this repository (shared: a test that needs another one makes it)."""
    return load_model(REPO_ROOT)


def real_stack(name: str) -> StackFile:
    (stack,) = stacks_in_order(real_model(), name)
    return stack


def real_plan(name: str) -> StackPlan:
    return plan_of(real_model(), real_stack(name))


def real_plans() -> dict[str, StackPlan]:
    return plans_of(real_model())
