"""GitHub Actions workflow commands, so problems show on the pull request's diff."""

from __future__ import annotations

from ..problems import Problem


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def format(problems: list[Problem]) -> str:
    return "\n".join(
        f"::error file={p.path},line={p.line},col={p.column},title=errorops::{_escape(p.message)}" for p in problems
    )
