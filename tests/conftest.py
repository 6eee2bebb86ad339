"""Shared helpers: temporary copies of the repository, positions of text in them, the CLI.

A temporary repository holds the real ``Pulumi.yaml``, ``Pulumi.*.yaml`` and the
rule files of every *required* kind (``pipeline.REQUIRED_KINDS``). Optional kinds are
left out so that tests of the foundation do not depend on rule files other people
are still writing; ``test_cli.py`` checks the real repository as a whole.

Expected positions are never typed in by hand: ``Repo.at`` finds a piece of text in
the file as it is after a test's edit, and the test asserts that the problem names
exactly that line and column. So the suite keeps working while the real files grow,
and still pins every position exactly.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from errorops.pipeline import REPO_ROOT, REQUIRED_KINDS, check_repository

import parse_once

# The loopback Sentry double's fixture, for every test module that asks for ``sentry_double``. Registered
# as a plugin rather than imported into each module, where the test parameters of the same name would
# shadow the import (ruff F811).
pytest_plugins = ["tests.sentry_double.fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    # Each YAML text parsed, and each document validated, once per test process (parse_once.py).
    parse_once.install()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules marked ``takes(seconds)`` first, the longest first; the rest in collection order.

    xdist gives each module to one worker whole, in collection order (pyproject.toml turns off its
    own ordering, by number of tests, which put the single-test fuzz module last): a module of
    several seconds handed out last keeps one worker busy while the other has nothing left to do.
    """
    def seconds(item: pytest.Item) -> float:
        marker = item.get_closest_marker("takes")
        return float(marker.args[0]) if marker else 0.0

    items.sort(key=lambda item: -seconds(item))


DATA = Path(__file__).resolve().parent / "data"
PYTHON = sys.executable
_KIND = re.compile(r"^kind:\s*['\"]?([A-Za-z0-9_]+)", re.MULTILINE)


def kind_of(path: Path) -> str | None:
    match = _KIND.search(path.read_text("utf-8", errors="replace"))
    return match.group(1) if match else None


def required_rule_files() -> list[Path]:
    """The real repository's rule files that declare a required kind."""
    return sorted(p for p in (REPO_ROOT / "alert_rules").glob("*.y*ml") if kind_of(p) in REQUIRED_KINDS)


def locate(text: str, needle: str, n: int = 1, within: str | None = None) -> tuple[int, int]:
    """1-based (line, column) of the n-th ``needle`` (or of ``needle`` inside the n-th ``within``)."""
    anchor = within if within is not None else needle
    index = -1
    for _ in range(n):
        index = text.find(anchor, index + 1)
        assert index >= 0, f"{anchor!r} occurs fewer than {n} times"
    if within is not None:
        inner = within.find(needle)
        assert inner >= 0, f"{needle!r} is not inside {within!r}"
        index += inner
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


@dataclass
class Repo:
    root: Path

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text("utf-8")

    def write(self, rel: str, text: str) -> None:
        self.path(rel).parent.mkdir(parents=True, exist_ok=True)
        self.path(rel).write_text(text, "utf-8")

    def edit(self, rel: str, old: str, new: str, n: int = 1) -> None:
        """Replace the n-th occurrence of ``old``; fail loudly if the real file no longer has it."""
        text = self.read(rel)
        locate(text, old, n)  # fails if the real file no longer has it
        index = -1
        for _ in range(n):
            index = text.find(old, index + 1)
        self.write(rel, text[:index] + new + text[index + len(old):])

    def append(self, rel: str, text: str) -> None:
        current = self.read(rel)
        if not current.endswith("\n"):
            current += "\n"
        self.write(rel, current + text)

    def delete(self, rel: str) -> None:
        self.path(rel).unlink()

    def at(self, rel: str, needle: str, n: int = 1, within: str | None = None) -> str:
        """``rel:line:col`` of a piece of text, for building an expected problem line."""
        line, column = locate(self.read(rel), needle, n, within)
        return f"{rel}:{line}:{column}"

    def problems(self, target: str | None = None) -> list[str]:
        return [str(p) for p in check_repository(self.root / target if target else self.root).problems]


def rule_file(kind: str) -> str:
    """Path (relative to a repository) of the real rule file that declares ``kind``."""
    for path in required_rule_files():
        if kind_of(path) == kind:
            return f"alert_rules/{path.name}"
    raise AssertionError(f"no rule file declares kind {kind!r}")


ORG = "alert_rules/organization.yaml"
ENVS = "alert_rules/environments.yaml"
TARGETS = "alert_rules/notification_targets.yaml"


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=errorops tests", "-c", "user.email=tests@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )
    return done.stdout


# What a copy with code=True also holds: a repository that runs its own errorops.
_CODE = ("errorops", "policies", ".github", "pyproject.toml")
_NOT_COPIED = shutil.ignore_patterns("__pycache__", "venv", "*.egg-info")


def copy_repository(dest: Path, *, every_kind: bool = True, code: bool = False, tracked: bool = False,
                    git: bool = False) -> Repo:
    """The one way tests copy this repository to ``dest``.

    By default the Pulumi files and every rule file; ``every_kind=False``: only the rule files of
    required kinds; ``code``: also the package, the pack and the workflows; ``tracked``: every
    file git tracks or would add (tests/ and benchmarks/ left out); ``git``: committed to a fresh
    git repository (for ``errorops diff``).
    """
    dest.mkdir(parents=True, exist_ok=True)
    if tracked:
        listed = _git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
        for rel in sorted(set(filter(None, listed))):
            source = REPO_ROOT / rel
            if rel.startswith(("tests/", "benchmarks/", ".git/")) or not source.is_file():
                continue
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    else:
        (dest / "alert_rules").mkdir()
        rules = sorted((REPO_ROOT / "alert_rules").glob("*.y*ml")) if every_kind else required_rule_files()
        for path in rules:
            shutil.copy(path, dest / "alert_rules" / path.name)
        for path in [REPO_ROOT / "Pulumi.yaml", *sorted(REPO_ROOT.glob("Pulumi.*.yaml"))]:
            shutil.copy(path, dest / path.name)
        for rel in _CODE if code else ():
            source = REPO_ROOT / rel
            if source.is_dir():
                shutil.copytree(source, dest / rel, ignore=_NOT_COPIED)
            else:
                shutil.copy(source, dest / rel)
    if git:
        _git(dest, "init", "-q")
        _git(dest, "add", "-A")
        _git(dest, "commit", "-q", "-m", "base")
    return Repo(dest)


def make_repo(root: Path, *, every_kind: bool = False) -> Repo:
    """A copy with the rule files of required kinds only (``every_kind``: all of them)."""
    return copy_repository(root, every_kind=every_kind)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A copy of the repository; the working directory is its root, so problems name
    files as ``alert_rules/organization.yaml`` and ``Pulumi.prod.yaml``."""
    copy = make_repo(tmp_path / "repo")
    monkeypatch.chdir(copy.root)
    return copy


@pytest.fixture
def full_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A copy with every rule file of the real repository, optional kinds included."""
    copy = make_repo(tmp_path / "full", every_kind=True)
    monkeypatch.chdir(copy.root)
    return copy


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ERROROPS_DEBUG"}
    env.update(extra)
    return env


def run_here(*args: str, cwd: Path) -> Run:
    """``errorops ARGS`` run in this process: what it prints and its exit code, without the
    cost of a new interpreter. For the commands whose process-level behaviour (signals,
    exit paths) other tests already cover through ``run_cli``. The command plans as it
    always does, except that each stack's plan of a model is made once per process
    (tests/plans.py): a test that patches the program calls ``cli.main`` itself."""
    import contextlib

    from capture import ThisThread
    from errorops.cli import main
    from errorops.plan import runner
    from plans import plan_of

    out, err = ThisThread(sys.stdout), ThisThread(sys.stderr)
    previous = Path.cwd()
    os.chdir(cwd)
    planner, runner.plan_stack = runner.plan_stack, plan_of
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    except SystemExit as exc:  # argparse ends a wrong use (2) or --help (0) this way
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        runner.plan_stack = planner
        os.chdir(previous)
    return Run(code, out.getvalue(), err.getvalue())


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    done = subprocess.run(
        [PYTHON, "-m", "errorops", *args],
        cwd=cwd or REPO_ROOT, env=env or cli_env(), capture_output=True, text=True, timeout=120,
    )
    return Run(done.returncode, done.stdout, done.stderr)
