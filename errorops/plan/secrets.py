"""Secret values never leave the plan: they print as [secret]."""

from __future__ import annotations

from typing import Any

from pulumi.runtime import rpc

from .._pulumi_compat import is_wire_secret
from .stack_config import SECRET_PLACEHOLDER

SECRET = "[secret]"


def mask(value: Any) -> Any:
    """Replace every secret-wrapped value (and every placeholder of one) by [secret]."""
    if isinstance(value, dict):
        if is_wire_secret(value):
            return SECRET
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(v) for v in value]
    if isinstance(value, str) and SECRET_PLACEHOLDER in value:
        return SECRET
    if value == rpc.UNKNOWN:
        return "<unknown until deploy>"
    # The wire format has only floats; show whole numbers as the YAML wrote them.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
