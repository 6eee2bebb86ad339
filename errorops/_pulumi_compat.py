"""Every use of the Pulumi SDK's private behaviour, in one place, with the version it was written for.

tests/test_pulumi_compat.py checks each one against the installed SDK: that it still
works, and, where the SDK could fix the underlying problem, that it is still needed.
Upgrading ``pulumi`` in requirements.txt means re-reading this file.
"""

from __future__ import annotations

import pickle
from collections.abc import Awaitable
from typing import Any, Optional, TypeVar

import pulumi
from pulumi.dynamic import Resource, ResourceProvider
from pulumi.runtime import rpc
from pulumi.runtime.sync_await import _sync_await

WRITTEN_FOR = "3.272.0"  # pulumi, as requirements.txt pins it

T = TypeVar("T")

# --- 1. The pickler that dynamic resources leave wrapped -------------------------------------
# pulumi 3.272's serialize_provider (pulumi/dynamic/dynamic.py) wraps
# pickle._Pickler._batch_setitems anew for every dynamic resource and never unwraps it:
# past about a thousand resources in one program, pickling a provider overflows the stack.
_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]  # private by design


class PickleSafeResource(Resource):
    """Base of errorops' dynamic resources: restores the pickler before Pulumi pickles the provider."""

    def __init__(self, provider: ResourceProvider, name: str, props: dict[str, Any],
                 opts: Optional[pulumi.ResourceOptions]):
        pickle._Pickler._batch_setitems = _BATCH_SETITEMS  # type: ignore[attr-defined]
        super().__init__(provider, name, props, opts)


# --- 2. Waiting for an output outside the engine's event loop ---------------------------------
# The offline plan runs the program under the mock runtime and must read its outputs
# synchronously; the SDK's own tests and pulumi.runtime.mocks use this private helper.
def sync_await(awaitable: Awaitable[T]) -> T:
    return _sync_await(awaitable)


# --- 3. The wire form of a secret -----------------------------------------------------------
# The engine and the analyzer protocol mark a secret as {SIG_KEY: SECRET_SIG, "value": ...}
# (pulumi/runtime/rpc.py; the constants are private there, their values are the protocol's).
SECRET_SIG_KEY: str = rpc._special_sig_key
SECRET_SIG: str = rpc._special_secret_sig


def is_wire_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG


def wire_secret(value: Any) -> dict[str, Any]:
    return {SECRET_SIG_KEY: SECRET_SIG, "value": value}


# --- 4. Source positions the offline plan never reads ----------------------------------------
# Every registration walks the Python stack and reads source lines (resource.py's
# _get_stack_trace) so that the engine can point at the program line that declared a
# resource. The mock runtime discards them; skipping the walk makes planning a tenth faster.
# Only the offline plan calls this; `pulumi up` keeps the SDK's behaviour.
def skip_source_positions() -> None:
    from pulumi.runtime import resource
    from pulumi.runtime.proto import source_pb2

    resource._get_stack_trace = lambda: source_pb2.StackTrace()
