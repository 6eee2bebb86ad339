"""Pulumi's own mock runtime, recording what a program declares.

The resources are built by the SDK's real classes and serialised by the real
runtime; only the engine's answers are ours: ids, computed outputs and the
results of lookups, each a clearly marked placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import mocks

COMPUTED = "<computed at deploy>"

# Outputs a provider computes that the program reads; everything else echoes the inputs.
_COMPUTED_OUTPUTS: dict[str, tuple[str, ...]] = {
    "sentry:index/sentryKey:SentryKey": ("dsnPublic", "dsnSecret", "dsnCsp", "public", "secret", "projectId"),
    "sentry:index/sentryProject:SentryProject": ("internalId", "projectId"),
}


def register_computed_outputs(type_token: str, *names: str) -> None:
    """Declares outputs of a resource type that only the provider can compute."""
    _COMPUTED_OUTPUTS[type_token] = tuple(sorted({*_COMPUTED_OUTPUTS.get(type_token, ()), *names}))


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    inputs: dict
    options: dict


@dataclass
class Lookup:
    token: str
    args: dict
    result: dict


class RecordingMocks(mocks.Mocks):
    def __init__(self) -> None:
        self.lookups: list[Lookup] = []

    def new_resource(self, args: mocks.MockResourceArgs):
        outputs = dict(args.inputs)
        for name in _COMPUTED_OUTPUTS.get(args.typ, ()):
            outputs.setdefault(name, COMPUTED)
        return f"<id of {args.name}>", outputs

    def call(self, args: mocks.MockCallArgs):
        placeholder = f"<lookup at deploy: {args.token.rsplit(':', 1)[-1]}>"
        result = {**args.args, "id": placeholder, "internalId": placeholder}
        self.lookups.append(Lookup(args.token, dict(args.args), result))
        return result, []


@dataclass
class RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, also keeping the resource options it is sent."""

    registrations: list[Registration] = field(default_factory=list)

    def __init__(self, recording: RecordingMocks):
        super().__init__(recording)
        self.registrations = []

    def RegisterResource(self, request: Any):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            from pulumi.runtime import rpc

            options = {
                "protect": bool(request.protect),
                "parent": request.parent,
                "depends_on": sorted(set(request.dependencies)),
                "retain_on_delete": bool(request.retainOnDelete),
                "delete_before_replace": bool(request.deleteBeforeReplace),
                "ignore_changes": sorted(request.ignoreChanges),
                "replace_on_changes": sorted(request.replaceOnChanges),
                "additional_secret_outputs": sorted(request.additionalSecretOutputs),
                "aliases": sorted(a.urn or a.spec.name for a in request.aliases),
            }
            inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
            self.registrations.append(Registration(request.type, request.name, response.urn, inputs, options))
        return response
