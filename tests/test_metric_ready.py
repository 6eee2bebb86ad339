"""The first deploy waits for each new log-based metric before creating the policies on it.

Cloud Monitoring answers 404 "Cannot find metric(s) ... could take up to 10 minutes to
become available" to a policy created right after its log-based metric
(hashicorp/terraform-provider-google#11102). ``MetricReady`` polls the metric descriptor
list until the metric is there. Tested against a loopback double of that endpoint that
answers 404 for the first N lookups, as Google does while the metric propagates.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from errorops.model.gcp import duration_seconds
from errorops.gcp_api.metric_ready import MetricNotReady, MetricReadyProvider, wait_for_metric
from errorops.pipeline import load_model
from errorops.plan.runner import stacks_in_order
from plans import plan_of

pytestmark = pytest.mark.takes(3)


PROJECT = "acf-test"
METRIC = "logging.googleapis.com/user/content_generation_failures"
NOT_FOUND = {"error": {"code": 404, "status": "NOT_FOUND", "message": (
    f'Cannot find metric(s) that match type = "{METRIC}". If a metric was created recently, it could take '
    "up to 10 minutes to become available. Please try again soon.")}}


class MonitoringDouble:
    """projects.metricDescriptors.list on 127.0.0.1: 404 for the first ``not_found`` lookups, then the
    descriptor (or ``status`` for every lookup, to refuse)."""

    def __init__(self, not_found: int = 0, status: int | None = None):
        self.not_found, self.status = not_found, status
        self.requests: list[dict] = []
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                double.requests.append({"path": url.path, "query": parse_qs(url.query),
                                        "auth": self.headers.get("Authorization")})
                if double.status is not None:
                    code, body = double.status, {"error": {"code": double.status, "message": "refused"}}
                elif len(double.requests) <= double.not_found:
                    code, body = 404, NOT_FOUND
                else:
                    wanted = parse_qs(url.query)["filter"][0].split('"')[1]
                    code, body = 200, {"metricDescriptors": [{"type": wanted, "metricKind": "DELTA"}]}
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()


def provider(double: MonitoringDouble) -> MetricReadyProvider:
    made = MetricReadyProvider()
    made.configure(ConfigureRequest(Config({"gcp:monitoringCustomEndpoint": double.base_url,
                                            "gcp:accessToken": "ya29.test"}, "errorops")))
    return made


def props(timeout: int = 60, interval: int = 0) -> dict:
    return {"project": PROJECT, "metric_type": METRIC, "timeout_seconds": timeout, "interval_seconds": interval}


def test_create_waits_through_the_404s_until_the_metric_is_listed():
    with MonitoringDouble(not_found=3) as double:
        created = provider(double).create(props())
    assert len(double.requests) == 4  # three 404s, then found
    first = double.requests[0]
    assert first["path"] == f"/v3/projects/{PROJECT}/metricDescriptors"
    assert first["query"]["filter"] == [f'metric.type = "{METRIC}"']
    assert first["auth"] == "Bearer ya29.test"
    assert created.id == f"{PROJECT}/{METRIC}" and created.outs["metric_type"] == METRIC


def test_a_metric_already_there_takes_one_lookup():
    with MonitoringDouble(not_found=0) as double:
        provider(double).create(props())
    assert len(double.requests) == 1


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def clock(self) -> float:
        return self.now


def test_the_wait_is_bounded_and_says_what_to_do():
    fake = FakeTime()
    with MonitoringDouble(not_found=10_000) as double, pytest.raises(MetricNotReady) as raised:
        wait_for_metric(PROJECT, METRIC, 900, 20, double.base_url, "t", sleep=fake.sleep, clock=fake.clock)
    assert len(double.requests) == 900 // 20 + 1  # looked up at 0, 20, ..., 900 s: no longer
    message = str(raised.value)
    assert METRIC in message and "run `pulumi up` again" in message and "metric_propagation.timeout" in message


def test_one_more_lookup_than_the_timeout_allows_would_have_succeeded_too():
    # The same bound, with the metric appearing on the last lookup the bound allows.
    fake = FakeTime()
    with MonitoringDouble(not_found=900 // 20) as double:
        polls = wait_for_metric(PROJECT, METRIC, 900, 20, double.base_url, "t", sleep=fake.sleep, clock=fake.clock)
    assert polls == 900 // 20 + 1


def test_a_refused_lookup_fails_at_once():
    with MonitoringDouble(status=403) as double, pytest.raises(MetricNotReady) as raised:
        provider(double).create(props())
    assert len(double.requests) == 1
    assert "HTTP 403" in str(raised.value) and "monitoring.metricDescriptors.list" in str(raised.value)


def test_only_another_metric_or_project_replaces_the_wait_and_update_sends_nothing():
    made = MetricReadyProvider()
    assert made.diff("x", props(), props()).changes is False
    assert made.diff("x", props(), {**props(), "metric_type": METRIC + "_v2"}).replaces == ["metric_type"]
    longer = made.diff("x", props(), props(timeout=1200))
    assert longer.changes is True and longer.replaces == []
    assert made.update("x", props(), props(timeout=1200)).outs["timeout_seconds"] == 1200


def test_every_policy_on_a_log_based_metric_waits_for_it_in_the_plan():
    model = load_model()
    for stack in stacks_in_order(model, "all"):
        plan = plan_of(model, stack)
        by_name = {r.name: r for r in plan.resources}
        waits = {r.name: r for r in plan.resources if r.type == "pulumi-python:dynamic/gcp:MetricReady"}
        assert sorted(waits) == sorted(f"{m.id}-ready" for m in model.gcp.log_metrics)
        for metric in model.gcp.log_metrics:
            wait = waits[f"{metric.id}-ready"]
            assert by_name[metric.id].urn in wait.dependencies
            assert wait.inputs["timeout_seconds"] == duration_seconds(model.gcp.metric_propagation.timeout)
        for policy in model.gcp.policies:
            used = {c.ref for c in policy.conditions if c.source == "log_metric"}
            deps = set(by_name[policy.id].dependencies)
            for metric_id in used:
                assert waits[f"{metric_id}-ready"].urn in deps, (stack.name, policy.id, metric_id)
