"""The pack's uses of pulumi-policy's private behaviour, with the version they were written for.

- ``proxy_target``: pulumi-policy's proxies (pulumi_policy/proxy.py) answer ``["__target"]``
  with the container they wrap; ``common.plain`` reads through them without tripping on
  unknown values.
- ``secrets.install`` wraps ``pulumi_policy.policy.deserialize_properties`` (see there).

tests/test_pulumi_compat.py checks both against the installed pulumi-policy.
"""

from __future__ import annotations

from typing import Any

WRITTEN_FOR = "1.21.0"  # pulumi-policy, as policies/requirements.txt pins it


def proxy_target(value: Any) -> Any:
    """The raw container behind a pulumi-policy proxy; any other value as it is."""
    if type(value).__module__.startswith("pulumi_policy."):
        try:
            return value["__target"]
        except (KeyError, IndexError, TypeError):
            return value
    return value
