"""Both sides of ``errorops diff``: the base revision and the working tree, planned and compared."""

from __future__ import annotations

import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .compare import Diff, compare_plans
from .plan_at import UsageError, checkout_of, materialise, plan_tree, resolve
from ..describe.roles import load_roles


def default_root() -> Path:
    """The git checkout around the working directory, when it is an errorops project.

    Never another one: diffing the repository errorops was installed from, when the user
    stands somewhere else, would report changes of a repository they did not mean.
    """
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"cannot run git ({exc}); pass --root") from None
    top = Path(done.stdout.strip()) if done.returncode == 0 else None
    if top is None or not (top / "Pulumi.yaml").is_file():
        raise UsageError(f"{Path.cwd()} is not inside a git checkout of an errorops repository "
                         "(one with Pulumi.yaml at its top); run it there or pass --root")
    return top


def diff(root: Path, base: str) -> Diff:
    root = root.resolve()
    checkout = checkout_of(root)
    commit = resolve(checkout, base)
    base_label = f"{base} ({commit[:12]})" if not commit.startswith(base) else commit[:12]
    with tempfile.TemporaryDirectory(prefix="errorops-diff-") as tmp:
        base_root = materialise(checkout, commit, Path(tmp))
        with ThreadPoolExecutor(max_workers=2) as pool:
            old = pool.submit(plan_tree, base_root, f"base {base_label}")
            new = pool.submit(plan_tree, root, "the working tree")
            base_plans = old.result()  # the base's error first, if both fail
            head_plans = new.result()
        roles = load_roles(base_root).merged(load_roles(root))
    return compare_plans(base_plans, head_plans, roles, base_label, "working tree")

