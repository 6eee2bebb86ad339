"""A stack's config as the offline plan hands it to the program: what the stack file sets,
Pulumi.yaml's defaults, and placeholders for secrets and unset keys. No SDK here: CI asks
for the pack's config (derived from this) before every preview and up.
"""

from __future__ import annotations

import json
from typing import Any

from ..model.types import Model, StackFile

# Stands in for a secret config value in the offline plan; never a real value.
SECRET_PLACEHOLDER = "<secret placeholder>"


def _config_text(value: Any) -> str:
    """Config values reach a program as text, booleans in lower case."""
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, str) else json.dumps(value)


def stack_config(model: Model, stack: StackFile) -> tuple[dict[str, str], list[str], list[str]]:
    """Config for the mock run: the stack's plain values, placeholders for secrets and unset keys."""
    ns = model.project_name + ":"
    config = {k: _config_text(v) for k, v in stack.values.items()}
    secret_keys = sorted(stack.secure_keys)
    for secret_key in secret_keys:
        config[secret_key] = SECRET_PLACEHOLDER
    unset = []
    for key in model.config_keys:
        full = ns + key.name
        if full in config:
            continue
        if key.has_default:
            # As the CLI does: Pulumi.yaml's default stands in for an unset key.
            config[full] = _config_text(key.default)
            continue
        unset.append(full + (" (secret)" if key.secret else ""))
        config[full] = SECRET_PLACEHOLDER if key.secret else f"<unset {full}>"
        if key.secret:
            secret_keys.append(full)
    return config, sorted(secret_keys), unset
