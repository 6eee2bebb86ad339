"""The user labels sent with each policy are ones Google accepts.

Keys: 1 to 63 characters, lowercase letters, digits, '_' and '-', starting with a
letter. Values: at most 63 of the same characters. At most 64 labels. errorops
adds severity (lowercased: p0), team and environment to a policy's own labels.

Passing::

    alert_policies:
      - {id: a, severity: P0, team: devops, user_labels: {service: acf-api}, ...}

Failing (upper case in a key, a space in a value)::

    alert_policies:
      - {id: a, severity: P0, team: devops, user_labels: {Service: acf api}, ...}
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.gcp_render import user_labels
from ...model.types import Model
from ...problems import Problem

KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
MAX_LABELS = 64


def check(model: Model) -> Iterator[Problem]:
    if model.gcp is None:
        return
    for policy in model.gcp.policies:
        own = set(policy.user_labels)
        seen: set[tuple[str, str]] = set()
        for env in model.environments:
            labels = user_labels(policy, env)
            if len(labels) > MAX_LABELS:
                yield policy.at.problem(f"policy '{policy.id}' has {len(labels)} user labels; Google allows at most "
                                        f"{MAX_LABELS}", "user_labels")
            for key, value in labels.items():
                if (key, value) in seen:
                    continue
                seen.add((key, value))
                where = ("user_labels", key) if key in own and policy.user_labels.get(key) == value else (
                    ("severity",) if key == "severity" else ("team",) if key == "team" else ())
                if not KEY.match(key):
                    yield policy.at.problem(
                        f"user label key '{key}' is refused by Google (lowercase letters, digits, '_' and '-', "
                        "starting with a letter, at most 63)", *where, key=key in own)
                if not VALUE.match(str(value)):
                    yield policy.at.problem(
                        f"user label {key}='{value}' is refused by Google (values: lowercase letters, digits, "
                        "'_' and '-', at most 63)", *where)
