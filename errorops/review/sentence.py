"""A reviewer sentence: literal words with values in between.

``say("threshold {} -> {}", "5%", "3%")`` renders as ``threshold 5% -> 3%`` in text and
as ``threshold `5%` → `3%``` in markdown, where values are code spans (so that
placeholders such as ``<unset errorops:teamLeadEmail>`` are not swallowed as HTML).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

MISSING = object()  # a value that one side does not have at all
MAX_VALUE = 160
ARROW = " -> "


@dataclass(frozen=True)
class Sentence:
    parts: tuple[tuple[str, str], ...]  # ("w", words) or ("v", value)
    # Extra lines shown under the sentence: a unified diff of a long text.
    detail: tuple[str, ...] = field(default=())

    def text(self) -> str:
        return "".join(p for _, p in self.parts)

    def markdown(self) -> str:
        out = []
        for kind, part in self.parts:
            out.append(code_span(part) if kind == "v" else md_words(part))
        return "".join(out)


def say(template: str, *values: object, detail: tuple[str, ...] = ()) -> Sentence:
    """Build a sentence; ``{}`` in the template takes the next value (formatted by ``show``)."""
    pieces = template.split("{}")
    if len(pieces) != len(values) + 1:
        raise ValueError(f"template {template!r} takes {len(pieces) - 1} values, got {len(values)}")
    parts: list[tuple[str, str]] = []
    for i, piece in enumerate(pieces):
        if piece:
            parts.append(("w", piece))
        if i < len(values):
            value = values[i]
            parts.append(("v", value.raw if isinstance(value, Raw) else show(value)))
    return Sentence(tuple(parts), tuple(detail))


@dataclass(frozen=True)
class Raw:
    """A value already formatted (e.g. ``5%``, ``15 min``)."""

    raw: str


def number(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return f"{round(value, 9):g}" if abs(value) >= 1e-4 else repr(value)
    return str(value)


def show(value: object) -> str:
    """One value, short and deterministic."""
    if value is MISSING:
        return "(absent)"
    if value is None:
        return "null"
    if isinstance(value, (bool, int, float)):
        return number(value)
    if isinstance(value, str):
        text = value if value else '""'
    elif isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    else:
        text = json.dumps(value, sort_keys=True, separators=(", ", ": "))
    text = text.replace("\n", "⏎")
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")


def md_words(text: str) -> str:
    text = text.replace(ARROW, " → ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def code_span(value: str) -> str:
    if "`" not in value:
        return f"`{value}`"
    fence = "``" if "``" not in value else "```"
    return f"{fence} {value} {fence}"
