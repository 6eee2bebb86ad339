"""The one way a cross-reference rule says that an id does not resolve (not a rule itself)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from ...model.position import At
from ...problems import Problem

# Past this many, the known ids are not all listed: a repository of 1,000 rules would print a
# page per typo. The closest ids are named instead, which is what the reader was after.
LISTED = 12


def listing(ids: Iterable[str], near: str | None = None) -> str:
    names = sorted(ids)
    if len(names) <= LISTED or near is None:
        return ", ".join(names) or "none"
    close = difflib.get_close_matches(near, names, n=3, cutoff=0.6)
    return (f"{len(names)} defined; closest: {', '.join(close)}" if close
            else f"{len(names)} defined, none close; first: {', '.join(names[:3])}, ...")


def unknown(at: At, what: str, ref: str, known: Iterable[str], *path: str | int, label: str = "known") -> Problem:
    """``unknown team 'x' (teams: a, b)``, at ``path`` inside the object ``at`` points to."""
    return at.problem(f"unknown {what} '{ref}' ({label}: {listing(known, ref)})", *path)


def unknown_items(at: At, refs: Iterable[str], known: set[str], what: str, *path: str | int,
                  label: str = "known") -> Iterator[Problem]:
    """A problem for each entry of the list at ``path`` that is not in ``known``."""
    for index, ref in enumerate(refs):
        if ref not in known:
            yield unknown(at, what, ref, known, *path, index, label=label)
