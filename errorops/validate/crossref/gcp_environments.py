"""gcp_monitoring.yaml has an entry for each environment, and only for environments that exist.

Passing (environments.yaml defines prod and dev)::

    environments:
      - {id: prod, cloud_run_service: acf-api, region: us-central1}
      - {id: dev, cloud_run_service: acf-api, region: us-central1}

Failing (no entry for dev, whose stack would then have no service to watch;
``production`` is not an environment)::

    environments:
      - {id: production, cloud_run_service: acf-api, region: us-central1}
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.types import Model
from ...problems import Problem
from ._refs import listing


def check(model: Model) -> Iterator[Problem]:
    gcp = model.gcp
    if gcp is None:
        return
    known = {e.id for e in model.environments}
    listed = {e.id for e in gcp.environments}
    for entry in gcp.environments:
        if entry.id not in known:
            yield entry.at.problem(f"environment '{entry.id}' is not defined (environments: {listing(known)})", "id")
    for env in model.environments:
        if env.id not in listed:
            yield gcp.at.problem(f"environments: no entry for environment '{env.id}' (cloud_run_service, region)",
                                 "environments")
