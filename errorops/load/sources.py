"""Finds and loads every file the program reads: alert_rules/*.yaml and the Pulumi files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, found_by
from .yaml_source import Document, load_yaml

RULES_DIR = "alert_rules"
PROJECT_FILE = "Pulumi.yaml"


@dataclass
class Sources:
    root: Path
    rules: list[Document] = field(default_factory=list)
    project: Document | None = None
    stacks: dict[str, Document] = field(default_factory=dict)


def _display(path: Path, root: Path) -> str:
    try:
        # The folder resolved, the name kept: a symlink is named as written, and a loop cannot raise.
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def _rule_files(target: Path) -> list[Path]:
    if target.is_file():
        return [target]
    folder = target / RULES_DIR if (target / RULES_DIR).is_dir() else target
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_sources(root: Path) -> tuple[Sources, list[Problem]]:
    """Load a repository (or a copy of one): its rule files, Pulumi.yaml and stack files.

    ``root`` may also be a folder of rule files alone, so that a copy can be checked.
    """
    sources = Sources(root)
    problems: list[Problem] = []
    if not root.exists():
        return sources, [Problem(str(root), 1, 1, "no such file or folder", "files")]

    # A symlink may point elsewhere in the repository, never out of it.
    within = root if root.is_dir() else None

    def load(path: Path) -> Document | None:
        doc, found = load_yaml(path, _display(path, root), within)
        problems.extend(found_by("yaml", found))
        return doc

    for path in _rule_files(root):
        doc = load(path)
        if doc is not None:
            sources.rules.append(doc)
    # lexists, not is_file: a Pulumi.yaml that is a FIFO or a broken link is refused, not ignored.
    if root.is_dir() and os.path.lexists(root / PROJECT_FILE):
        sources.project = load(root / PROJECT_FILE)
        for path in sorted(root.glob("Pulumi.*.yaml")):
            doc = load(path)
            if doc is not None:
                sources.stacks[path.name[len("Pulumi.") : -len(".yaml")]] = doc
    if not sources.rules and not problems:
        problems.append(Problem(_display(root, root), 1, 1, f"no YAML files found (looked for {RULES_DIR}/*.yaml)", "files"))
    return sources, problems
