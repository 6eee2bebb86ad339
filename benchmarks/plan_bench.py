#!/usr/bin/env python3
"""How long `errorops validate` and `errorops plan --stack all` take, against the SDK imports alone.

Each command runs as a fresh subprocess, --repeat times (default 5); the median of
each is printed, and each median as a ratio of the baseline measured in the same run:

  baseline  python -c "import pulumi, pulumiverse_sentry, pulumi_gcp"
  validate  python -m errorops validate
  plan      python -m errorops plan --stack all --format json

Ratios, not seconds, are what compare across machines. Run: `make bench`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "baseline": ["-c", "import pulumi, pulumiverse_sentry, pulumi_gcp"],
    "validate": ["-m", "errorops", "validate"],
    "plan": ["-m", "errorops", "plan", "--stack", "all", "--format", "json"],
}
LABELS = {
    "baseline": "import pulumi, pulumiverse_sentry, pulumi_gcp",
    "validate": "errorops validate",
    "plan": "errorops plan --stack all --format json",
}


def time_once(python: str, args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([python, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"plan_bench: `{' '.join(args)}` exited {done.returncode}:\n{done.stderr.strip()}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command; the median is reported (default 5)")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run (default: this one)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    # One untimed run of each first, so every timed run finds the same warm file cache.
    for command in COMMANDS.values():
        time_once(args.python, command)
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    # Interleaved, so a slow moment of the machine touches every command alike.
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            samples[name].append(time_once(args.python, command))

    medians = {name: statistics.median(times) for name, times in samples.items()}
    base = medians["baseline"]
    print(f"median of {args.repeat} run(s) each, {args.python}")
    width = max(map(len, LABELS.values()))
    for name, median in medians.items():
        spread = f"{min(samples[name]):.3f}-{max(samples[name]):.3f}"
        print(f"  {LABELS[name].ljust(width)}  {median:7.3f} s  {median / base:5.2f}x baseline  (range {spread} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
