"""Where a model object was written: the file and the path inside it, for problems with line and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..load.yaml_source import Document, PathKey
from ..problems import Problem


@dataclass(frozen=True)
class At:
    """Where an object was written: a document and the path of the object inside it."""

    doc: Document | None
    path: PathKey = ()

    def problem(self, message: str, *field_path: Any, key: bool = False) -> Problem:
        if self.doc is None:
            return Problem("<generated>", 1, 1, message)
        return self.doc.problem(self.path + field_path, message, key=key)

    @property
    def file(self) -> str:
        return self.doc.path if self.doc else "<generated>"


_NOWHERE = At(None)


def source_position() -> Any:
    """The ``at`` field of a model object: where it was written. Not part of its identity:
    two objects that say the same thing are equal wherever they were written."""
    return field(default=_NOWHERE, compare=False, repr=False)


class Located(Protocol):
    """Any model object: it knows where it was written."""

    @property
    def at(self) -> At: ...
