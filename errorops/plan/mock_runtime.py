"""Pulumi's own mock runtime, recording what a program declares.

The resources are built by the SDK's real classes and serialised by the real
runtime; only the engine's answers are ours: ids, computed outputs and the
results of lookups, each a clearly marked placeholder.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pulumi.runtime import mocks

COMPUTED = "<computed at deploy>"

T = TypeVar("T")

# Outputs a provider computes that the program reads; everything else echoes the inputs.
_COMPUTED_OUTPUTS: dict[str, tuple[str, ...]] = {
    "sentry:index/sentryKey:SentryKey": ("dsnPublic", "dsnSecret", "dsnCsp", "public", "secret", "projectId"),
    "sentry:index/sentryProject:SentryProject": ("internalId", "projectId"),
    "sentry:index/sentryTeam:SentryTeam": ("internalId",),
    "pulumi-python:dynamic/sentry:Monitor": ("sentry_id",),
    "pulumi-python:dynamic/sentry:Alert": ("sentry_id",),
    "pulumi-python:dynamic/sentry:ProjectErrorDetector": ("sentry_id",),
}


def register_computed_outputs(type_token: str, *names: str) -> None:
    """Declares outputs of a resource type that only the provider can compute."""
    _COMPUTED_OUTPUTS[type_token] = tuple(sorted({*_COMPUTED_OUTPUTS.get(type_token, ()), *names}))


# Computed outputs whose placeholder names its resource ({name}, and {project} from its
# inputs), so that a plan shows which resource a reference points at.
_COMPUTED_TEMPLATES: dict[str, dict[str, str]] = {
    "gcp:monitoring/notificationChannel:NotificationChannel": {
        "name": "projects/{project}/notificationChannels/<id of {name}>",
    },
    "gcp:monitoring/alertPolicy:AlertPolicy": {"name": "projects/{project}/alertPolicies/<id of {name}>"},
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": {"uptimeCheckId": "<id of {name}>"},
}


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    options: dict[str, Any]


@dataclass
class Lookup:
    token: str
    args: dict[str, Any]
    result: dict[str, Any]


class RecordingMocks(mocks.Mocks):
    def __init__(self) -> None:
        self.lookups: list[Lookup] = []

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        outputs = dict(args.inputs)
        for name, template in _COMPUTED_TEMPLATES.get(args.typ, {}).items():
            outputs.setdefault(name, template.format(name=args.name, project=args.inputs.get("project", "<project>")))
        for name in _COMPUTED_OUTPUTS.get(args.typ, ()):
            outputs.setdefault(name, COMPUTED)
        return f"<id of {args.name}>", outputs

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        placeholder = f"<lookup at deploy: {args.token.rsplit(':', 1)[-1]}>"
        result = {**args.args, "id": placeholder, "internalId": placeholder}
        self.lookups.append(Lookup(args.token, dict(args.args), result))
        return result, []


def _thread_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return None


def _closing_thread_loop(call: Callable[[Any], T], request: Any) -> T:
    """Run a mock-monitor call and close the event loop it made for its worker thread.

    The SDK's mock monitor gives each worker thread a loop it never closes; left
    to the garbage collector at exit, they print errors after a clean plan.
    """
    before = _thread_loop()
    try:
        return call(request)
    finally:
        loop = _thread_loop()
        if loop is not None and loop is not before and not loop.is_running():
            loop.close()
            asyncio.set_event_loop(None)


@dataclass
class RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, also keeping the resource options it is sent."""

    registrations: list[Registration] = field(default_factory=list)

    def __init__(self, recording: RecordingMocks):
        super().__init__(recording)
        self.registrations = []

    def Invoke(self, request: Any) -> Any:
        return _closing_thread_loop(super().Invoke, request)

    def RegisterResource(self, request: Any) -> Any:
        return _closing_thread_loop(self._register, request)

    def _register(self, request: Any) -> Any:
        # The SDK's MockMonitor is not annotated; its requests and responses are protobuf messages.
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
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
