"""A policy has at most three documentation links (the shared ones plus its own), each
using only the variables errorops fills in.

Passing (two shared links, one of the policy's)::

    documentation: {links: [{title: Sentry project, url: ...}, {title: Runbook, url: ...}], ...}
    alert_policies:
      - {id: a, links: [{title: Memorystore, url: "https://console.cloud.google.com/memorystore/redis/instances?project=${project}"}], ...}

Failing (four links in all; ${region} is not a link variable)::

    alert_policies:
      - {id: a, links: [{title: A, url: "https://a.example/${region}"}, {title: B, url: "https://b.example/"}], ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.gcp import Link
from ...model.gcp_render import LINK_VARIABLES, variables_in
from ...model.types import Model
from ...problems import Problem

MAX_LINKS = 3


def _variables(link: Link) -> Iterator[Problem]:
    names, bad = variables_in(link.url)
    for name in sorted(names - LINK_VARIABLES):
        yield link.at.problem(f"unknown variable ${{{name}}} in link (known: "
                              f"{', '.join('${' + v + '}' for v in sorted(LINK_VARIABLES))})", "url")
    for text in bad:
        yield link.at.problem(f"stray '$' in link near '{text}' (write $$ for a dollar sign)", "url")


def check(model: Model) -> Iterator[Problem]:
    gcp = model.gcp
    if gcp is None:
        return
    shared = gcp.documentation.links
    if len(shared) > MAX_LINKS:
        yield gcp.documentation.at.problem(f"documentation has {len(shared)} shared links; Google allows at most "
                                           f"{MAX_LINKS} per policy", "links", MAX_LINKS)
    for link in shared:
        yield from _variables(link)
    for policy in gcp.policies:
        total = len(shared) + len(policy.links)
        if policy.links and total > MAX_LINKS:
            first_extra = max(0, MAX_LINKS - len(shared))
            yield policy.at.problem(
                f"policy '{policy.id}' would have {total} links ({len(shared)} shared + {len(policy.links)} own); "
                f"Google allows at most {MAX_LINKS}", "links", first_extra)
        for link in policy.links:
            yield from _variables(link)
