"""Runs the real program for one stack under Pulumi's mock runtime and collects a plan."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import set_mocks
from pulumi.runtime.stack import run_pulumi_func

from .._pulumi_compat import is_wire_secret, skip_source_positions, sync_await
from ..interrupt import forget_child, remember_child
from ..model.stack_order import stacks_in_order  # noqa: F401 - where the commands and tests find it
from ..model.types import Model, StackFile
from ..sentry_api.payloads import wire_body
from .mock_runtime import RecordingMocks, RecordingMonitor
from .secrets import SECRET, mask
from .stack_config import stack_config


@dataclass
class PlannedResource:
    type: str
    name: str
    inputs: dict[str, Any]
    options: dict[str, Any]
    # For `errorops check` (not printed by plan): the resource's URN, the URNs it depends on,
    # and the paths in `inputs` whose values the program passed as secrets (masked above).
    urn: str = ""
    dependencies: tuple[str, ...] = ()
    secret_paths: tuple[tuple[str | int, ...], ...] = ()


@dataclass
class StackPlan:
    stack: str
    environment: str
    resources: list[PlannedResource]
    outputs: dict[str, Any]
    lookups: list[dict[str, Any]]
    unset_config: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "resources": [
                {"type": r.type, "name": r.name, "inputs": _as_sent(r.type, r.inputs), "options": r.options}
                for r in self.resources
            ],
            "outputs": self.outputs,
            "lookups": self.lookups,
            "unset_config": self.unset_config,
        }


# Sentry payloads lose their nulls in Pulumi's engine; their provider sends them back
# (sentry_api.payloads.wire_body). The JSON plan shows the body as Sentry receives it.
_SENTRY_PAYLOADS = ("pulumi-python:dynamic/sentry:Monitor", "pulumi-python:dynamic/sentry:Alert")


def _as_sent(type_: str, inputs: dict[str, Any]) -> dict[str, Any]:
    if type_ in _SENTRY_PAYLOADS and isinstance(inputs.get("payload"), dict):
        return {**inputs, "payload": wire_body(inputs["payload"])}
    return inputs


def _secret_paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Paths of the secret-wrapped values inside ``value`` (before masking)."""
    if isinstance(value, dict):
        if is_wire_secret(value):
            return [path]
        return [p for k, v in value.items() for p in _secret_paths(v, path + (k,))]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in _secret_paths(v, path + (i,))]
    return []


def _short(urn: str, root: str | None) -> str | None:
    return None if not urn or urn == root else urn.rsplit("::", 1)[-1]


def _resolve_outputs(root: Any) -> dict[str, Any]:
    outputs = {}
    for name, value in sorted(root.outputs.items()):
        output = pulumi.Output.from_input(value)
        resolved = sync_await(output.future())
        outputs[name] = SECRET if sync_await(output.is_secret()) else mask(resolved)
    return outputs


def plan_stack(model: Model, stack: StackFile) -> StackPlan:
    from ..program import run

    config, secret_keys, unset = stack_config(model, stack)
    skip_source_positions()
    # The SDK annotates the root as a Resource, but its ContextVar holds None until a stack is made: this resets it.
    runtime_settings.set_root_resource(None)  # type: ignore[arg-type]
    set_all_config(config, secret_keys)
    recording = RecordingMocks()
    monitor = RecordingMonitor(recording)
    set_mocks(recording, project=model.project_name, stack=stack.name, preview=False, monitor=monitor)
    root = runtime_settings.get_root_resource()
    sync_await(run_pulumi_func(lambda: run(model)))

    assert root is not None  # set_mocks made the stack resource
    root_urn = sync_await(root.urn.future())
    resources = sorted(
        (
            PlannedResource(
                r.type,
                r.name,
                # __provider is a dynamic resource's pickled provider: engine plumbing, not input.
                mask({k: v for k, v in r.inputs.items() if not k.startswith("__")}),
                {
                    **{k: v for k, v in r.options.items() if v and k not in ("parent", "depends_on")},
                    "protect": r.options["protect"],
                    "parent": _short(r.options["parent"], root_urn),
                    "depends_on": sorted(_short(u, root_urn) for u in r.options["depends_on"]),
                },
                r.urn,
                tuple(sorted(r.options["depends_on"])),
                tuple(_secret_paths({k: v for k, v in r.inputs.items() if not k.startswith("__")})),
            )
            for r in monitor.registrations
        ),
        key=lambda r: (r.type, r.name),
    )
    lookups = sorted(
        ({"token": lookup.token, "args": mask(lookup.args), "result": mask(lookup.result)} for lookup in recording.lookups),
        key=lambda entry: (entry["token"], repr(sorted(entry["args"].items()))),
    )
    environment = str(config.get(model.project_name + ":environment"))
    return StackPlan(stack.name, environment, resources, _resolve_outputs(root), lookups, unset)


def plan_stacks(model: Model, stacks: list[StackFile]) -> list[StackPlan]:
    """Each stack planned, in order. The stacks are independent and the mock runtime is one
    per process, so with several stacks and cores each is planned in a process of its own,
    forked from this one (which has already imported the SDK and validated the model)."""
    # Forking a process that runs other threads (a gRPC channel, a test's pack) can leave a
    # lock held in the child: only a single-threaded process forks.
    if len(stacks) < 2 or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return [plan_stack(model, stack) for stack in stacks]
    # The program and the SDK modules it declares with are loaded here, once, not in each planner.
    from ..declare import load_sdk

    load_sdk()

    children = [_fork_planner(model, stack) for stack in stacks]
    try:
        return [_result_of(stack, pid, fd) for stack, (pid, fd) in zip(stacks, children)]
    finally:
        for pid, fd in children:
            forget_child(pid)
            try:
                os.close(fd)
            except OSError:
                pass


def _fork_planner(model: Model, stack: StackFile) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    # Ctrl-C waits until the child is known, so that the parent's exit can end it too.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
        if pid == 0:
            _plan_and_send(model, stack, read_end, write_end)
        remember_child(pid)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    os.close(write_end)
    return pid, read_end


def _plan_and_send(model: Model, stack: StackFile, read_end: int, write_end: int) -> None:
    """The planner: plan, send the result (or the error) to the parent, leave without cleanup."""
    try:
        os.close(read_end)
        # The parent ends the command on Ctrl-C with one line; a planner ends silently.
        signal.signal(signal.SIGINT, lambda *_: os._exit(130))
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        try:
            answer: tuple[str, Any] = ("plan", plan_stack(model, stack))
        except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
            answer = ("error", exc)
        try:
            data = pickle.dumps(answer)
        except Exception as exc:  # noqa: BLE001 - an error that does not pickle still gets home
            data = pickle.dumps(("error", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]} ({exc})")))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)


def _result_of(stack: StackFile, pid: int, fd: int) -> StackPlan:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        raise RuntimeError(f"planning stack {stack.name} ended without a result (wait status {status})")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]
