"""Load -> validate (schema, then cross-references) -> typed model, as one call.

Problems are collected as values; nothing past a failed stage runs, so no
resource is ever declared from configuration that has a known problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .load.sources import Sources, load_sources
from .load.yaml_source import Document
from .model.build import build_model
from .model.types import Model
from .problems import Problem, ProblemsFound, found_by
from .validate import crossref, unique_files
from .validate.schema import schema_for, validate_document
from .validate.secrets import declared_secrets, redact, secret_values

# A repository is complete when it has each of these; other kinds are optional.
REQUIRED_KINDS = ("organization", "environments", "notification_targets", "severity_levels")

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    model: Model | None = None
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _schema_stage(sources: Sources) -> tuple[dict[str, tuple[Document, ...]], list[Problem]]:
    problems: list[Problem] = []
    kinds: dict[str, list[Document]] = {}
    for doc in sources.rules:
        kind, found = schema_for(doc)
        problems += found_by("schema", found)
        if kind:
            problems += found_by("schema", validate_document(doc, kind))
            kinds.setdefault(kind, []).append(doc)
    problems += found_by("unique-files", unique_files.check(kinds))
    if sources.project is not None:
        problems += found_by("schema", validate_document(sources.project, "pulumi_project"))
    declared = declared_secrets(sources.project)
    for doc in sources.stacks.values():
        problems += found_by("schema", validate_document(doc, "stack", declared))
    if not problems and sources.project is not None:
        where = sources.rules[0].path if sources.rules else str(sources.root)
        for kind in REQUIRED_KINDS:
            if kind not in kinds:
                problems.append(Problem(where, 1, 1, f"no file declares kind '{kind}'; it is required", "required-files"))
    return {k: tuple(v) for k, v in kinds.items()}, problems


def _secrets_of(sources: Sources) -> list[str]:
    declared = declared_secrets(sources.project)
    # Not Pulumi.yaml: it declares keys (type, description), it holds no values.
    docs = [*sources.rules, *sources.stacks.values()]
    return [text for doc in docs for text in secret_values(doc, declared)]


def check_repository(root: Path = REPO_ROOT) -> Result:
    sources, problems = load_sources(root)
    result = _check(sources, problems)
    if result.problems:
        # The last line of defence: whatever stage built a message, no secret value reaches it.
        result.problems = sorted(redact(result.problems, _secrets_of(sources)))
    return result


def _check(sources: Sources, problems: list[Problem]) -> Result:
    files = len(sources.rules) + len(sources.stacks) + (1 if sources.project else 0)
    if problems:
        return Result(None, sorted(problems), files)
    kinds, problems = _schema_stage(sources)
    if problems:
        return Result(None, sorted(problems), files)
    if any(kind not in kinds for kind in REQUIRED_KINDS):
        # Some rule files alone, outside a repository: their schemas are all there is to check;
        # cross-references need the whole folder.
        return Result(None, [], files)
    model = build_model(sources, kinds)
    problems = sorted(set(crossref.check_all(model)))
    return Result(None if problems else model, problems, files)


def load_model(root: Path = REPO_ROOT) -> Model:
    result = check_repository(root)
    if not result.ok:
        raise ProblemsFound(result.problems)
    # Without problems there is a model, unless the folder holds rule files alone (no required kind).
    assert result.model is not None, f"{root} is not a repository: no model to load"
    return result.model
