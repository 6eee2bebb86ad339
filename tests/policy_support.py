"""Test support: the pack's validators called in this process, with arguments built as the analyzer builds them.

For unit tests of single policies: a ``Resource`` (as ``errorops check`` sends it, secrets
wrapped) becomes the ``ResourceValidationArgs`` / ``StackValidationArgs`` pulumi-policy
would pass, proxies and secret marks included, without starting the pack.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from errorops.check.analyzer_client import Resource
from errorops.check.run import POLICY_DIR, check_resources, resources_of
from errorops.model.types import Model, StackFile
from plans import plan_of


def policies_module(pack_dir: Path = POLICY_DIR):
    """The pack's ``errorops_policies`` package (importing it starts nothing)."""
    path = str(Path(pack_dir).resolve())
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module("errorops_policies")


def _props(properties: dict):
    from pulumi_policy.deserialize import deserialize_properties
    from pulumi_policy.proxy import unknown_checking_proxy

    secrets = policies_module().secrets
    return unknown_checking_proxy(deserialize_properties(secrets.unwrap_marking(properties)))


def _opts(r: Resource):
    from pulumi_policy import PolicyResourceOptions
    from pulumi_policy.policy import PolicyCustomTimeouts

    return PolicyResourceOptions(r.protect, list(r.ignore_changes), r.delete_before_replace, list(r.aliases),
                                 PolicyCustomTimeouts(0, 0, 0), list(r.additional_secret_outputs), r.parent or None)


def resource_args(r: Resource, config: dict | None = None, stack_tags: dict | None = None):
    from pulumi_policy import ResourceValidationArgs

    return ResourceValidationArgs(r.type, _props(r.properties), r.urn, r.name, _opts(r), None, config, stack_tags)


def stack_args(resources: list[Resource], config: dict | None = None, stack_tags: dict | None = None):
    from pulumi_policy import PolicyResource, StackValidationArgs

    built = {r.urn: PolicyResource(r.type, _props(r.properties), r.urn, r.name, _opts(r), None, None, [], {})
             for r in resources}
    for r in resources:
        built[r.urn].dependencies.extend(built[d] for d in r.dependencies if d in built)
    return StackValidationArgs(list(built.values()), config, stack_tags)


def violations(policy: Any, args: Any) -> list[str]:
    """The messages ``policy`` reports for ``args``."""
    found: list[str] = []
    policy.validate(args, lambda message, urn=None: found.append(message))
    return found


def policy_named(name: str):
    return next(p for p in policies_module().all_policies() if p.name == name)


# --- real plan output for tests -----------------------------------------------------------

@dataclass(frozen=True)
class PlannedStack:
    name: str
    resources: tuple[Resource, ...]
    config: dict  # the pack's config for this stack (policy name -> properties)

    def resource(self, name: str, type_suffix: str = "") -> Resource:
        return next(r for r in self.resources if r.name == name and r.type.endswith(type_suffix))

    def of_type(self, type_token: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_token]


@functools.lru_cache(maxsize=None)
def planned(stack: str, root: str | None = None) -> PlannedStack:
    """A stack of a repository (default: this one) planned offline, as ``errorops check`` sends it."""
    from errorops.check.config import policy_config
    from errorops.pipeline import REPO_ROOT, load_model
    from errorops.plan.runner import stacks_in_order

    model = load_model(Path(root) if root else REPO_ROOT)
    (stack_file,) = stacks_in_order(model, stack)
    return PlannedStack(stack, tuple(resources_of(plan_of(model, stack_file))), policy_config(model, stack_file))


def edited(resource: Resource, edit: Callable[[dict], Any] | None = None, **changes) -> Resource:
    """A copy of ``resource`` whose properties ``edit`` changed in place (the original stays)."""
    properties = copy.deepcopy(resource.properties)
    if edit is not None:
        edit(properties)
    return dataclasses.replace(resource, properties=properties, **changes)


def check_mutated(pack, model: Model, stacks: list[StackFile], mutate: Callable[[Resource], Resource], **kw: Any):
    """Each stack planned, each resource passed through ``mutate``, then checked by the running pack."""
    changed = [(s, [mutate(r) for r in resources_of(plan_of(model, s))]) for s in stacks]
    return check_resources(pack, model, changed, **kw)
