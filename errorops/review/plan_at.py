"""Plans of a revision and of the working tree, each made by that tree's own code.

A revision is materialised with ``git archive REV | tar -x`` into a temporary
directory (removed afterwards) and planned there with
``python -m errorops plan --stack all --format json --root <tree>`` in a subprocess
whose ``PYTHONPATH`` and working directory are that tree: a base that predates a code
change plans with the code it had. The working tree is planned the same way, at the
same time. No credentials are read: ``plan`` runs under Pulumi's mock runtime.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

PLAN_TIMEOUT = 600


class UsageError(Exception):
    """Wrong use of the command: not a git repository, no such revision. Exit 2."""


class PlanFailed(Exception):
    """One side could not be planned; the message names the side and says why. Exit 1."""


@dataclass(frozen=True)
class Checkout:
    top: Path  # the git repository's top level
    prefix: str  # the project's folder inside it ("" at the top)


@overload
def _git(cwd: Path, *args: str, binary: Literal[False] = False) -> subprocess.CompletedProcess[str]: ...
@overload
def _git(cwd: Path, *args: str, binary: Literal[True]) -> subprocess.CompletedProcess[bytes]: ...
def _git(cwd: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess[Any]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=not binary, timeout=300)


def checkout_of(root: Path) -> Checkout:
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    try:
        top = _git(root, "rev-parse", "--show-toplevel")
    except FileNotFoundError:
        raise UsageError("git is not installed; errorops diff needs it to read the base revision") from None
    if top.returncode != 0:
        raise UsageError(f"{root} is not inside a git repository: {top.stderr.strip()}")
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.strip()
    return Checkout(Path(top.stdout.strip()), prefix)


def resolve(checkout: Checkout, rev: str) -> str:
    """The commit ``rev`` names, or a UsageError that says so."""
    if not rev or rev.startswith("-"):
        raise UsageError(f"'{rev}' is not a revision")
    done = _git(checkout.top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if done.returncode != 0:
        raise UsageError(
            f"'{rev}' is not a commit in {checkout.top} "
            "(in CI, check out with fetch-depth: 0 so that the base branch is there)"
        )
    return done.stdout.strip()


def materialise(checkout: Checkout, commit: str, dest: Path) -> Path:
    """Extract ``commit``'s tree into ``dest``; return where the project sits in it."""
    archive = _git(checkout.top, "archive", "--format=tar", commit, binary=True)
    if archive.returncode != 0:
        raise PlanFailed(f"git archive {commit[:12]} failed: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest / checkout.prefix if checkout.prefix else dest


def plan_tree(root: Path, side: str) -> list[dict[str, Any]]:
    """``errorops plan --stack all --format json`` of the tree at ``root``, by that tree's code."""
    if not (root / "errorops" / "__init__.py").is_file():
        raise PlanFailed(f"{side} has no errorops/ package: it predates errorops, so there is nothing to plan")
    env = {k: v for k, v in os.environ.items() if k != "ERROROPS_DEBUG"}
    env["PYTHONPATH"] = str(root)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [sys.executable, "-m", "errorops", "plan", "--stack", "all", "--format", "json", "--root", str(root)]
    try:
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=PLAN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PlanFailed(f"{side}: errorops plan did not finish within {PLAN_TIMEOUT} s") from None
    if done.returncode != 0:
        why = (done.stderr.strip() or done.stdout.strip() or f"exit {done.returncode}").replace(str(root) + os.sep, "")
        raise PlanFailed(f"{side} failed to plan (exit {done.returncode}):\n{why}")
    try:
        plans = json.loads(done.stdout)
    except ValueError as exc:
        raise PlanFailed(f"{side}: errorops plan did not print JSON ({exc})") from None
    plans = plans if isinstance(plans, list) else [plans]
    if not all(isinstance(p, dict) and "stack" in p and isinstance(p.get("resources"), list) for p in plans):
        raise PlanFailed(f"{side}: errorops plan printed JSON of an unknown shape")
    return plans
