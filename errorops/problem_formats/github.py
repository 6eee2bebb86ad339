"""GitHub Actions workflow commands, so problems show on the pull request's diff."""

from __future__ import annotations

from ..problems import Problem


def _escape(text: str) -> str:
    """A command's message (@actions/core escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A command's property value (@actions/core escapeProperty): ':' and ',' end a property,
    so a file named 'a,line=1::forged' could otherwise write an annotation of its own."""
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def _title(problem: Problem) -> str:
    return _escape_property(f"errorops ({problem.rule})" if problem.rule else "errorops")


def format(problems: list[Problem]) -> str:
    return "\n".join(
        f"::error file={_escape_property(p.path)},line={p.line},col={p.column},title={_title(p)}::{_escape(p.message)}"
        for p in problems
    )
