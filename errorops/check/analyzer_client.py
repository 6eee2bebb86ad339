"""Drives the policy pack as the Pulumi CLI does: a child process serving the analyzer protocol.

``PolicyPack`` (policies/__main__.py, run with the pack's folder as working directory)
prints its port as the first line of stdout. The client then calls GetAnalyzerInfo,
Configure (every policy's enforcement level and config, as the engine sends them),
ConfigureStack, Analyze once per resource and AnalyzeStack once per stack. Secret
inputs travel as the engine sends them, wrapped with Pulumi's secret signature.

Nothing waits forever: reading the port and each call have timeouts, and the child is
always ended (terminate, then kill) when the client closes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .._pulumi_compat import wire_secret

START_TIMEOUT = 60.0
CALL_TIMEOUT = 60.0

LEVELS = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
    analyzer_pb2.REMEDIATE: "remediate",
}
_LEVEL_VALUES = {v: k for k, v in LEVELS.items()}


class PackError(RuntimeError):
    """The policy pack did not start or did not answer."""


@dataclass(frozen=True)
class Resource:
    """One resource as the engine hands it to an analyzer."""

    type: str
    name: str
    urn: str
    properties: dict[str, Any]
    protect: bool = False
    parent: str = ""
    dependencies: tuple[str, ...] = ()
    additional_secret_outputs: tuple[str, ...] = ()
    ignore_changes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    delete_before_replace: bool | None = None


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    urn: str
    message: str
    description: str
    level: str  # advisory | mandatory | ...


def with_secrets(inputs: dict[str, Any], secret_paths: Iterable[tuple[str | int, ...]]) -> dict[str, Any]:
    """``inputs`` with the value at each path wrapped as a secret (the engine's wire form)."""
    import copy

    out = copy.deepcopy(inputs)
    for path in sorted(secret_paths, key=len, reverse=True):
        if not path:
            continue
        parent: Any = out
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = wire_secret(parent[path[-1]])
        except (KeyError, IndexError, TypeError):
            # Sending the value in plain text would hide a secret from the pack's secret
            # policies: a path that does not resolve is a bug, never something to skip.
            raise PackError(f"secret at {'.'.join(map(str, path))} is not in the resource's inputs") from None
    return out


def _struct(properties: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(properties)
    return struct


def _options(r: Resource) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=r.protect,
        ignoreChanges=list(r.ignore_changes),
        deleteBeforeReplace=bool(r.delete_before_replace),
        deleteBeforeReplaceDefined=r.delete_before_replace is not None,
        additionalSecretOutputs=list(r.additional_secret_outputs),
        aliases=list(r.aliases),
        parent=r.parent,
    )


class PolicyPackProcess:
    """A running policy pack. Use as a context manager; ``close()`` always ends the child."""

    def __init__(self, pack_dir: Path, python: str | None = None):
        self.pack_dir = Path(pack_dir)
        self.python = python or sys.executable
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._stderr = tempfile.TemporaryFile()
        self.info: analyzer_pb2.AnalyzerInfo | None = None

    # --- life cycle -----------------------------------------------------------------------

    def __enter__(self) -> "PolicyPackProcess":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        self.launch()
        self.connect()

    def launch(self) -> None:
        """Start the child; ``connect()`` waits for it (so other work can happen meanwhile)."""
        main = self.pack_dir / "__main__.py"
        if not main.is_file():
            raise PackError(f"no policy pack at {self.pack_dir} (missing __main__.py)")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        self._proc = subprocess.Popen(
            [self.python, "-u", str(main)], cwd=self.pack_dir, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr,
        )

    def connect(self) -> None:
        if self._proc is None:
            self.launch()
        port = self._read_port()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            grpc.channel_ready_future(self._channel).result(timeout=START_TIMEOUT)
        except grpc.FutureTimeoutError:
            self.close()
            raise PackError(f"policy pack at {self.pack_dir} did not answer on port {port}") from None
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        self.info = self._call("GetAnalyzerInfo", empty_pb2.Empty())

    def _read_port(self) -> int:
        line: list[bytes] = []
        assert self._proc is not None and self._proc.stdout is not None  # launch() made it, stdout a pipe
        stdout = self._proc.stdout
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        text = line[0].decode("utf-8", "replace").strip() if line else ""
        if not text.isdigit():
            detail = self.stderr_text() if line else f"no port within {START_TIMEOUT:g} s"
            self.close()
            raise PackError(f"policy pack at {self.pack_dir} did not start: {detail.strip() or text!r}")
        return int(text)

    def stderr_text(self) -> str:
        try:
            self._stderr.seek(0)
            return self._stderr.read().decode("utf-8", "replace")[-4000:]
        except (OSError, ValueError):
            return ""

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
            if proc.stdout:
                proc.stdout.close()
        try:
            self._stderr.close()
        except OSError:
            pass

    def _call(self, method: str, request: Any) -> Any:
        if self._stub is None:
            raise PackError("policy pack is not running")
        try:
            return getattr(self._stub, method)(request, timeout=CALL_TIMEOUT)
        except grpc.RpcError as exc:
            detail = exc.details() if hasattr(exc, "details") else str(exc)
            raise PackError(f"policy pack {method} failed: {detail}\n{self.stderr_text().strip()}") from None

    # --- the protocol ---------------------------------------------------------------------

    def policies(self) -> dict[str, str]:
        """Each policy's name and its default enforcement level."""
        assert self.info is not None  # connect() asked the pack for it
        return {p.name: LEVELS.get(p.enforcementLevel, "advisory") for p in self.info.policies}

    def configure(self, config: dict[str, dict[str, Any]], levels: dict[str, str] | None = None) -> None:
        """Send every policy its enforcement level and config, as the engine does.

        pulumi-policy takes the level of each policy named here from the request (an
        omitted level would read as advisory), so every policy is always sent.
        """
        defaults = self.policies()
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, default_level in defaults.items():
            level = (levels or {}).get(name, default_level)
            entry = request.policyConfig[name]
            entry.enforcementLevel = _LEVEL_VALUES[level]
            entry.properties.update(config.get(name, {}))
        self._call("Configure", request)

    def configure_stack(self, stack: str, project: str, tags: dict[str, str] | None = None) -> None:
        request = analyzer_pb2.AnalyzerStackConfigureRequest(stack=stack, project=project, dry_run=True)
        for k, v in (tags or {}).items():
            request.tags[k] = v
        self._call("ConfigureStack", request)

    def analyze(self, r: Resource) -> list[Diagnostic]:
        request = analyzer_pb2.AnalyzeRequest(
            type=r.type, name=r.name, urn=r.urn, properties=_struct(r.properties), options=_options(r))
        return self._diagnostics(self._call("Analyze", request), default_urn=r.urn)

    def analyze_stack(self, resources: list[Resource]) -> list[Diagnostic]:
        request = analyzer_pb2.AnalyzeStackRequest(resources=[
            analyzer_pb2.AnalyzerResource(
                type=r.type, name=r.name, urn=r.urn, properties=_struct(r.properties), options=_options(r),
                parent=r.parent, dependencies=list(r.dependencies),
            )
            for r in resources
        ])
        return self._diagnostics(self._call("AnalyzeStack", request), default_urn="")

    @staticmethod
    def _diagnostics(response: Any, default_urn: str) -> list[Diagnostic]:
        out = []
        for d in response.diagnostics:
            message = d.message
            # pulumi-policy sends "<description>\n<message>"; keep the message.
            if d.description and message.startswith(d.description):
                message = message[len(d.description):].lstrip("\n") or d.description
            out.append(Diagnostic(d.policyName, d.urn or default_urn, message.strip(), d.description,
                                  LEVELS.get(d.enforcementLevel, "advisory")))
        return out
