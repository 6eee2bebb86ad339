"""The PromQL alert policies fire on the process's condition and stay silent just below it.

Each policy's condition is taken from the offline plan of prod, exactly as Cloud
Monitoring receives it (the query with the comparison, ``duration`` as ``for``), and
run by Prometheus' own rule unit tests (``promtool test rules``, Debian's prometheus
package, installed by .ci/run) over synthetic series. Cloud Monitoring evaluates PromQL
with Prometheus' semantics; its DELTA counters (log-based metrics, request counts) are
read by ``rate`` as counters (cloud.google.com/monitoring/promql), so the series here are
cumulative counters. Samples every 30 s, rules evaluated every minute
(``evaluation_interval: 60s`` in the plan).

Values are taken from the model, never typed: the project and service every query is
scoped to, and each policy's threshold (the scenarios sit just above and below it).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from errorops.alert_test import gcp_promql
from errorops.alert_test.gcp_promql import alert_name as _alert_name
from errorops.pipeline import load_model
from errorops.plan.runner import stacks_in_order
from plans import plan_of

pytestmark = pytest.mark.takes(7)


PROMTOOL = gcp_promql.promtool()
if PROMTOOL is None and not os.environ.get("CI"):
    pytest.skip("promtool is not installed (apt-get install prometheus; .ci/run installs it)", allow_module_level=True)

STACK = "prod"


@dataclass(frozen=True)
class Planned:
    alerts: dict[str, dict]  # alert name -> {expr, for, threshold}
    project: str
    service: str


@pytest.fixture(scope="module")
def planned() -> Planned:
    model = load_model()
    (stack,) = stacks_in_order(model, STACK)
    plan = plan_of(model, stack)
    return Planned(gcp_promql.promql_alerts(plan.resources), str(stack.values["gcp:project"]), model.gcp.environment(STACK).cloud_run_service)


def threshold(policy: str, condition: int = 0) -> float:
    spec = next(p for p in load_model().gcp.policies if p.id == policy)
    return spec.conditions[condition].threshold


# --- series builders ------------------------------------------------------------------------------

def counter(per_step: float, steps: int, start: float = 0) -> str:
    """A counter growing by ``per_step`` each sample (promtool's expanding notation)."""
    return f"{start}+{per_step}x{steps}"


def labels(**values: str) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in values.items()) + "}"


@dataclass
class Scenario:
    name: str
    alert: str
    steps: int
    series: list[dict] = field(default_factory=list)
    checks: list[tuple[int, bool]] = field(default_factory=list)  # (minute, firing?)
    interval: str = "30s"

    def add(self, metric: str, values: str, **label_values: str) -> "Scenario":
        self.series.append({"series": metric + labels(**label_values), "values": values})
        return self

    def expect(self, minute: int, firing: bool) -> "Scenario":
        self.checks.append((minute, firing))
        return self


def run_promtool(tmp_path: Path, planned: Planned, scenarios: list[Scenario]) -> subprocess.CompletedProcess:
    assert PROMTOOL, "promtool is missing: .ci/run installs Debian's prometheus package"
    cases = [gcp_promql.Case(s.name, gcp_promql.go_duration(s.interval), s.series,
                             [gcp_promql.Check(minute * 60, s.alert, firing) for minute, firing in s.checks])
             for s in scenarios]
    return gcp_promql.run_promtool(tmp_path, planned.alerts, cases)


def assert_scenarios(tmp_path, planned, scenarios):
    done = run_promtool(tmp_path, planned, scenarios)
    assert done.returncode == 0, done.stdout + done.stderr


# --- requests: 5xx share and burn rates ------------------------------------------------------------

REQUESTS = "run_googleapis_com:request_count"


def requests(s: Scenario, planned: Planned, total_per_step: float, bad_per_step: float, *, project: str = "",
             steps: int | None = None) -> Scenario:
    scope = {"project_id": project or planned.project, "monitored_resource": "cloud_run_revision",
             "service_name": planned.service}
    n = steps or s.steps
    s.add(REQUESTS, counter(total_per_step - bad_per_step, n), **scope, response_code_class="2xx")
    return s.add(REQUESTS, counter(bad_per_step, n), **scope, response_code_class="5xx")


def share_scenarios(planned: Planned, policy: str, minutes: int, fire_at: int) -> list[Scenario]:
    """Just above the policy's share fires by ``fire_at``; exactly at it, or above it in another
    project, never does."""
    limit = threshold(policy)
    alert = _alert_name(policy, 0)
    steps = minutes * 2
    above = requests(Scenario(f"{policy}: above", alert, steps), planned, 1000, 1000 * limit + 10)
    at = requests(Scenario(f"{policy}: at the threshold", alert, steps), planned, 1000, 1000 * limit - 10)
    elsewhere = requests(Scenario(f"{policy}: another project", alert, steps), planned, 1000, 1000,
                         project=planned.project + "-staging")
    above.expect(fire_at, True)
    at.expect(fire_at, False)
    elsewhere.expect(fire_at, False)
    return [above, at, elsewhere]


@pytest.mark.parametrize("policy, minutes, fire_at", [
    ("service-unavailable", 20, 15),   # > 50% 5xx for 5 minutes
    ("error-rate-critical", 20, 10),   # > 5% over 5 minutes
    ("error-rate-high", 30, 20),       # > 2% over 15 minutes
])
def test_5xx_share_policies(tmp_path, planned, policy, minutes, fire_at):
    assert_scenarios(tmp_path, planned, share_scenarios(planned, policy, minutes, fire_at))


def test_service_unavailable_waits_its_five_minutes(tmp_path, planned):
    # 60% 5xx from minute 10 on: pending for 5 minutes, firing after.
    alert = _alert_name("service-unavailable", 0)
    s = Scenario("5xx storm starting at minute 10", alert, 40)
    scope = {"project_id": planned.project, "monitored_resource": "cloud_run_revision", "service_name": planned.service}
    s.add(REQUESTS, counter(1000, 40), **scope, response_code_class="2xx")
    s.add(REQUESTS, "0x20 " + counter(1500, 19, start=1500), **scope, response_code_class="5xx")
    s.expect(13, False).expect(18, True)
    assert_scenarios(tmp_path, planned, [s])


def burn_scenarios(planned: Planned, policy: str, long_minutes: int, short_minutes: int) -> list[Scenario]:
    """A steady error share just above the burn rate fires; just below, or a burst that ended
    more than the short window ago, does not (multi-window: it must still be burning)."""
    rate = threshold(policy)
    budget = 1 - next(s for s in load_model().gcp.slos if s.id == "error-rate").goal
    alert = _alert_name(policy, 0)
    minutes = long_minutes + 30
    share_above, share_below = rate * budget * 1.1, rate * budget * 0.9
    above = requests(Scenario(f"{policy}: above", alert, minutes, interval="1m"), planned, 10000, 10000 * share_above)
    below = requests(Scenario(f"{policy}: below", alert, minutes, interval="1m"), planned, 10000, 10000 * share_below)
    above.expect(minutes - 5, True)
    below.expect(minutes - 5, False)
    # Burning for the whole long window, then clean for twice the short window.
    ended = Scenario(f"{policy}: ended", alert, minutes, interval="1m")
    scope = {"project_id": planned.project, "monitored_resource": "cloud_run_revision", "service_name": planned.service}
    burning = minutes - 2 * short_minutes
    bad = 10000 * share_above
    ended.add(REQUESTS, counter(10000 - bad, minutes), **scope, response_code_class="2xx")
    ended.add(REQUESTS, f"{counter(bad, burning)} {bad * burning}x{2 * short_minutes - 1}", **scope,
              response_code_class="5xx")
    ended.expect(burning, True).expect(minutes - 1, False)
    return [above, below, ended]


@pytest.mark.parametrize("policy, long_minutes, short_minutes", [
    ("error-budget-fast-burn", 60, 5),
    ("error-budget-slow-burn", 360, 30),
    ("error-rate-above-target", 1440, 120),
])
def test_burn_rate_policies(tmp_path, planned, policy, long_minutes, short_minutes):
    assert_scenarios(tmp_path, planned, burn_scenarios(planned, policy, long_minutes, short_minutes))


def test_a_steady_one_and_a_half_percent_reaches_the_daily_review(tmp_path, planned):
    # The case ("a week at 1.5% never alerts"): 1.5% of requests failing steadily, the
    # target being < 1%, fires within the first day.
    s = requests(Scenario("1.5% for a day", _alert_name("error-rate-above-target", 0), 1500, interval="1m"),
                 planned, 1000, 15)
    s.expect(1490, True)
    assert_scenarios(tmp_path, planned, [s])


# --- integrations: share of failed calls -------------------------------------------------------------

CALLS = "logging_googleapis_com:user_integration_calls"
FAILURES = "logging_googleapis_com:user_integration_failures"


def calls(s: Scenario, planned: Planned, provider: str, per_step: float, failed_per_step: float) -> Scenario:
    scope = {"project_id": planned.project, "monitored_resource": "cloud_run_revision",
             "service_name": planned.service, "provider": provider}
    s.add(CALLS, counter(per_step, s.steps), **scope)
    return s.add(FAILURES, counter(failed_per_step, s.steps), **scope)


@pytest.mark.parametrize("policy, provider, other", [
    ("vertex-ai-failing", "vertex_ai", "elevenlabs"),
    ("elevenlabs-failing", "elevenlabs", "vertex_ai"),
])
def test_integration_outage_fires_at_any_traffic(tmp_path, planned, policy, provider, other):
    alert = _alert_name(policy, 0)
    limit = threshold(policy)
    # One call a minute, every one failing: a count threshold of "> 10 in 5 minutes" never saw this.
    trickle = calls(Scenario(f"{policy}: total outage at one call a minute", alert, 40), planned, provider, 0.5, 0.5)
    busy = calls(Scenario(f"{policy}: total outage, busy", alert, 40), planned, provider, 50, 50)
    below = calls(Scenario(f"{policy}: just below", alert, 40), planned, provider, 100, 100 * limit - 1)
    neighbour = calls(Scenario(f"{policy}: the other provider down", alert, 40), planned, other, 50, 50)
    calls(neighbour, planned, provider, 50, 0)
    trickle.expect(15, True)
    busy.expect(15, True)
    below.expect(15, False)
    neighbour.expect(15, False)
    assert_scenarios(tmp_path, planned, [trickle, busy, below, neighbour])


def test_vertex_invocation_errors_by_response_code(tmp_path, planned):
    alert = _alert_name("vertex-ai-failing", 1)
    limit = threshold("vertex-ai-failing", 1)
    metric = "aiplatform_googleapis_com:publisher_online_serving_model_invocation_count"
    scope = {"project_id": planned.project, "monitored_resource": "aiplatform.googleapis.com/PublisherModel"}
    down = Scenario("every invocation answered 503", alert, 40)
    down.add(metric, counter(20, 40), **scope, response_code="503").expect(15, True)
    below = Scenario("just below the share", alert, 40)
    below.add(metric, counter(100 * limit - 1, 40), **scope, response_code="503")
    below.add(metric, counter(100 - (100 * limit - 1), 40), **scope, response_code="200").expect(15, False)
    assert_scenarios(tmp_path, planned, [down, below])


# --- content generation duration -------------------------------------------------------------------

DURATION = "logging_googleapis_com:user_content_generation_duration_bucket"


def generations(s: Scenario, planned: Planned, limit_ms: float, per_step: int, slow_share: float) -> Scenario:
    """``per_step`` generations a sample, ``slow_share`` of them between the limit and twice it."""
    scope = {"project_id": planned.project, "monitored_resource": "cloud_run_revision",
             "service_name": planned.service}
    fast = per_step * (1 - slow_share)
    for le, count in ((limit_ms / 2, 0), (limit_ms, fast), (2 * limit_ms, per_step), ("+Inf", per_step)):
        s.add(DURATION, counter(count, s.steps), **scope, le=str(le))
    return s


def test_generation_p95_above_sixty_seconds(tmp_path, planned):
    alert = _alert_name("content-generation-slow", 0)
    limit = threshold("content-generation-slow")
    slow = generations(Scenario("6% of generations slower than the limit", alert, 30), planned, limit, 100, 0.06)
    fine = generations(Scenario("4% of generations slower than the limit", alert, 30), planned, limit, 100, 0.04)
    slow.expect(15, True)
    fine.expect(15, False)
    assert_scenarios(tmp_path, planned, [slow, fine])


def test_every_promql_policy_of_the_plan_has_a_scenario(planned):
    covered = {_alert_name(p, 0) for p in ("service-unavailable", "error-rate-critical", "error-rate-high",
                                           "error-budget-fast-burn", "error-budget-slow-burn", "error-rate-above-target",
                                           "vertex-ai-failing", "elevenlabs-failing", "content-generation-slow")}
    covered.add(_alert_name("vertex-ai-failing", 1))
    assert set(planned.alerts) == covered
