#!/usr/bin/env python3
"""How long the test suite takes, against how fast the machine is at that moment.

`make test`'s target (issue 14) is a wall time on the 2-core machine, and that machine's speed
moves by a third within minutes: a bare figure says as much about the host as about the suite.
So each run of the suite (``pytest``, as `make test` runs it after its lint) is paired with
runs of a fixed reference measured just before and just after it: the SDK import (what every
planning test and command pays first). Reported: each figure's median, the suite's CPU time
(user + system, its subprocesses included), and the suite's wall time in units of the reference.

With ``--compare REV`` the suite of a git revision runs too, interleaved, from a temporary
worktree using this checkout's virtualenv: the ratio of the two medians is the change's effect.

Run: ``.venv/bin/python benchmarks/suite_bench.py [--repeat 3] [--compare REV]``
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from plan_bench import SDK  # noqa: E402  (the same SDK import the plan benchmark takes as its baseline)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (the CPU of every process it waited for)."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"suite_bench: `{' '.join(args)}` in {cwd} exited {done.returncode}:\n{done.stdout[-3000:]}")
    return wall, _children_cpu() - cpu


def measure(label: str, root: Path, python: str, repeat: int) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run([python, "-m", "compileall", "-q", "errorops", "policies"], cwd=root, env=env, check=True)
    found: dict[str, list[float]] = {"wall": [], "cpu": [], "reference": []}
    for n in range(repeat):
        before = timed([python, "-c", SDK], root, env)[0]
        wall, cpu = timed([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], root, env)
        after = timed([python, "-c", SDK], root, env)[0]
        found["wall"].append(wall)
        found["cpu"].append(cpu)
        found["reference"].append((before + after) / 2)
        print(f"  {label} run {n + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU; the SDK import {before:.2f} / {after:.2f} s",
              flush=True)
    return found


def report(label: str, found: dict[str, list[float]]) -> float:
    wall, cpu, ref = (statistics.median(found[k]) for k in ("wall", "cpu", "reference"))
    units = statistics.median(w / r for w, r in zip(found["wall"], found["reference"]))
    print(f"{label}: median {wall:.1f} s wall, {cpu:.1f} s CPU; the SDK import {ref:.2f} s; "
          f"wall = {units:.0f} SDK imports")
    return units


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the suite (default 3); medians are reported")
    parser.add_argument("--compare", metavar="REV", help="also run the suite of this git revision, interleaved")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run (default: this one)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    print(f"{os.cpu_count()} cores, {args.python}")
    if not args.compare:
        report("this checkout", measure("this checkout", ROOT, args.python, args.repeat))
        return 0
    with tempfile.TemporaryDirectory(prefix="suite-bench-") as tmp:
        other = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(other), args.compare], cwd=ROOT, check=True)
        # The workflows' steps, which the tests replay, run .venv/bin/errorops from the repository.
        (other / ".venv").symlink_to(ROOT / ".venv" if (ROOT / ".venv").is_dir() else Path(sys.prefix))
        try:
            runs: dict[str, dict[str, list[float]]] = {args.compare: {}, "this checkout": {}}
            for _ in range(args.repeat):  # interleaved: a slow moment of the host touches both alike
                for label, root in ((args.compare, other), ("this checkout", ROOT)):
                    for key, values in measure(label, root, args.python, 1).items():
                        runs[label].setdefault(key, []).extend(values)
            base, now = (report(label, found) for label, found in runs.items())
            print(f"this checkout's suite takes {now / base:.2f}x the time of {args.compare}'s "
                  "(wall time in SDK imports, medians)")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=False)
            shutil.rmtree(other, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
