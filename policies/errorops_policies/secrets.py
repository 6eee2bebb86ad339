"""Keeps "this value is a secret" visible to the validators.

The engine sends a secret input to a policy pack wrapped as
``{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": ...}``
(``MarshalOptions{KeepSecrets: true}``), but pulumi-policy's Python analyzer unwraps it
before any validator runs (``deserialize_properties`` without ``proxy_secrets``), so
a validator cannot tell ``sensitiveLabels`` given as a secret from one given in plain text.

``install()`` wraps that one function: each secret-wrapped value becomes the same
value with every leaf marked (``SecretStr`` is a ``str``, ``SecretFloat`` a ``float``),
so validators read values as before and ``is_secret()`` decides. Written against
pulumi-policy 1.21.0; if the function it wraps disappears, ``install()`` fails at
start-up instead of letting every credential pass unseen. Without ``install()`` nothing
is marked, so the credential policy reports every credential: it fails closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._policy_compat import WRITTEN_FOR

SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


class SecretStr(str):
    """A string that arrived as a secret."""


class SecretFloat(float):
    """A number that arrived as a secret (the wire format has only floats)."""


def mark(value: Any) -> Any:
    """``value`` with every string and number leaf marked secret."""
    if isinstance(value, SecretStr | SecretFloat):
        return value
    if isinstance(value, str):
        return SecretStr(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return SecretFloat(value)
    if isinstance(value, Mapping):
        return {k: mark(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mark(v) for v in value]
    return value


def is_secret(value: Any) -> bool:
    """True when every leaf of ``value`` arrived as a secret (and there is at least one)."""
    leaves = list(_leaves(value))
    return bool(leaves) and all(isinstance(v, SecretStr | SecretFloat) for v in leaves)


def _leaves(value: Any):
    if isinstance(value, Mapping):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield value


def unwrap_marking(prop: Any) -> Any:
    """Wire-format properties with each secret wrapper replaced by its marked value."""
    if isinstance(prop, list):
        return [unwrap_marking(p) for p in prop]
    if isinstance(prop, dict):
        if prop.get(SPECIAL_SIG_KEY) == SECRET_SIG:
            return mark(unwrap_marking(prop.get("value")))
        return {k: unwrap_marking(v) for k, v in prop.items()}
    return prop


def wrap(value: Any) -> dict:
    """``value`` as the engine sends a secret (for clients and tests)."""
    return {SPECIAL_SIG_KEY: SECRET_SIG, "value": value}


_installed = False


def install() -> None:
    """Make the running analyzer keep secret marks (idempotent)."""
    global _installed
    if _installed:
        return
    import pulumi_policy.policy as policy_module

    original = getattr(policy_module, "deserialize_properties", None)
    if original is None:
        raise RuntimeError(
            "pulumi_policy.policy.deserialize_properties is gone: errorops_policies.secrets (written for "
            f"pulumi-policy {WRITTEN_FOR}) needs updating for this version (see policies/requirements.txt)")

    def deserialize_properties(props, proxy_secrets: bool = False):
        if proxy_secrets:  # remediation keeps its own secret handling
            return original(props, proxy_secrets)
        return original(unwrap_marking(props), proxy_secrets)

    policy_module.deserialize_properties = deserialize_properties
    _installed = True
