"""Stack files agree with the YAML and with Pulumi.yaml.

Passing (Pulumi.prod.yaml)::

    config:
      errorops:environment: prod
      errorops:sentryOrganization: ai-content-factory
      gcp:project: ai-content-factory-prod
      errorops:teamLeadEmail: {secure: v1:...}

Failing: an environment that does not exist, an organisation other than the
YAML's, a key Pulumi.yaml does not declare, a secret key in plain text, or two
stacks deploying one environment::

    config:
      errorops:environment: production
      errorops:sentryOrganization: acme
      errorops:teamLeadEmail: lead@example.com
"""

from __future__ import annotations

from collections.abc import Iterator

from ...model.types import Model
from ...problems import Problem
from ._refs import listing


def check(model: Model) -> Iterator[Problem]:
    if not model.stacks:
        return
    ns = model.project_name + ":"
    envs = {e.id for e in model.environments}
    declared = {k.name: k for k in model.config_keys}
    deployed: dict[str, str] = {}
    for stack in model.stacks:
        env = stack.values.get(ns + "environment")
        if env is not None and env not in envs:
            yield stack.value_at(ns + "environment").problem(
                f"environment '{env}' is not defined (environments: {listing(envs)})"
            )
        elif env in deployed:
            yield stack.value_at(ns + "environment").problem(
                f"environment '{env}' is already deployed by stack '{deployed[env]}'; one stack per environment"
            )
        elif env is not None:
            deployed[env] = stack.name
        org = stack.values.get(ns + "sentryOrganization")
        if org is not None and org != model.organization.slug:
            yield stack.value_at(ns + "sentryOrganization").problem(
                f"sentryOrganization '{org}' differs from the organisation slug '{model.organization.slug}' "
                f"in {model.organization.at.file}"
            )
        for full_key in sorted({*stack.values, *stack.secure_keys}):
            if not full_key.startswith(ns):
                continue
            key = declared.get(full_key[len(ns):])
            if key is None:
                yield stack.value_at(full_key).problem(f"config key '{full_key}' is not declared in Pulumi.yaml", key=True)
            elif key.secret and full_key in stack.values:
                yield stack.value_at(full_key).problem(
                    f"config key '{full_key}' is secret and must not be stored in plain text; "
                    f"set it with: pulumi config set --secret {full_key[len(ns):]} ...  --stack {stack.name}"
                )
    for env in model.environments:
        if env.id not in deployed:
            yield env.at.problem(f"environment '{env.id}' has no stack (no Pulumi.<stack>.yaml names it)", "id")
