"""Our own fuzz test (issue 13): 300 seeded, structure-aware mutants of every rule file and
stack file through ``errorops validate``. See fuzz_mutants.py for what is mutated and what
counts as a finding; ``python tests/fuzz_mutants.py`` prints the figures by class."""

from __future__ import annotations

from pathlib import Path

import pytest

from errorops.pipeline import REPO_ROOT

import fuzz_mutants

pytestmark = pytest.mark.takes(4)


COUNT = 300
# Mutants of these classes are wrong whatever file they hit; before issue 13 some passed.
NEVER_ACCEPTED = {"duplicate-file", "nan-inf", "deep-nesting", "plain-secret", "secret-in-secure", "ambiguous-plain"}


def test_mutants_never_crash_hang_leak_or_misplace_a_problem(tmp_path: Path):
    outcomes = fuzz_mutants.run(REPO_ROOT, tmp_path, COUNT)
    assert len(outcomes) == COUNT
    assert {o.cls for o in outcomes} >= NEVER_ACCEPTED | {"delete-key", "swap-type", "odd-string"}
    assert {o.file for o in outcomes} == {str(p.relative_to(REPO_ROOT)) for p in
                                          [*REPO_ROOT.glob("alert_rules/*.yaml"), *REPO_ROOT.glob("Pulumi.*.yaml")]}
    findings = [o for o in outcomes if o.finding]
    assert not findings, fuzz_mutants.summary(outcomes)
    wrongly_accepted = [o for o in outcomes if o.cls in NEVER_ACCEPTED and o.code == 0]
    assert not wrongly_accepted, fuzz_mutants.summary(outcomes)
