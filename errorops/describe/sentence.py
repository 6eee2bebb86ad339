"""A reviewer sentence: literal words with values in between.

``say("threshold {} -> {}", "5%", "3%")`` renders as ``threshold 5% -> 3%`` in text and
as ``threshold `5%` → `3%``` in markdown, where values are code spans (so that
placeholders such as ``<unset errorops:teamLeadEmail>`` are not swallowed as HTML).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .values import show

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


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")


def md_words(text: str) -> str:
    text = text.replace(ARROW, " → ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def code_span(value: str) -> str:
    if "`" not in value:
        return f"`{value}`"
    fence = "``" if "``" not in value else "```"
    return f"{fence} {value} {fence}"
