"""No credential in plain text: tokens, keys, passwords and sensitive labels are secrets.

A value is a secret when the program passed it as one (``Config.require_secret``,
``pulumi.Output.secret``): the engine then encrypts it in the state and in
``Pulumi.<stack>.yaml``. Everything else is stored and shown in plain text. Messages
name the property, never its value.
"""

from __future__ import annotations

import re

from .common import GCP_CHANNEL, dotted, get, is_unknown, plain, walk
from .secrets import is_secret

# Property names (lower case, separators removed) that hold a credential.
CREDENTIAL_KEYS = frozenset({
    "token", "authtoken", "accesstoken", "apitoken", "bearertoken", "refreshtoken",
    "apikey", "servicekey", "integrationkey", "routingkey", "privatekey",
    "password", "passwd", "secret", "clientsecret", "webhooksecret", "signingsecret", "dsnsecret", "credentials",
})
# Keys of a notification channel's labels that Google keeps readable: credentials go in sensitiveLabels.
_NOT_IN_LABELS = frozenset({"authtoken", "servicekey", "password"})


def _norm(key: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(key).lower())


def _present(value) -> bool:
    return value not in (None, "", [], {}) and not is_unknown(value)


def validate_credentials(args, report_violation) -> None:
    props = plain(args.props)
    found: list[str] = []
    for path, value in walk(props):
        if not path or isinstance(path[-1], int) or _norm(path[-1]) not in CREDENTIAL_KEYS:
            continue
        if "secretKeyRef" in path:
            continue  # the name of a Secret Manager secret, not its value (digest-job-secrets checks these)
        if _present(value) and not is_secret(value):
            found.append(dotted(path))
    if args.resource_type == GCP_CHANNEL:
        sensitive = props.get("sensitiveLabels")
        if isinstance(sensitive, dict):
            for key, value in sensitive.items():
                path = dotted(("sensitiveLabels", key))
                if _present(value) and not is_secret(value) and path not in found:
                    found.append(path)
        elif _present(sensitive) and not is_secret(sensitive):
            found.append("sensitiveLabels")
        labels = get(props, "labels", default={})
        if isinstance(labels, dict):
            for key in labels:
                if _norm(key) in _NOT_IN_LABELS:
                    report_violation(
                        f"notification channel '{args.name}' has the credential labels.{key}: Google shows labels to "
                        "anyone who can read the channel; put it in sensitiveLabels, as a secret.", None)
    for path in sorted(set(found)):
        report_violation(
            f"{path} is a credential in plain text: pass it as a secret (pulumi config set --secret "
            "...; Config.require_secret) so that it is encrypted in the state and the stack file.", None)
