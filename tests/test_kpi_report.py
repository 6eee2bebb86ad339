"""`errorops report` against the Sentry double: every KPI against figures computed by hand here from
the fixture in kpi_support.py, the charts (PNG, size, not blank), the formats, and failures."""

from __future__ import annotations

import json

import pytest

from errorops.cli import main
from kpi_support import END, ORG, TOKEN, seed
from sentry_double.fixtures import serving_reads

pytestmark = pytest.mark.takes(5)


@pytest.fixture
def double(monkeypatch):
    yield from serving_reads(monkeypatch, TOKEN, ORG)


@pytest.fixture
def seeded(double):
    seed(double)
    return double


def report(capsys, tmp_path, *extra: str, period: str = "week") -> tuple[int, str, str]:
    code = main(["report", "--stack", "prod", "--period", period, "--end", END, "--charts", str(tmp_path / "charts"),
                 *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def by_name(figures: list[dict]) -> dict[str, dict]:
    return {f["name"]: f for f in figures}


def test_every_kpi_matches_the_hand_computed_figures(seeded, capsys, tmp_path):
    code, out, err = report(capsys, tmp_path, "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert (r["first"], r["last"]) == ("2026-11-20", "2026-11-26")
    kpis = by_name(r["kpis"])

    # Error rate: 1 + 2 failed of 100 + 100 + 50 requests (staging's 10 failures are not prod's).
    assert kpis["Error rate"]["value"] == pytest.approx(3 / 250 * 100)
    assert kpis["Error rate"]["previous"] == pytest.approx(1 / 200 * 100)
    assert kpis["Error rate"]["met"] is False
    # MTTR P0: ACF-1 10:00 -> 10:40 (40), ACF-2 08:00 -> 08:20 (20) and, reopened 09:00 -> 09:10 (10).
    assert kpis["MTTR P0 Critical"]["value"] == pytest.approx((40 + 20 + 10) / 3)
    assert kpis["MTTR P0 Critical"]["met"] is True and kpis["MTTR P0 Critical"]["previous"] is None
    # MTTR P1: ACF-3 09:00 -> 14:00 = 300 min, above 4 h; the week before ACF-6 10:00 -> 12:00.
    assert kpis["MTTR P1 High"]["value"] == 300 and kpis["MTTR P1 High"]["met"] is False
    assert kpis["MTTR P1 High"]["previous"] == 120
    # MTTR P2: ACF-5 regressed but was not resolved in the week.
    assert kpis["MTTR P2 Medium"]["value"] is None and kpis["MTTR P2 Medium"]["met"] is None
    # Recurrence: resolved in the week ACF-1, ACF-2, ACF-3; ACF-2 regressed after its resolution.
    assert kpis["Error recurrence rate"]["value"] == pytest.approx(1 / 3 * 100)
    assert kpis["Error recurrence rate"]["met"] is False
    # Categorized: 3 + 3 + 6 + 4 of 3 + 3 + 6 + 2 + 4 events (ACF-4's KeyError is not in the taxonomy).
    assert kpis["Categorized"]["value"] == pytest.approx(16 / 18 * 100)
    assert kpis["Categorized"]["previous"] == 100
    # Assigned: ACF-1, ACF-2, ACF-5 of five issues.
    assert kpis["Assigned"]["value"] == pytest.approx(3 / 5 * 100) and kpis["Assigned"]["met"] is False
    # Response time (first assignment - first seen) of the week's new issues: P0 10 and 30 min, against 15.
    response = by_name(r["response_times"])
    assert response["Response time P0 Critical"]["value"] == pytest.approx((10 + 30) / 2)
    assert response["Response time P0 Critical"]["met"] is False
    assert response["Response time P1 High"]["value"] is None
    assert response["Response time P1 High"]["detail"] == "0 assigned, 1 not yet"
    # Trend and offenders.
    assert (r["events"], r["issues"], r["events_previous"], r["issues_previous"]) == (18, 5, 5, 1)
    assert r["events_change_percent"] == pytest.approx((18 - 5) / 5 * 100)
    assert [(c["name"], c["events"]) for c in r["top_categories"]] == [
        ("redis_intermittent", 6), ("syllabus_format", 4), ("security_error", 3), ("vertex_ai_connection", 3),
        ("uncategorized: KeyError", 2)]
    assert [(i["short_id"], i["regressions"]) for i in r["recurring"]] == [("ACF-5", 1), ("ACF-2", 1)]
    assert [i["short_id"] for i in r["unassigned"]] == ["ACF-3"]
    assert (r["recurring_now"], r["recurring_before"]) == (1, 0)
    assert [d["requests"] for d in r["daily"]] == [100, 100, 50, 0, 0, 0, 0]
    assert r["daily"][1]["error_rate"] == pytest.approx(2.0)


def test_markdown_prints_each_kpi_with_its_target_and_status(seeded, capsys, tmp_path):
    code, out, _ = report(capsys, tmp_path)
    assert code == 0
    assert "# Weekly KPI report of prod (ai-content-factory-prod): week 2026-11-20 to 2026-11-26" in out
    assert "| Error rate | 1.20% (3 of 250 requests failed) | 0.50% (1 of 200) | +140.0% | < 1% | **BREACHED** |" in out
    assert "| MTTR P1 High | 5.0 h (1 resolution) | 2.0 h (1) | +150.0% | < 4 h | **BREACHED** |" in out
    assert "| Categorized | 88.89% (16 of 18 events) |" in out
    assert "- Prevention effectiveness: 1 resolved issue regressed (previous period 0)" in out
    assert "- [P1] ACF-3 CacheError: Redis connection intermittent: 6 events, unassigned" in out
    assert "![error_rate.png](error_rate.png)" in out


def test_the_charts_are_pngs_of_the_fixed_size_and_not_blank(seeded, capsys, tmp_path):
    from PIL import Image

    code, _, err = report(capsys, tmp_path)
    assert code == 0
    for name in ("error_rate.png", "mttr.png", "coverage.png"):
        path = tmp_path / "charts" / name
        assert str(path) in err
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (800, 400)
            colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
            # Not blank: many colours, and no single colour covers (nearly) everything.
            assert colours is not None and len(colours) > 10
            assert max(n for n, _ in colours) < 0.97 * 800 * 400
            assert "Software" not in image.info and "Creation Time" not in image.info


def test_the_same_data_gives_the_same_bytes(seeded, capsys, tmp_path):
    report(capsys, tmp_path / "a")
    first = {p.name: p.read_bytes() for p in (tmp_path / "a" / "charts").iterdir()}
    report(capsys, tmp_path / "b")
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "b" / "charts").iterdir()}


def test_html_embeds_the_charts(seeded, capsys, tmp_path):
    code, out, _ = report(capsys, tmp_path, "--format", "html")
    assert code == 0 and out.count('src="data:image/png;base64,') == 3
    assert "<strong>BREACHED</strong>" in out


def test_a_month_is_the_last_whole_calendar_month(seeded, capsys, tmp_path):
    code = main(["report", "--stack", "prod", "--period", "month", "--end", "2026-12-01", "--format", "json",
                 "--charts", str(tmp_path)])
    r = json.loads(capsys.readouterr().out)
    assert code == 0 and (r["first"], r["last"], r["label"]) == ("2026-11-01", "2026-11-30", "November 2026")
    assert r["previous_label"] == "October 2026"
    # The whole of November: the week's 18 events, the 14th's 5 and ACF-5's event of the 1st.
    assert r["events"] == 18 + 5 + 1 and r["events_previous"] == 0
    assert len(r["daily"]) == 30


def test_wrong_usage_and_sentry_failures_exit_cleanly(seeded, capsys, tmp_path, monkeypatch):
    assert report(capsys, tmp_path, "--end", "tomorrow")[0] == 2
    monkeypatch.setattr("errorops.sentry_api.client.SentryClient._backoff", lambda self, a: 0)
    seeded.fail_next(10, 503)
    code, out, err = report(capsys, tmp_path)
    assert code == 1 and out == "" and "Traceback" not in err and TOKEN not in err
    assert err == ("errorops report: sentry project 'ai-content-factory-prod': Sentry answered 503 to GET "
                   f"/api/0/organizations/{ORG}/projects/ (gave up after 5 attempts): {{\"detail\": \"Internal Error\"}}\n")
    monkeypatch.delenv("SENTRY_AUTH_TOKEN")
    code, _, err = report(capsys, tmp_path)
    assert code == 2 and "SENTRY_AUTH_TOKEN" in err
