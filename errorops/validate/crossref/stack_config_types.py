"""Stack values have the type Pulumi.yaml declares, as the program reads them.

Without this, ``validate`` passes and ``plan`` (or ``pulumi up``) stops with a
ConfigTypeError that names no line. The program reads config through Pulumi's SDK:
``get_bool`` takes true/false (also as the strings Pulumi's CLI writes), ``get_int`` an
integer, ``get_object`` a list; a string key takes any scalar, as Pulumi stores text.

Passing (Pulumi.yaml declares ``pagerduty: {type: boolean}``)::

    config:
      errorops:pagerduty: true

Failing (the message names the key and the type, never the value: it may be secret)::

    config:
      errorops:pagerduty: maybe
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.types import Model
from ...problems import Problem

_INTEGER = re.compile(r"[-+]?[0-9]+")
ACCEPTS = {
    "boolean": lambda v: isinstance(v, bool) or v in ("true", "True", "false", "False"),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and bool(_INTEGER.fullmatch(v))),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, (str, int, float)) and not isinstance(v, bool),
}
WRITE = {"boolean": "true or false", "integer": "a whole number", "array": "a list", "string": "text"}


def check(model: Model) -> Iterator[Problem]:
    ns = model.project_name + ":"
    declared = {k.name: k for k in model.config_keys}
    for stack in model.stacks:
        for full_key, value in sorted(stack.values.items()):
            key = declared.get(full_key[len(ns):]) if full_key.startswith(ns) else None
            if key is None or key.type not in ACCEPTS or ACCEPTS[key.type](value):
                continue
            assert key.at.doc is not None  # a declared key was read from Pulumi.yaml
            where = key.at.doc.position(key.at.path, key=True)
            yield stack.value_at(full_key).problem(
                f"config key '{full_key}' is declared {key.type} (at {key.at.file}:{where.line}:{where.column}); "
                f"write {WRITE[key.type]}"
            )
