"""The one way a cross-reference rule says that an id does not resolve (not a rule itself)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ...model.position import At
from ...problems import Problem


def listing(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids)) or "none"


def unknown(at: At, what: str, ref: str, known: Iterable[str], *path: str | int, label: str = "known") -> Problem:
    """``unknown team 'x' (teams: a, b)``, at ``path`` inside the object ``at`` points to."""
    return at.problem(f"unknown {what} '{ref}' ({label}: {listing(known)})", *path)


def unknown_items(at: At, refs: Iterable[str], known: set[str], what: str, *path: str | int,
                  label: str = "known") -> Iterator[Problem]:
    """A problem for each entry of the list at ``path`` that is not in ``known``."""
    for index, ref in enumerate(refs):
        if ref not in known:
            yield unknown(at, what, ref, known, *path, index, label=label)
