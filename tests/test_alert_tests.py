"""`errorops test`: the evaluators against the services' documented examples, the command as a
user runs it, and proof that the process's alert tests can fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from errorops.alert_test import gcp_conditions, gcp_logs, gcp_promql
from errorops.alert_test.gcp_conditions import Series
from errorops.alert_test.load import load_cases
from errorops.alert_test.run import Runner
from errorops.alert_test.sentry_alerts import Event, Project, frequency_window
from errorops.alert_test.sentry_monitors import Span, aggregate, open_at, resolution, updates
from errorops.pipeline import REPO_ROOT, load_model
from errorops.plan.runner import stacks_in_order
from plans import plan_of
from tests.conftest import locate, run_cli, run_here

pytestmark = pytest.mark.takes(7)


# The PromQL policies' tests need promtool; as in test_gcp_alerts_fire.py, CI always has it.
needs_promtool = pytest.mark.skipif(gcp_promql.promtool() is None and not os.environ.get("CI"),
                                    reason="promtool is not installed (apt-get install prometheus)")

# --- Sentry monitors (alert-semantics.md section 2) ------------------------------------------------


@pytest.mark.parametrize(("window_minutes", "comparison", "minutes"), [
    (5, None, 1), (29, None, 1), (30, None, 2), (60, None, 3), (239, None, 3), (240, None, 5),
    (1440, None, 15), (60, 604800, 6),
])
def test_monitor_resolution_follows_get_alert_resolution(window_minutes, comparison, minutes):
    assert resolution(window_minutes * 60, comparison) == minutes * 60


def _count_monitor(threshold: float, window: int) -> dict:
    return {"dataSources": [{"aggregate": "count()", "dataset": "events", "query": "error.type:[CacheError]",
                             "timeWindow": window}],
            "config": {"detectionType": "static"},
            "conditionGroup": {"logicType": "any", "conditions": [
                {"type": "gt", "comparison": threshold, "conditionResult": 75},
                {"type": "lte", "comparison": threshold, "conditionResult": 0}]}}


def test_a_monitor_window_excludes_its_update_instant_and_counts_the_whole_chain():
    payload = _count_monitor(1, 3600)
    events = [Event("a", 0, (("CacheError", ""),)), Event("b", 180, (("HTTPError", ""), ("CacheError", "")))]
    history = updates(payload, [], events, 3600)
    assert [u.at for u in history[:3]] == [0, 180, 360]  # a one-hour window updates every 3 minutes
    assert not open_at(history, 180)  # the event at 180 s is in [t - window, t) only from the next update
    assert open_at(history, 360)
    assert not open_at(updates(payload, [], [Event("c", 0, (("CacheErrorX", ""),))] * 5, 600), 600)


def test_percent_detection_compares_with_the_window_a_delta_earlier_and_skips_an_empty_baseline():
    payload = _count_monitor(150, 3600)
    payload["config"] = {"detectionType": "percent", "comparisonDelta": 3600}
    before = [Event("a", -3600 + s, (("CacheError", ""),)) for s in range(10)]
    fifteen = [Event("a", s, (("CacheError", ""),)) for s in range(15)]
    sixteen = fifteen + [Event("a", 20, (("CacheError", ""),))]
    assert not open_at(updates(payload, [], before + fifteen, 3600, -3600), 3600)  # 150% is not above
    assert open_at(updates(payload, [], before + sixteen, 3600, -3600), 3600)
    skipped = updates(payload, [], sixteen, 3600)
    assert all(u.priority is None for u in skipped)


def test_failure_rate_counts_statuses_other_than_ok_cancelled_and_unknown_over_requests():
    source = {"aggregate": "failure_rate()", "dataset": "events_analytics_platform", "query": "is_transaction:true"}
    spans = [Span(0, "ok", count=90), Span(0, "cancelled", count=3), Span(0, "unknown", count=2),
             Span(0, "internal_error", count=4), Span(0, "deadline_exceeded", count=1),
             Span(0, "internal_error", is_transaction=False, count=500)]
    assert aggregate(source, spans, [], 0, 60) == pytest.approx(0.05)
    assert aggregate(source, [], [], 0, 60) is None  # no requests: Sentry's None, counted as 0


# --- Sentry alerts (alert-semantics.md section 1) ------------------------------------------------


def test_frequency_windows_snap_to_rollup_buckets():
    # 10 s buckets up to an hour, floor(interval / rollup) + 1 of them; 1 h buckets for a day.
    assert frequency_window(65, "1m") == (0, 65)
    assert frequency_window(3605, "1h") == (0, 3605)
    assert frequency_window(90000, "1d") == (3600, 90000)


def _alert(conditions: list[dict], logic: str = "all", frequency: int = 30) -> dict:
    return {"name": "t", "triggers": {"conditions": [], "logicType": "any-short"}, "config": {"frequency": frequency},
            "actionFilters": [{"logicType": logic, "conditions": conditions, "actions": [{"type": "slack"}]}]}


def test_event_frequency_is_strict_and_a_new_issue_never_passes_on_its_first_event():
    payload = _alert([{"type": "event_frequency_count", "comparison": {"interval": "1m", "value": 2}}])
    project = Project()
    assert not project.send(payload, Event("a", 0, new_issue=True))
    assert not project.send(payload, Event("a", 1))
    assert project.send(payload, Event("a", 2))  # 3 > 2
    single = _alert([{"type": "event_frequency_count", "comparison": {"interval": "1m", "value": 0}}])
    assert Project().send(single, Event("b", 0, new_issue=True))  # "more than 0": the new-issue rule needs > 1


def test_tag_filters_are_case_insensitive_and_negations_pass_without_the_tag():
    ne = _alert([{"type": "tagged_event", "comparison": {"key": "Feature", "match": "ne", "value": "Cache"}}])
    assert Project().send(ne, Event("a", 0))
    assert not Project().send(ne, Event("a", 0, tags={"feature": "cache"}))
    within = _alert([{"type": "tagged_event", "comparison": {"key": "feature", "match": "in", "value": "faq, quiz"}}])
    assert Project().send(within, Event("a", 0, tags={"feature": "QUIZ"}))


def test_level_filter_and_unresolved_issues_only():
    payload = _alert([{"type": "level", "comparison": {"level": 40, "match": "gte"}}])
    assert Project().send(payload, Event("a", 0, level="fatal"))
    assert not Project().send(payload, Event("a", 0, level="warning"))
    assert not Project().send(payload, Event("a", 0, level="fatal", unresolved=False))


def test_throttle_is_per_issue():
    payload = _alert([], frequency=5)
    project = Project()
    assert project.send(payload, Event("a", 0))
    assert not project.send(payload, Event("a", 300))
    assert project.send(payload, Event("b", 300))
    assert project.send(payload, Event("a", 301))


# --- Cloud Monitoring (alert-semantics.md section 3) -------------------------------------------


def test_expanding_notation_as_promtool_reads_it():
    assert gcp_conditions.expand("0+10x3", 60) == [(0, 0), (60, 10), (120, 20), (180, 30)]
    assert gcp_conditions.expand("5x2 _ 1-1x1", 30) == [(0, 5), (30, 5), (60, 5), (120, 1), (150, 0)]
    with pytest.raises(ValueError, match="expanding notation"):
        gcp_conditions.expand("0+x", 60)


def test_metric_names_map_as_cloud_monitoring_maps_them_for_promql():
    assert gcp_conditions.promql_name("run.googleapis.com/request_count") == "run_googleapis_com:request_count"
    assert gcp_conditions.promql_name("logging.googleapis.com/user/cache_errors") == \
        "logging_googleapis_com:user_cache_errors"


def _gauge_condition(comparison: str, threshold: float, duration: int) -> dict:
    return {"conditionThreshold": {
        "filter": 'metric.type="custom.googleapis.com/x" AND resource.type="global"',
        "aggregations": [{"alignmentPeriod": "60s", "perSeriesAligner": "ALIGN_NEXT_OLDER"}],
        "comparison": comparison, "thresholdValue": threshold, "duration": f"{duration}s", "trigger": {"count": 1}}}


def _gauge(values: str) -> list[Series]:
    return [Series("custom_googleapis_com:x", {"monitored_resource": "global"}, gcp_conditions.expand(values, 60))]


def test_one_value_within_the_duration_that_does_not_violate_resets_it():
    # Google's example: 3 minutes above, one below (reset), then enough above in a row fires.
    condition = _gauge_condition("COMPARISON_GT", 10, 240)
    series = _gauge("11x2 9 11x4 9")
    # Minute 8 is the first whose last 4 minutes (5 evaluations) all violate.
    assert [gcp_conditions.condition_met(condition, series, m * 60) for m in range(10)] == \
        [False] * 8 + [True, False]


def test_a_value_at_the_threshold_never_violates():
    assert not gcp_conditions.condition_met(_gauge_condition("COMPARISON_GT", 10, 0), _gauge("10x3"), 120)
    assert gcp_conditions.condition_met(_gauge_condition("COMPARISON_GT", 10, 0), _gauge("10.5x3"), 120)
    assert not gcp_conditions.condition_met(_gauge_condition("COMPARISON_LT", 0.8, 0), _gauge("0.8x3"), 120)


def test_absence_needs_a_series_that_had_data():
    condition = {"conditionAbsent": {"filter": 'metric.type="custom.googleapis.com/x"', "duration": "180s"}}
    assert gcp_conditions.condition_met(condition, _gauge("1x2"), 600)
    assert not gcp_conditions.condition_met(condition, _gauge("1x2"), 240)
    assert not gcp_conditions.condition_met(condition, [], 600)


def test_log_filters_follow_severity_order_and_value_lists():
    log_filter = 'severity>=WARNING AND jsonPayload.event=("a" OR "b")'
    assert gcp_logs.matches(log_filter, {"severity": "ERROR", "jsonPayload": {"event": "b"}})
    assert not gcp_logs.matches(log_filter, {"severity": "INFO", "jsonPayload": {"event": "a"}})
    assert not gcp_logs.matches(log_filter, {"severity": "ERROR", "jsonPayload": {"event": "c"}})


def test_uptime_counts_failing_checker_locations_not_regions():
    condition = {"conditionThreshold": {
        "filter": 'metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND metric.label.check_id="c"',
        "aggregations": [{"alignmentPeriod": "300s", "perSeriesAligner": "ALIGN_NEXT_OLDER",
                          "crossSeriesReducer": "REDUCE_COUNT_FALSE", "groupByFields": ["resource.label.*"]}],
        "comparison": "COMPARISON_GT", "thresholdValue": 1, "duration": "60s"}}

    def met(failing):
        series = gcp_conditions.uptime_series("c", ["USA", "EUROPE"], 60, "p", "h", 0, 600, failing)
        return gcp_conditions.condition_met(condition, series, 300)

    assert met(("usa-iowa", "usa-oregon"))  # two locations of one region are two
    assert not met(("usa-iowa",))


@needs_promtool
def test_promtool_failures_map_back_to_each_check():
    alerts = {"a": {"expr": "sum(x) > 100", "for": 0, "interval": 60},
              "b": {"expr": "sum(x) > 100", "for": 120, "interval": 60}}
    case = gcp_promql.Case("c", 60, [{"series": "x", "values": "0+120x20"}],
                           [gcp_promql.Check(t * 60, name) for name in "ab" for t in (0, 1, 2, 3)])
    got = gcp_promql.observe(alerts, [case])
    # True from 1m (120 > 100); with `for: 2m` pending at 1m and 2m, firing at 3m.
    assert [got[("c", "a", t * 60)] for t in (0, 1, 2, 3)] == [False, True, True, True]
    assert [got[("c", "b", t * 60)] for t in (0, 1, 2, 3)] == [False, False, False, True]


# --- the command -----------------------------------------------------------------------------------


@needs_promtool
def test_the_process_tests_pass_and_cover_every_rule_and_policy_in_every_stack():
    done = run_cli("test", "--coverage")
    assert done.code == 0, done.stdout + done.stderr
    assert " passed, 0 failed" in done.stdout
    assert "coverage: every planned Sentry rule and policy has a firing and a silent test in each stack" in done.stdout


BROKEN = """\
kind: alert_tests
tests:
  - name: ten cache errors are not more than ten
    stack: prod
    sentry:
      events:
        - {at: 0m, every: 5m, repeat: 10, issue: redis, exception: CacheTimeoutError}
    expect:
      - {at: 57m, monitor: cache_errors, fires: true}
      - {at: 57m, monitor: no_such_rule, fires: false}
"""


def test_a_wrong_expectation_fails_with_its_position(tmp_path):
    (tmp_path / "broken.yaml").write_text(BROKEN, "utf-8")
    done = run_here("test", "--root", str(REPO_ROOT), "--stack", "prod", "broken.yaml", cwd=tmp_path)
    assert done.code == 1
    line, col = locate(BROKEN, "{at: 57m, monitor: cache_errors")
    other, other_col = locate(BROKEN, "{at: 57m, monitor: no_such_rule")
    assert done.stdout.splitlines() == [
        f"broken.yaml:{line}:{col}: expected monitor cache_errors to fire at 57m in prod, got silent",
        f"broken.yaml:{other}:{other_col}: no Sentry monitor 'no_such_rule' is planned (planned: cache_errors, "
        "content_generation_failures, error_rate_critical, error_rate_high, performance_degradation) (in prod)",
        "0 passed, 1 failed",
    ]
    assert "Traceback" not in done.stderr


def test_a_schema_error_is_a_problem_with_its_position(tmp_path):
    text = BROKEN.replace("fires: true", 'fires: "yes"')
    (tmp_path / "broken.yaml").write_text(text, "utf-8")
    done = run_cli("test", "--root", str(REPO_ROOT), "broken.yaml", cwd=tmp_path)
    line, col = locate(text, '"yes"')
    assert done.code == 1
    assert done.stderr.splitlines()[0] == f"broken.yaml:{line}:{col}: tests[0].expect[0].fires: 'yes' is not of type 'boolean'"
    assert "Traceback" not in done.stderr


# --- the process's tests can fail -----------------------------------------------------------------


def _mutated(mutate):
    def planner(model, stack):
        plan = plan_of(model, stack)  # a copy of its own
        for r in plan.resources:
            mutate(r)
        return plan
    return planner


def _off_by_one_unit(r):
    """The declare step's classic mistakes: a threshold one unit too high."""
    if r.name == "monitor-cache_errors":
        for c in r.inputs["payload"]["conditionGroup"]["conditions"]:
            c["comparison"] += 1
    if r.name == "cache-errors":
        r.inputs["conditions"][0]["conditionThreshold"]["thresholdValue"] += 1
    if r.name == "error-rate-critical":
        prom = r.inputs["conditions"][0]["conditionPrometheusQueryLanguage"]
        prom["query"] = prom["query"].replace("> 0.05", "> 0.06")


@needs_promtool
def test_a_threshold_off_by_one_unit_in_the_plan_fails_the_process_tests():
    model = load_model()
    cases, problems = load_cases(REPO_ROOT / "alert_tests")
    assert not problems
    results = Runner(model, stacks_in_order(model, "prod"), _mutated(_off_by_one_unit)).run(cases, "prod")
    failed = {(Path(r.where.path).name, r.message.split(" to ")[0]) for r in results if not r.passed}
    assert failed == {
        ("sentry_boundaries.yaml", "expected monitor cache_errors"),
        ("sentry_prod.yaml", "expected monitor cache_errors"),  # the PagerDuty test sits at 11 too
        ("gcp.yaml", "expected policy cache-errors"),
        ("gcp.yaml", "expected policy error-rate-critical"),
    }
    assert all(r.stack == "prod" for r in results)


def test_a_test_beyond_the_horizon_is_a_problem_not_a_hang(tmp_path):
    text = BROKEN.replace("{at: 0m, every: 5m, repeat: 10,", "{at: 0m, every: 5000d, repeat: 10,")
    (tmp_path / "far.yaml").write_text(text, "utf-8")
    done = run_here("test", "--root", str(REPO_ROOT), "far.yaml", cwd=tmp_path)
    line, col = locate(text, "0m", within="{at: 0m, every: 5000d")
    assert done.code == 1
    assert done.stderr.splitlines()[0] == (f"far.yaml:{line}:{col}: tests[0].sentry.events[0]: reaches 45000 days "
                                           "from the start; tests span at most 62 days")


def test_p95_of_weighted_spans_interpolates_linearly():
    source = {"aggregate": "p95(span.duration)", "dataset": "events_analytics_platform", "query": "is_transaction:true"}
    spans = [Span(0, duration_ms=100, count=95), Span(0, duration_ms=1000, count=5)]
    # 100 values: position 94.05 lies between the 95th (100 ms) and the 96th (1000 ms).
    assert aggregate(source, spans, [], 0, 60) == pytest.approx(100 + 900 * 0.05)


def test_a_config_the_program_refuses_fails_that_test_only(tmp_path):
    text = """\
kind: alert_tests
tests:
  - name: pagerduty without its ids
    stack: prod
    config: {errorops:pagerduty: true}
    sentry:
      events: [{at: 0s, issue: a, exception: SecurityError}]
    expect:
      - {at: 0s, alert: security_errors, fires: true}
  - name: the stack as it is
    stack: prod
    sentry:
      events: [{at: 0s, issue: a, exception: SecurityError}]
    expect:
      - {at: 0s, alert: security_errors, fires: true, notifies: [slack:alerts, email:team_lead, email:on_call_engineer, email:product_manager]}
"""
    (tmp_path / "config.yaml").write_text(text, "utf-8")
    done = run_here("test", "--root", str(REPO_ROOT), "config.yaml", cwd=tmp_path)
    line, col = locate(text, "name: pagerduty")
    assert done.code == 1
    assert done.stdout.splitlines() == [
        f"config.yaml:{line}:{col}: stack prod cannot be planned with this test's config: stack 'prod' pages "
        "through PagerDuty but errorops:pagerdutySentryServiceId is unset",
        "1 passed, 1 failed",
    ]


def test_an_slo_burn_rate_is_the_error_ratio_over_the_lookback_divided_by_the_budget():
    total = 'metric.type="run.googleapis.com/request_count" AND resource.label.project_id="p"'
    slo = {"goal": 0.99, "requestBasedSli": {"goodTotalRatio": {
        "totalServiceFilter": total, "badServiceFilter": total + ' AND metric.label.response_code_class="5xx"'}}}
    condition = {"conditionThreshold": {
        "filter": 'select_slo_burn_rate("projects/p/services/s/serviceLevelObjectives/<id of error-rate>", "3600s")',
        "comparison": "COMPARISON_GT", "thresholdValue": 2, "duration": "0s"}}

    def met(bad_per_minute):
        series = [Series("run_googleapis_com:request_count", {"project_id": "p", "response_code_class": code},
                         gcp_conditions.expand(f"0+{n}x120", 60), cumulative=True)
                  for code, n in (("2xx", 1000 - bad_per_minute), ("5xx", bad_per_minute))]
        return gcp_conditions.condition_met(condition, series, 7200, {"error-rate": slo})

    assert met(21)  # 2.1% errors: burn rate 2.1 against a 1% budget
    assert not met(20)  # 2.0: at the threshold


def test_without_a_frequency_the_throttle_is_thirty_minutes():
    payload = _alert([])
    del payload["config"]
    project = Project()
    assert project.send(payload, Event("a", 0))
    assert not project.send(payload, Event("a", 1800))  # not more than 30 minutes
    assert project.send(payload, Event("a", 1801))
