"""A policy's generated documentation fits Google's limit of 8,192 characters, in every stack.

The markdown is rendered exactly as it is deployed (errorops.model.gcp_render):
summary, level and response time, conditions, the level's actions, the shared
initial-assessment and investigation checklists, and the policy's notes.

Passing::

    alert_policies:
      - {id: a, summary: More than half of the requests fail., notes: [Check Vertex AI quotas.], ...}

Failing (notes so long that the rendered markdown exceeds 8,192 characters)::

    alert_policies:
      - {id: a, notes: ["<9,000 characters of prose>"], ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.gcp_render import context_for, documentation
from ...model.types import Model
from ...problems import Problem
from ._gcp import policy_resolves, project_of

MAX_CONTENT = 8192
MAX_SUBJECT = 255


def check(model: Model) -> Iterator[Problem]:
    if model.gcp is None:
        return
    for policy in model.gcp.policies:
        if not policy_resolves(model, policy):
            continue  # gcp_references reports it; the text cannot be rendered
        worst = (0, "", 0)
        for env in model.environments:
            ctx = context_for(model, env, project_of(model, env.id))
            if ctx is None:
                continue
            subject, content = documentation(model, policy, ctx)
            if len(content) > worst[0]:
                worst = (len(content), env.id, len(subject))
            if len(subject) > MAX_SUBJECT:
                yield policy.at.problem(f"policy '{policy.id}': the notification subject is {len(subject)} characters "
                                        f"in environment '{env.id}'; Google allows {MAX_SUBJECT}", "title")
        if worst[0] > MAX_CONTENT:
            yield policy.at.problem(
                f"policy '{policy.id}': its documentation renders to {worst[0]} characters in environment "
                f"'{worst[1]}'; Google allows {MAX_CONTENT} (shorten summary or notes)", "summary")
