"""What every policy of the pack shares: resource types, levels, environments, plain values."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ._policy_compat import proxy_target

# Resource types the process is about.
SENTRY_ALERT = "pulumi-python:dynamic/sentry:Alert"
SENTRY_MONITOR = "pulumi-python:dynamic/sentry:Monitor"
SENTRY_PROJECT = "sentry:index/sentryProject:SentryProject"
GCP_ALERT_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
GCP_CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel"
GCP_LOG_METRIC = "gcp:logging/metric:Metric"
LOG_BUCKETS = frozenset({
    "gcp:logging/projectBucketConfig:ProjectBucketConfig",
    "gcp:logging/folderBucketConfig:FolderBucketConfig",
    "gcp:logging/organizationBucketConfig:OrganizationBucketConfig",
    "gcp:logging/billingAccountBucketConfig:BillingAccountBucketConfig",
})

# Values of the analyzer protocol that are not known until deploy (pulumi_policy.proxy).
_UNKNOWNS = frozenset({
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
})


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in _UNKNOWNS


def plain(value: Any) -> Any:
    """Resource properties as plain dicts and lists, unknowns left as their sentinels.

    pulumi-policy hands validators proxies that raise on the first unknown value they
    touch, which would stop a whole policy during preview because of one unrelated
    computed id; the policies here look at unknowns explicitly (``is_unknown``).
    Secret marks (``secrets.SecretStr``) are kept.
    """
    target = proxy_target(value)
    if isinstance(target, Mapping):
        return {k: plain(target[k]) for k in target}
    if isinstance(target, Sequence) and not isinstance(target, str | bytes):
        return [plain(target[i]) for i in range(len(target))]
    return target


def get(value: Any, *path: Any, default: Any = None) -> Any:
    for key in path:
        if isinstance(value, Mapping) and key in value:
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
            value = value[key]
        else:
            return default
    return default if is_unknown(value) else value


def walk(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path, value) pair of a property tree, containers included."""
    yield path, value
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, path + (i,))


def dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(all)"


# --- levels -------------------------------------------------------------------------------

_SENTRY_LEVEL = re.compile(r"^\s*\[P(\d)\]")
_GCP_LEVEL_LABEL = re.compile(r"^p(\d)$", re.IGNORECASE)
_GCP_LEVEL_NAME = re.compile(r"^\s*\[?P(\d)\b")


def sentry_level(payload: Mapping) -> int | None:
    """P-level of a Sentry alert or monitor: its name starts with "[P0] ", "[P1] "..."""
    match = _SENTRY_LEVEL.match(str(get(payload, "name", default="")))
    return int(match.group(1)) if match else None


def gcp_level(props: Mapping) -> int | None:
    """P-level of a Cloud Monitoring policy: user label severity=p0..., else "P0 " in its name."""
    match = _GCP_LEVEL_LABEL.match(str(get(props, "userLabels", "severity", default="")))
    if not match:
        match = _GCP_LEVEL_NAME.match(str(get(props, "displayName", default="")))
    return int(match.group(1)) if match else None


# --- stacks and environments --------------------------------------------------------------

def stack_of(urn: str) -> str:
    """The stack named in a URN: urn:pulumi:<stack>::<project>::<type>::<name>."""
    head = urn.split("::", 1)[0]
    return head[len("urn:pulumi:"):] if head.startswith("urn:pulumi:") else ""


def environment(config: Mapping, urn: str) -> str:
    """The environment of the stack: policy config ``environment``, else the stack's name."""
    env = config.get("environment") if config else None
    return str(env) if env else stack_of(urn)


def str_list(config: Mapping, key: str) -> list[str]:
    return [str(v) for v in (config.get(key) or [])] if config else []


def missing_config(policy: str, config: Mapping | None, keys: Sequence[str]) -> str | None:
    """The violation for a pack run without the config its process facts come from, else None.

    The pack keeps no copy of the process: with no config it cannot know what to require,
    and passing silently would let a deploy skip the process. So it says how to pass it.
    """
    absent = [k for k in keys if not config or config.get(k) is None]
    if not absent:
        return None
    return (f"policy '{policy}' has no config ({', '.join(absent)}): pass the stack's policy config, written by "
            "`errorops check --stack STACK --policy-config`, with --policy-pack-config (pulumi/actions: "
            "policyPackConfigs).")


# JSON-schema fragments for the policies' config_schema.
ENVIRONMENT_SCHEMA = {
    "type": "string",
    "description": "Environment this stack deploys (environments.yaml id). Default: the stack's name. "
                   "errorops check passes the stack's errorops:environment.",
}


def env_list_schema(description: str) -> dict:
    return {"type": "array", "items": {"type": "string"}, "description": description}
