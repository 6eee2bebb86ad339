"""Seeded, structure-aware mutants of every rule file and stack file (issue 13).

Each mutant changes one file of a copy of the repository by structure (delete a key,
swap a value's type, repeat a section or a whole file) or by value (NaN and infinity,
huge, odd or YAML-1.1-ambiguous strings, deep nesting, a credential in plain text),
then runs ``errorops validate`` in process. A *finding* is anything the command must
never do: raise, exit other than 0 or 1, print a problem line that is not
``path:line:col: message``, or print the secret sentinel.

``python tests/fuzz_mutants.py [COUNT]`` prints the findings and outcomes by class.
"""

from __future__ import annotations

import contextlib
import gc
import random
import re
import shutil
import sys
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

import parse_once
from capture import ThisThread

SEED = 13
SENTINEL = "sntrys_FUZZ-SENTINEL-7e57"
PROBLEM_LINE = re.compile(r"^[^:\n]+:\d+:\d+: \S")
ODD_STRINGS = ("", " ", "\x00", "\x1b[31mred", "\u202eevil", "\ud800", "%s%n{0}", "${project}", "yes", "012345",
               "1_000", "~", "A" * 200_000, "é" * 40_000, "'\"\\")
DEEP = "DEEP-NESTING-HERE"
PLAIN = "PLAIN-VALUE-HERE"
# Plain values YAML 1.1 (PyYAML) and YAML 1.2 (Pulumi) read differently, or that break later.
AMBIGUOUS = ("012345", "0755", "yes", "No", "on", "OFF", "1_000", "1:30", "1e3", ".nan", "-.inf", "0o17")
SWAP_VALUES = ([], {}, "x", 0, -1, True, None, 1.5, [[]], {"k": "v"})


@dataclass(frozen=True)
class Outcome:
    cls: str          # the mutation's class
    file: str
    code: int | None
    finding: str      # "" when the command behaved
    evidence: str = ""  # with a finding: the end of what the command printed


def _paths(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, path + (index,))


def _set(data, path, value):
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _delete(data, path):
    for part in path[:-1]:
        data = data[part]
    del data[path[-1]]


def _mutate(rng: random.Random, rel: str, data) -> tuple[str, object, str | None]:
    """(class, new data, extra file text or None) for one mutant of ``data``."""
    nodes = [(p, v) for p, v in _paths(data) if p]
    numbers = [p for p, v in nodes if isinstance(v, (int, float)) and not isinstance(v, bool)]
    strings = [p for p, v in nodes if isinstance(v, str)]
    keyed = [p for p, v in nodes if not isinstance(p[-1], int)]
    cls = rng.choice(["delete-key", "swap-type", "duplicate-file", "nan-inf", "odd-string", "deep-nesting",
                      "plain-secret", "secret-in-secure", "ambiguous-plain"])
    if cls == "delete-key" and keyed:
        _delete(data, rng.choice(keyed))
    elif cls == "swap-type":
        _set(data, rng.choice(nodes)[0], rng.choice(SWAP_VALUES))
    elif cls == "duplicate-file":
        return cls, data, yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    elif cls == "nan-inf" and (numbers or nodes):
        _set(data, rng.choice(numbers or [p for p, _ in nodes]), rng.choice([float("nan"), float("inf"), -float("inf")]))
    elif cls == "odd-string" and (strings or nodes):
        _set(data, rng.choice(strings or [p for p, _ in nodes]), rng.choice(ODD_STRINGS))
    elif cls == "deep-nesting":
        # Written into the text after dumping: PyYAML's own dumper recurses and cannot write it.
        _set(data, rng.choice(nodes)[0], DEEP)
        depth = rng.choice([40, 400, 3000])
        return cls, data, "[" * depth + "]" * depth
    elif cls == "ambiguous-plain":
        # Written into the text after dumping: the dumper would quote it.
        _set(data, rng.choice([p for p, v in nodes if not isinstance(v, (dict, list))] or [p for p, _ in nodes]), PLAIN)
        return cls, data, rng.choice(AMBIGUOUS)
    elif cls in ("plain-secret", "secret-in-secure"):
        config = data.setdefault("config", {}) if rel.startswith("Pulumi.") else data
        key = rng.choice(["sentry:token", "pagerduty:token", "gcp:credentials", "errorops:teamLeadEmail",
                          "errorops:slackAuthToken", "token", "api_key"])
        if not rel.startswith("Pulumi."):
            key = key.split(":")[-1]
        config[key] = SENTINEL if cls == "plain-secret" else rng.choice(
            [{"secure": SENTINEL}, {"secure": [SENTINEL]}, {"secure": "v1:x", SENTINEL: 1}, [SENTINEL]])
    return cls, data, None


# libyaml where PyYAML has it: the same mutations, made and written ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _run(root: Path, fmt: str) -> tuple[int | None, str, str]:
    from errorops.cli import main

    out, err = ThisThread(sys.stdout), ThisThread(sys.stderr)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["validate", "--format", fmt, str(root)])
        except BaseException:  # noqa: BLE001 - a traceback is what the fuzzer looks for
            return None, out.getvalue(), err.getvalue() + traceback.format_exc()
    return code, out.getvalue(), err.getvalue()


def _finding(code: int | None, out: str, err: str, fmt: str) -> str:
    text = out + err
    if code is None or "Traceback" in text:
        return "traceback"
    if code not in (0, 1):
        return f"exit {code}"
    if SENTINEL in text:
        return "secret printed"
    if code == 1 and fmt == "standard":
        lines = err.splitlines()[:-1]  # the last line counts the problems
        if not lines or any(not PROBLEM_LINE.match(line) for line in lines):
            return "problem line not path:line:col"
    return ""


@contextlib.contextmanager
def _parse_once():
    """Each mutant changes one file; the others parse and validate as before (parse_once.py)."""
    if parse_once.installed():  # under pytest, conftest.py installed it for the whole run
        yield
        return
    parse_once.install()
    try:
        yield
    finally:
        parse_once.uninstall()


def run(repo_root: Path, work: Path, count: int, seed: int = SEED) -> list[Outcome]:
    """Run ``count`` mutants of the repository at ``repo_root`` in a copy under ``work``."""
    with _parse_once():
        return _run_all(repo_root, work, count, seed)


def _run_all(repo_root: Path, work: Path, count: int, seed: int) -> list[Outcome]:
    # Earlier tests' garbage is collected now, not inside a mutant's run, where an object's
    # failing __del__ ("Exception ignored in ...") would print into the command's output.
    gc.collect()
    copy = work / "repo"
    shutil.copytree(repo_root / "alert_rules", copy / "alert_rules")
    for path in [repo_root / "Pulumi.yaml", *sorted(repo_root.glob("Pulumi.*.yaml"))]:
        shutil.copy(path, copy / path.name)
    targets = sorted(str(p.relative_to(copy)) for p in [*copy.glob("alert_rules/*.yaml"), *copy.glob("Pulumi.*.yaml")])
    originals = {rel: (copy / rel).read_text("utf-8") for rel in targets}
    rng = random.Random(seed)
    outcomes = []
    for n in range(count):
        rel = targets[n % len(targets)]  # every file in turn, so each is mutated alike
        cls, data, extra = _mutate(rng, rel, yaml.load(originals[rel], Loader=_LOADER))
        try:
            text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=10**9)
        except (yaml.YAMLError, UnicodeEncodeError):
            text = yaml.safe_dump(data, sort_keys=False, width=10**9)  # e.g. a lone surrogate: escaped
        if cls in ("deep-nesting", "ambiguous-plain"):
            text, extra = text.replace(DEEP, extra).replace(PLAIN, extra), None
        extra_path = copy / (rel.replace(".yaml", "_copy.yaml") if rel.startswith("alert_rules/") else "alert_rules/zz.yaml")
        try:
            (copy / rel).write_text(text, "utf-8", errors="surrogatepass")
            if extra is not None:
                extra_path.write_text(extra, "utf-8", errors="surrogatepass")
            fmt = "github" if n % 5 == 4 else "standard"
            code, out, err = _run(copy, fmt)
            finding = _finding(code, out, err, fmt)
            outcomes.append(Outcome(cls, rel, code, finding, (out + err)[-3000:] if finding else ""))
        finally:
            (copy / rel).write_text(originals[rel], "utf-8")
            extra_path.unlink(missing_ok=True)
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    found = Counter((o.cls, o.finding) for o in outcomes if o.finding)
    accepted = Counter(o.cls for o in outcomes if o.code == 0)
    lines = [f"{len(outcomes)} mutants, {sum(found.values())} findings"]
    lines += [f"  finding {cls}: {what}: {n}" for (cls, what), n in sorted(found.items())]
    lines += [f"  accepted (exit 0) {cls}: {n}" for cls, n in sorted(accepted.items())]
    lines += [f"first finding, {o.cls} in {o.file}, printed:\n{o.evidence}" for o in outcomes if o.finding][:1]
    return "\n".join(lines)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(summary(run(Path.cwd(), Path(tmp), int(sys.argv[1]) if len(sys.argv) > 1 else 300)))
