#!/usr/bin/env python3
"""How long `errorops validate` and `errorops plan --stack all` take, against the SDK imports alone.

Each command runs as a fresh subprocess, --repeat times (default 5); the median of
each is printed, and each command's median as a ratio of its own baseline, measured
in the same run: what the command cannot avoid importing.

  validate  python -m errorops validate          against  import yaml, jsonschema
  plan      python -m errorops plan --stack all  against  the SDK import: pulumi, the Sentry
            provider, yaml, jsonschema and each pulumi_gcp module the program declares with

pulumi_gcp's modules load lazily: `import pulumi_gcp.logging` loads nothing until a class
of it is first used, and then the whole module. So the SDK import touches one class of each
module, or it would not import what it names; the plan is also shown against the lazy
import (`import pulumi, pulumiverse_sentry, pulumi_gcp.monitoring, pulumi_gcp.logging, yaml,
jsonschema`), which loads less than the command must.

Targets (issue 14): validate <= 2.0x, plan <= 2.0x.

Ratios, not seconds, are what compare across machines. Run: `make bench`.

With --scale 1000,5000 it also generates repositories whose sentry_alerts.yaml
holds that many rules (the real rules, then copies of them under new ids), and times
`validate` and `plan --stack prod` on each: the time per rule must not grow with
the number of rules.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

LAZY_SDK = "import pulumi, pulumiverse_sentry, pulumi_gcp.monitoring, pulumi_gcp.logging, yaml, jsonschema"


def _sdk_import() -> str:
    """The SDK import, loading each pulumi_gcp module the program declares with (the list the
    offline plan loads before it forks: errorops.declare.SDK_CLASSES), without our own code."""
    from errorops.declare import SDK_CLASSES

    touches = ", ".join(repr(tuple(path.split("."))) for path in SDK_CLASSES)
    return ("import warnings; warnings.simplefilter('ignore'); import pulumi, pulumiverse_sentry, yaml, jsonschema; "
            f"import pulumi_gcp as g; [getattr(getattr(g, m), c) for m, c in ({touches},)]")


SDK = _sdk_import()
COMMANDS = {
    "yaml+jsonschema": ["-c", "import yaml, jsonschema"],
    "lazy sdk": ["-c", LAZY_SDK],
    "sdk": ["-c", SDK],
    "validate": ["-m", "errorops", "validate"],
    "plan": ["-m", "errorops", "plan", "--stack", "all", "--format", "json"],
}
LABELS = {
    "yaml+jsonschema": "import yaml, jsonschema",
    "lazy sdk": "the lazy SDK import",
    "sdk": "the SDK import",
    "validate": "errorops validate",
    "plan": "errorops plan --stack all --format json",
}
# Each command's baseline.
AGAINST = {"validate": "yaml+jsonschema", "plan": "sdk"}


def time_once(python: str, args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([python, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"plan_bench: `{' '.join(args)}` exited {done.returncode}:\n{done.stderr.strip()}")
    return elapsed


def generate(root: Path, rules: int) -> Path:
    """A copy of the repository whose sentry_alerts.yaml holds ``rules`` rules."""
    shutil.copytree(ROOT / "alert_rules", root / "alert_rules")
    for path in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(path, root / path.name)
    rules_file = root / "alert_rules" / "sentry_alerts.yaml"
    doc = yaml.safe_load(rules_file.read_text("utf-8"))
    real = doc["rules"]
    # The real rules keep their ids, which other files refer to (gcp_monitoring.yaml's mirrors:).
    doc["rules"] = real + [
        {**real[i % len(real)], "id": f"{real[i % len(real)]['id']}_{i}", "name": f"{real[i % len(real)]['name']} #{i}"}
        for i in range(len(real), rules)
    ]
    rules_file.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
    return root


def scale(python: str, sizes: list[int], repeat: int, bases: dict[str, float]) -> None:
    """``bases``: each command's baseline, as AGAINST names it."""
    print(f"\nscaling (median of {repeat}; per rule = (time - the command's baseline) / rules)")
    print(f"  {'rules':>6}  {'validate':>9}  {'plan prod':>9}  {'validate/rule':>13}  {'plan/rule':>10}  {'plan vs baseline':>16}")
    per_rule: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            root = generate(Path(tmp) / f"r{size}", size)
            commands = {
                "validate": ["-m", "errorops", "validate", str(root)],
                "plan": ["-m", "errorops", "plan", "--stack", "prod", "--format", "json", "--root", str(root)],
            }
            med = {n: statistics.median(time_once(python, c) for _ in range(repeat)) for n, c in commands.items()}
            v_rule, p_rule = ((med[n] - bases[n]) / size * 1000 for n in ("validate", "plan"))
            per_rule.append(p_rule)
            print(f"  {size:>6}  {med['validate']:8.2f}s  {med['plan']:8.2f}s  {v_rule:10.3f} ms  {p_rule:7.3f} ms  "
                  f"{med['plan'] / bases['plan']:15.1f}x")
    if len(per_rule) > 1:
        print(f"  plan time per rule, largest / smallest configuration: {per_rule[-1] / per_rule[0]:.2f} (1.00 = linear)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command; the median is reported (default 5)")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run (default: this one)")
    parser.add_argument("--scale", default="", help="comma-separated rule counts to generate and time, e.g. 1000,5000")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        sizes = [int(n) for n in args.scale.split(",") if n.strip()]
    except ValueError:
        parser.error("--scale takes whole numbers separated by commas")

    # One untimed run of each first, so every timed run finds the same warm file cache.
    for command in COMMANDS.values():
        time_once(args.python, command)
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    # Interleaved, so a slow moment of the machine touches every command alike.
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            samples[name].append(time_once(args.python, command))

    medians = {name: statistics.median(times) for name, times in samples.items()}
    print(f"median of {args.repeat} run(s) each, {args.python}")
    width = max(map(len, LABELS.values()))
    for name, median in medians.items():
        spread = f"{min(samples[name]):.3f}-{max(samples[name]):.3f}"
        ratio = f"{median / medians[AGAINST[name]]:5.2f}x {LABELS[AGAINST[name]]}" if name in AGAINST else ""
        if name == "plan":
            ratio += f", {median / medians['lazy sdk']:.2f}x {LABELS['lazy sdk']}"
        print(f"  {LABELS[name].ljust(width)}  {median:7.3f} s  (range {spread} s)  {ratio}".rstrip())
    if sizes:
        scale(args.python, sizes, max(1, min(args.repeat, 3)), {n: medians[b] for n, b in AGAINST.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
