"""`errorops digest --dry-run` against the Sentry double: every figure against the numbers
computed by hand in digest_support.py; time windows (DST); Sentry failures; an empty day."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from digest_support import DAY, EXPECTED_CATEGORIZED, EXPECTED_LEVELS, EXPECTED_TOTAL, ORG, PROJECT, TOKEN, seed
from errorops.cli import main
from errorops.digest.days import previous_local_day, windows_for
from sentry_double.fixtures import serving_reads


@pytest.fixture
def double(monkeypatch):
    yield from serving_reads(monkeypatch, TOKEN, ORG)


@pytest.fixture
def seeded(double):
    seed(double)
    return double


def digest(capsys, *extra: str, date_: str = DAY) -> tuple[int, str, str]:
    code = main(["digest", "--stack", "prod", "--date", date_, "--dry-run", *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_figures_match_the_hand_computed_ones(seeded, capsys):
    code, out, err = digest(capsys, "--format", "json")
    assert (code, err) == (0, "")
    d = json.loads(out)
    assert {lv["level"]: (lv["events"], lv["issues"], lv["events_before"], lv["issues_before"])
            for lv in d["levels"]} == EXPECTED_LEVELS
    assert (d["total_events"], d["total_issues"], d["total_events_before"], d["total_issues_before"]) == EXPECTED_TOTAL
    assert [(i["short_id"], i["events"]) for i in d["uncategorized"]] == [("ACF-5", 2), ("ACF-6", 1)]
    assert d["uncategorized_events"] == 3
    assert d["categorized_percent"] == pytest.approx(19 / 22 * 100)
    assert [(t["exception"], t["known"], t["issues"], t["events"]) for t in d["new_types"]] == [
        ("SecurityError", True, 1, 3), ("KeyError", False, 1, 2)]
    assert [(i["level"], i["short_id"], i["events"], i["status"], i["assignee"]) for i in d["triage"]] == [
        ("P0", "ACF-1", 3, "unresolved (ongoing)", "Alice Example (user)"),
        ("P1", "ACF-3", 6, "unresolved (ongoing)", "unassigned")]
    assert [a["name"] for a in d["alerts"]] == ["Security-related errors (any volume)"]
    perf = {m["name"]: m for m in d["performance"]}
    rate = perf["Error rate of requests"]
    assert (rate["today"], rate["day_before"], rate["week_before"]) == pytest.approx((2.0, 1.25, 0.0))
    assert rate["breached"] and rate["change_week_percent"] is None
    cg = perf["p95 latency: Content generation"]
    assert (cg["today"], cg["day_before"], cg["week_before"]) == (1900, 950, 1140)
    assert cg["change_week_percent"] == pytest.approx((1900 / 1140 - 1) * 100) and cg["breached"]
    cache = perf["p95 latency: Cache"]
    assert (cache["today"], cache["day_before"], cache["week_before"], cache["breached"]) == (50, 50, 40, False)
    tp = perf["Throughput (requests)"]
    assert (tp["today"], tp["day_before"], tp["week_before"]) == pytest.approx((100 / 1440, 80 / 1440, 100 / 1440))
    assert d["day_hours"] == 24
    assert not seeded.digest.shape_errors


def test_text_shows_the_same_figures(seeded, capsys):
    code, out, _ = digest(capsys)
    assert code == 0
    assert "Errors of the day: 22 events in 6 issues (day before: 9 in 3; events +144.4%)" in out
    assert "P0 Critical     7 events in 2 issues  (day before 2 in 1)" in out
    assert f"Categorized: {EXPECTED_CATEGORIZED} of events (target > 95%): BELOW TARGET" in out
    assert "KeyError: 1 issue, 2 events; NOT IN THE TAXONOMY" in out
    assert "[P0] ACF-1 SecurityError: Unauthorized access attempt detected: 3 events, unresolved (ongoing), " \
           "Alice Example (user)" in out
    assert "ACF-2" not in out.split("triage agenda")[1]  # its events were all before 09:00
    assert "Error rate of requests: 2.00% (day before 1.25%, +60.0%; week before 0.00%, n/a); target < 1%: BREACHED" in out
    assert "p95 latency: Content generation: 1900 ms (day before 950 ms, +100.0%; week before 1140 ms, +66.7%)" in out
    assert "Throughput (requests): 0.07/min (day before 0.06/min, +25.0%; week before 0.07/min, +0.0%)" in out


def test_markdown_table(seeded, capsys):
    code, out, _ = digest(capsys, "--format", "markdown")
    assert code == 0
    assert "| P0 Critical | 7 | 2 | 2 | 1 |" in out
    assert "| p95 latency: Cache | 50 ms | 50 ms | +0.0% | 40 ms | +25.0% | alert > +50% on the week before |" in out


def test_sentry_is_read_with_numeric_project_ids_and_declared_parameters(seeded, capsys):
    assert digest(capsys)[0] == 0
    issues = seeded.requests_to("GET", f"/api/0/organizations/{ORG}/issues/")
    assert len(issues) == 3 and all(r.query["project"] == [seeded.projects[PROJECT]["id"]] for r in issues)
    assert all(r.query["query"] == [""] for r in issues)  # every status, not the default is:unresolved
    assert all(r.method == "GET" for r in seeded.requests)


def test_sentry_failing_gives_a_clear_message_and_exit_1(seeded, capsys, monkeypatch):
    monkeypatch.setattr("errorops.sentry_api.client.SentryClient._backoff", lambda self, a: 0)
    seeded.fail_next(10, 503)
    code, out, err = digest(capsys)
    assert code == 1 and out == ""
    assert "errorops digest: sentry project 'ai-content-factory-prod': Sentry answered 503 to GET " \
           f"/api/0/organizations/{ORG}/projects/ (gave up after 5 attempts)" in err
    assert TOKEN not in err


def test_rate_limit_is_waited_out(seeded, capsys, monkeypatch):
    waits = []
    # Without X-Sentry-Rate-Limit-Reset the client backs off; record the waits instead of sleeping.
    monkeypatch.setattr("errorops.sentry_api.client.SentryClient._backoff", lambda self, a: waits.append(a) or 0)
    seeded.rate_limit_next(2, reset_at=None)
    code, out, _ = digest(capsys, "--format", "json")
    assert code == 0 and json.loads(out)["total_events"] == 22
    assert waits == [0, 1]


def test_missing_token(seeded, capsys, monkeypatch):
    monkeypatch.delenv("SENTRY_AUTH_TOKEN")
    code, _, err = digest(capsys)
    assert code == 2 and "set SENTRY_AUTH_TOKEN" in err and "read-only scopes org:read, event:read)" in err


def test_wrong_token_says_so(seeded, capsys, monkeypatch):
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "sntryu_wrong_token_00000000")
    code, _, err = digest(capsys)
    assert code == 1 and "401" in err and "missing, revoked or mistyped" in err


def test_an_empty_day(double, capsys):
    double.add_project(PROJECT, default_alert=False)
    code, out, _ = digest(capsys)
    assert code == 0
    assert "Errors of the day: 0 events in 0 issues (day before: 0 in 0; events =)" in out
    assert "Categorized: no errors that day" in out
    assert "Error rate of requests: n/a (day before n/a, n/a; week before n/a, n/a); target < 1%" in out
    assert "BREACHED" not in out


def test_unknown_project(double, capsys):
    code, _, err = digest(capsys)
    assert code == 1 and "has no project 'ai-content-factory-prod'" in err


def test_bad_date(seeded, capsys):
    code, _, err = digest(capsys, date_="2026-13-01")
    assert code == 2 and "--date '2026-13-01' is not a date" in err


@pytest.mark.parametrize("day, hours, start", [
    ("2026-10-25", 25, "2026-10-24T23:00:00+00:00"),  # clocks go back: 25 hours
    ("2026-03-29", 23, "2026-03-29T00:00:00+00:00"),  # clocks go forward: 23 hours
    ("2026-07-01", 24, "2026-06-30T23:00:00+00:00"),  # summer time: midnight is 23:00 UTC
])
def test_local_day_across_daylight_saving(day, hours, start):
    w = windows_for(date.fromisoformat(day), "Europe/London", 9, 0, 24)
    assert w.today.hours == hours and w.today.start.isoformat() == start
    following = windows_for(date.fromisoformat(day) + timedelta(days=1), "Europe/London", 9, 0, 24)
    assert following.day_before == w.today


def test_dst_day_counts_its_25_hours(double, capsys):
    double.add_project(PROJECT, default_alert=False)
    # 00:30 BST on 10-25 is 23:30 UTC on 10-24: it belongs to the 25th.
    double.add_issue(PROJECT, "ACF-9", "KeyError", "'x'", ["2026-10-24T23:30:00Z", "2026-10-25T23:30:00Z"])
    double.add_spans(PROJECT, "content_generation", "2026-10-24T23:30:00Z", [10.0] * 150)
    code, out, _ = digest(capsys, "--format", "json", date_="2026-10-25")
    d = json.loads(out)
    assert d["day_hours"] == 25 and d["total_events"] == 2
    throughput = next(m for m in d["performance"] if m["name"].startswith("Throughput"))
    assert throughput["today"] == pytest.approx(150 / 1500)


def test_previous_local_day_is_taken_in_the_zone():
    # 00:30 UTC on 11-29 is 11-29 in London but still 11-28 in New York.
    now = datetime(2026, 11, 29, 0, 30, tzinfo=timezone.utc)
    assert previous_local_day(now, "Europe/London") == date(2026, 11, 28)
    assert previous_local_day(now, "America/New_York") == date(2026, 11, 27)


def test_the_readme_sample_is_what_the_command_prints(seeded, capsys):
    import re

    from errorops.pipeline import REPO_ROOT

    code, out, _ = digest(capsys)
    assert code == 0
    printed = re.sub(r"http://127\.0\.0\.1:\d+/organizations/ai-content-factory/issues/(\d+)/",
                     r"https://ai-content-factory.sentry.io/issues/\1/", out)
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    sample = readme.split("## The daily digest (09:00)", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert sample == printed


def test_an_answer_that_is_not_json(seeded, capsys):
    seeded.mangle_next_answer(b"<html>proxy error</html>")
    code, out, err = digest(capsys)
    assert code == 1 and out == ""
    assert "is not JSON" in err and "Traceback" not in err


def test_unknown_stack(seeded, capsys):
    code = main(["digest", "--stack", "qa", "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2 and "unknown stack 'qa' (stacks: dev, prod, staging)" in err


def test_a_day_of_more_issues_than_a_page(double, capsys):
    double.add_project(PROJECT, default_alert=False)
    for n in range(105):
        double.add_issue(PROJECT, f"ACF-{100 + n}", "KeyError", f"'k{n}'", [f"{DAY}T10:00:00Z"])
    code, out, _ = digest(capsys, "--format", "json")
    d = json.loads(out)
    assert code == 0 and (d["total_events"], d["total_issues"], len(d["uncategorized"])) == (105, 105, 105)
    pages = [r for r in double.requests_to("GET", f"/api/0/organizations/{ORG}/issues/")
             if r.query["start"] == [f"{DAY}T00:00:00Z"]]
    assert [r.query.get("cursor") for r in pages] == [None, ["0:100:0"]]
    assert all(r.query["limit"] == ["100"] and "per_page" not in r.query for r in pages)


def test_the_shape_check_of_the_double_can_fail():
    from errorops.sentry_api import openapi

    issues = "/api/0/organizations/{organization_id_or_slug}/issues/"
    answer = openapi.response_example("GET", issues)
    assert openapi.response_errors("GET", issues, answer) == []
    answer[0]["count"] = 5  # Sentry sends a string
    assert openapi.response_errors("GET", issues, answer) == ["$.0.count: 5 is not of type 'string'"]


def test_sections_are_data(seeded, capsys, tmp_path):
    from conftest import make_repo

    repo = make_repo(tmp_path / "repo", every_kind=True)
    repo.edit("alert_rules/digest.yaml", "sections: [errors, new_error_types, triage, alerts, performance]",
              "sections: [triage, errors]")
    code = main(["digest", "--stack", "prod", "--date", DAY, "--dry-run", "--root", str(repo.root)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.index("triage agenda") < out.index("Errors of the day")
    assert "New error types" not in out and "Performance" not in out and "Alerts that fired" not in out
    # Only what is shown is read: no events (performance) or workflows (alerts) query.
    assert not seeded.requests_to("GET", f"/api/0/organizations/{ORG}/events/")
    assert not seeded.requests_to("GET", f"/api/0/organizations/{ORG}/workflows/")
