"""alert_rules/kpis.yaml: its schema and its references, each problem at its line and column."""

from __future__ import annotations

from errorops.pipeline import check_repository

KPIS = "alert_rules/kpis.yaml"


def problems_of(repo) -> list[str]:
    return [f"{p} ({p.rule})" for p in check_repository(repo.root).problems]


def test_the_real_file_is_read_as_written():
    from errorops.model.kpis import kpi_spec
    from errorops.pipeline import load_model

    spec = kpi_spec(load_model())
    assert spec is not None
    assert [k.id for k in spec.kpis] == ["error_rate", "mttr", "recurrence", "categorized", "assigned"]
    mttr = spec.kpi("mttr")
    assert [(level, t.bound, t.value) for level, t in mttr.per_level] == [
        ("P0", "below", 30), ("P1", "below", 240), ("P2", "below", 1440)]
    assert spec.kpi("categorized").target.words("percent") == "> 95%"
    assert mttr.level_target("P1").words("minutes") == "< 4 h"


def test_an_unknown_level_is_refused_where_it_is_written(full_repo):
    full_repo.edit(KPIS, "P2: {below: 1440}", "P5: {below: 1440}")
    where = full_repo.at(KPIS, "P5")
    assert problems_of(full_repo) == [f"{where}: unknown severity level 'P5' (levels: P0, P1, P2, P3) (kpi-refs)"]


def test_a_target_the_digest_states_otherwise_is_refused(full_repo):
    full_repo.edit(KPIS, "target: {below: 1}", "target: {below: 2}")
    where = full_repo.at(KPIS, "2", within="{below: 2}")
    assert problems_of(full_repo) == [
        f"{where}: Error rate target 2% differs from the digest's performance.thresholds.error_rate_percent: 1% "
        "(alert_rules/digest.yaml); the process states one number (kpi-refs)"]


def test_a_bad_zone_and_a_bad_unit_are_refused(full_repo):
    full_repo.edit(KPIS, "time_zone: Europe/London", "time_zone: Europe/Londres")
    where = full_repo.at(KPIS, "Europe/Londres")
    assert problems_of(full_repo) == [f"{where}: unknown time zone 'Europe/Londres' (an IANA name such as "
                                      "Europe/London) (kpi-refs)"]
    full_repo.edit(KPIS, "unit: percent", "unit: permille")
    problems = problems_of(full_repo)
    assert len(problems) == 1 and problems[0].startswith(full_repo.at(KPIS, "permille")) and "(schema)" in problems[0]
