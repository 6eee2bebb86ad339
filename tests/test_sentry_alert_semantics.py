"""Each Sentry rule of the process fires on the process's condition and stays silent just below it.

The payloads are the ones errorops sends; errorops/alert_test/sentry_{alerts,monitors}.py decide as Sentry does
(strict thresholds, current / baseline * 100, every exception of the chain, per-issue throttle).
"""

from __future__ import annotations

import pytest

from errorops.declare.sentry_payloads import alert_payload, github_alert_payload, monitor_payload
from errorops.pipeline import load_model
from errorops.alert_test.sentry_alerts import Event, Project
from errorops.alert_test.sentry_monitors import monitor_priority
from tests.sentry_support import concrete_targets

HIGH, RESOLVED = 75, 0


@pytest.fixture(scope="module")
def model():
    return load_model()


def monitor(model, rule_id: str, env: str = "prod") -> dict:
    rule = next(r for r in model.sentry.rules if r.id == rule_id)
    return monitor_payload(model, rule, env, concrete_targets(model))


def alert(model, rule_id: str, env: str = "prod") -> dict:
    rule = next(r for r in model.sentry.rules if r.id == rule_id)
    routes = model.severity(rule.severity).routes_in(model.environment(env))
    return alert_payload(model, rule, env, routes, concrete_targets(model), 1)


# --- monitors: the value just above fires, the threshold itself resolves ------------------------

@pytest.mark.parametrize(("rule", "env", "fires", "silent"), [
    # "Error rate > 5% over 5 minutes": failure_rate() is a ratio.
    ("error_rate_critical", "prod", 0.0501, 0.05),
    # "Error rate > 2% over 15 minutes"
    ("error_rate_high", "prod", 0.0201, 0.02),
    # "Content generation failures > 5 per hour", 20 in dev.
    ("content_generation_failures", "prod", 6, 5),
    ("content_generation_failures", "dev", 21, 20),
    # "Cache errors > 10 per hour"
    ("cache_errors", "prod", 11, 10),
])
def test_static_monitors_fire_above_the_threshold_only(model, rule, env, fires, silent):
    payload = monitor(model, rule, env)
    assert monitor_priority(payload, fires) == HIGH
    assert monitor_priority(payload, silent) == RESOLVED


def test_performance_degradation_fires_above_150_percent_of_last_week(model):
    """"> 50% from baseline": p95 against the same hour a week earlier."""
    payload = monitor(model, "performance_degradation")
    assert payload["config"]["comparisonDelta"] == 7 * 24 * 3600
    assert monitor_priority(payload, 1510, baseline=1000) == HIGH
    assert monitor_priority(payload, 1500, baseline=1000) == RESOLVED
    # The reading Sentry would have given "50": firing whenever p95 is half of last week's.
    assert monitor_priority(payload, 600, baseline=1000) == RESOLVED
    assert monitor_priority(payload, 1500, baseline=0) is None  # no baseline: Sentry skips the update


def test_error_rate_monitors_count_requests_not_child_spans(model):
    for rule in ("error_rate_critical", "error_rate_high"):
        source = monitor(model, rule)["dataSources"][0]
        assert (source["aggregate"], source["query"]) == ("failure_rate()", "is_transaction:true"), rule


# --- alerts on error issues -------------------------------------------------------------------

def test_any_error_tagged_critical_fires_on_every_event_throttled_per_issue(model):
    payload, project = alert(model, "tagged_critical"), Project()
    critical = {"severity": "Critical"}  # Sentry matches tag values case-insensitively
    assert project.send(payload, Event("a", 0, tags=critical))  # an old issue: not only new ones
    assert not project.send(payload, Event("a", 60, tags=critical))  # throttled: within 15 min
    assert project.send(payload, Event("b", 60, tags=critical))  # another issue is not throttled
    assert project.send(payload, Event("a", 15 * 60 + 1, tags=critical))
    assert not project.send(payload, Event("c", 0, tags={"severity": "high"}))
    assert not project.send(payload, Event("d", 0))


def test_security_errors_fire_at_any_volume_on_either_class_anywhere_in_the_chain(model):
    payload, project = alert(model, "security_errors"), Project()
    assert project.send(payload, Event("a", 0, exceptions=(("AuthenticationError", "bad token"),)))
    chained = (("HTTPError", "401"), ("SecurityError", "Unauthorized access attempt detected"))
    assert project.send(payload, Event("b", 0, exceptions=chained))
    assert not project.send(payload, Event("c", 0, exceptions=(("ValueError", "auth"),)))


def test_new_release_errors_fire_above_10_per_minute_of_one_issue_of_the_latest_release(model):
    payload = alert(model, "new_release_errors")
    project = Project(latest_release="2.4.0")
    sent = [project.send(payload, Event("a", second, release="2.4.0")) for second in range(10)]
    assert not any(sent)  # 10 in a minute: not more than 10
    assert project.send(payload, Event("a", 10, release="2.4.0"))  # the 11th
    old = Project(latest_release="2.4.0")
    assert not any(old.send(payload, Event("b", s, release="2.3.9")) for s in range(30))
    # Sentry counts in 10 s buckets, floor(60/10)+1 of them: a "minute" spans up to 70 s, so 10 a
    # minute evenly spread (one every 6 s) reaches 11 in a window; one every 8 s never does.
    even = Project(latest_release="2.4.0")
    assert any(even.send(payload, Event("c", s * 6, release="2.4.0")) for s in range(30))
    slow = Project(latest_release="2.4.0")
    assert not any(slow.send(payload, Event("c", s * 8, release="2.4.0")) for s in range(30))


def test_github_issues_open_for_new_p0_and_p1_errors_labelled_by_level(model):
    env = model.environment("prod")
    payload, project = github_alert_payload(model, env, concrete_targets(model), 1), Project()

    def labels(event):
        return [a["data"]["additional_fields"]["labels"][-1] for a in project.send(payload, event)]

    assert labels(Event("a", 0, exceptions=(("CacheError", "Redis connection intermittent"),), new_issue=True)) == [
        "P1"]
    assert labels(Event("b", 0, exceptions=(("SecurityError", "x"),), new_issue=True)) == ["P0"]
    faq = (("ValidationError", "FAQ generation failing, other content types working"),)
    assert labels(Event("c", 0, exceptions=faq, new_issue=True)) == ["P1"]
    syllabus = (("ValidationError", "Unusual syllabus format causing parsing issues"),)
    assert labels(Event("d", 0, exceptions=syllabus, new_issue=True)) == []  # P2: reviewed in triage
    assert labels(Event("e", 0, exceptions=(("CacheError", "x"),))) == []  # not new, not regressed
    assert labels(Event("f", 0, exceptions=(("CacheError", "x"),), regressed=True)) == ["P1"]


@pytest.mark.parametrize("rule", ["error_rate_critical", "error_rate_high", "performance_degradation",
                                  "content_generation_failures", "cache_errors"])
def test_alerts_fed_by_a_monitor_notify_when_it_raises_its_issue(model, rule):
    """Built as Sentry builds its own metric alerts: no trigger condition, a filter on the issue's priority."""
    payload, project = alert(model, rule), Project()
    assert payload["triggers"]["conditions"] == []
    assert project.send(payload, Event("metric-issue", 0, priority=HIGH))
    assert not project.send(payload, Event("metric-issue", 3600, priority=RESOLVED))
