"""The digest job's secrets are secrets: Secret Manager references in the job, secret Outputs in
the secret versions.

Passing (the Cloud Run job's container)::

    envs: [{name: SLACK_BOT_TOKEN, valueSource: {secretKeyRef: {secret: errorops-digest-prod-slack-bot-token,
                                                                 version: latest}}}]

Failing (the token in the job's definition, readable by anyone who can view the job)::

    envs: [{name: SLACK_BOT_TOKEN, value: xoxb-...}]

and a ``gcp.secretmanager.SecretVersion`` whose ``secretData`` was not passed as a secret.
"""

from __future__ import annotations

import re

from .common import is_unknown, plain
from .secrets import is_secret

CLOUD_RUN_JOB = "gcp:cloudrunv2/job:Job"
SECRET_VERSION = "gcp:secretmanager/secretVersion:SecretVersion"
# An environment variable holding one of these is a credential, or personal data (addresses).
SECRET_ENV = re.compile(r"(TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|PRIVATE_KEY|CREDENTIALS|RECIPIENTS|DSN)$")


def _containers(props: dict) -> list:
    template = (props.get("template") or {}).get("template") if isinstance(props.get("template"), dict) else None
    containers = template.get("containers") if isinstance(template, dict) else None
    return containers if isinstance(containers, list) else []


def validate_job_secrets(args, report_violation) -> None:
    props = plain(args.props)
    if args.resource_type == SECRET_VERSION:
        data = props.get("secretData")
        if data not in (None, "") and not is_unknown(data) and not is_secret(data):
            report_violation(f"secret version '{args.name}': secretData is not a Pulumi secret: pass it with "
                             "Config.require_secret (pulumi config set --secret ...), so that the state and the "
                             "plan never hold it in plain text.", None)
        return
    if args.resource_type != CLOUD_RUN_JOB:
        return
    for c, container in enumerate(_containers(props)):
        envs = container.get("envs") if isinstance(container, dict) else None
        for e, env in enumerate(envs if isinstance(envs, list) else []):
            name = str(env.get("name", "")) if isinstance(env, dict) else ""
            if not SECRET_ENV.search(name.upper()):
                continue
            where = f"template.template.containers[{c}].envs[{e}] ({name})"
            ref = ((env.get("valueSource") or {}).get("secretKeyRef") or {}) if isinstance(env, dict) else {}
            if env.get("value") not in (None, ""):
                report_violation(f"Cloud Run job '{args.name}': {where} is given as a plain value: reference a "
                                 "Secret Manager secret instead (valueSource.secretKeyRef).", None)
            elif not (isinstance(ref, dict) and ref.get("secret")):
                report_violation(f"Cloud Run job '{args.name}': {where} has no Secret Manager reference "
                                 "(valueSource.secretKeyRef.secret).", None)
