"""An alert policy has at most six conditions, Cloud Monitoring's limit.

Passing::

    alert_policies:
      - {id: integration-failing, conditions: [{id: vertex-ai, ...}, {id: elevenlabs, ...}], ...}

Failing (seven conditions: the API refuses the policy at deploy time)::

    alert_policies:
      - {id: everything, conditions: [{id: c1, ...}, {id: c2, ...}, ..., {id: c7, ...}], ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.types import Model
from ...problems import Problem

MAX_CONDITIONS = 6


def check(model: Model) -> Iterator[Problem]:
    if model.gcp is None:
        return
    for policy in model.gcp.policies:
        if len(policy.conditions) > MAX_CONDITIONS:
            yield policy.at.problem(
                f"policy '{policy.id}' has {len(policy.conditions)} conditions; Cloud Monitoring allows at most "
                f"{MAX_CONDITIONS} (split it into several policies)", "conditions", MAX_CONDITIONS)
