"""Turn Sentry's answers back into request bodies, so declared and live payloads compare."""

from __future__ import annotations

from typing import Any


def restore_ints(value: Any) -> Any:
    """Undo Pulumi's wire format, which carries every number as a float (3600 -> 3600.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: restore_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [restore_ints(v) for v in value]
    return value


def contains(value: Any, needle: Any) -> bool:
    if isinstance(value, dict):
        return any(contains(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(contains(v, needle) for v in value)
    return value == needle


def project(declared: Any, remote: Any) -> Any:
    """`remote` cut down to the shape of `declared`.

    Keys Sentry adds (ids, dates, organizationId) disappear; keys Sentry never echoes back
    (write-only, such as queryType) keep the declared value because they cannot be observed.
    Extra or missing list items stay visible, since they are real drift.
    """
    if isinstance(declared, dict) and isinstance(remote, dict):
        return {k: project(v, remote[k]) if k in remote else v for k, v in declared.items()}
    if isinstance(declared, list) and isinstance(remote, list):
        return [project(d, r) for d, r in zip(declared, remote)] + remote[len(declared):]
    return remote


def detector_as_request(remote: dict) -> dict:
    """A GET detector answer in the shape of the POST/PUT body."""
    body = dict(remote)
    if isinstance(remote.get("dataSources"), list):
        # The body takes the snuba query itself; the answer wraps it in the subscription.
        body["dataSources"] = [
            s["queryObj"]["snubaQuery"] if isinstance(s, dict) and "snubaQuery" in (s.get("queryObj") or {}) else s
            for s in remote["dataSources"]
        ]
    owner = remote.get("owner")
    if isinstance(owner, dict):
        body["owner"] = f"{owner.get('type')}:{owner.get('id')}"
    if isinstance(remote.get("workflowIds"), list):
        body["workflowIds"] = _ids(remote["workflowIds"])
    return body


def workflow_as_request(remote: dict) -> dict:
    """A GET workflow answer in the shape of the POST/PUT body."""
    body = dict(remote)
    if isinstance(remote.get("detectorIds"), list):
        body["detectorIds"] = _ids(remote["detectorIds"])
    return body


def changed_keys(old: dict, new: dict) -> list[str]:
    """Top-level payload keys whose value differs, was added or was removed."""
    old, new = restore_ints(old), restore_ints(new)
    return sorted(k for k in old.keys() | new.keys() if old.get(k, _MISSING) != new.get(k, _MISSING))


_MISSING = object()


def _ids(values: list) -> list:
    # Answers carry ids as strings; the request schemas type them as integers.
    return [int(v) if isinstance(v, str) and v.isdigit() else v for v in values]
