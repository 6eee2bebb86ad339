"""Each Google Cloud Monitoring resource's inputs, as the real program declares them under
Pulumi's mocks, in every stack. The process document's policies, numbers and routes are
stated in tests/process/test_gcp_spec.py."""

from __future__ import annotations

import json

import pytest

from errorops.plan import render_json, render_table
from gcp_support import level_of, policies_of, env_of, model, options, plan, resources, stack_names

STACKS = stack_names()


@pytest.mark.parametrize("stack", STACKS)
def test_user_labels_and_documentation(stack):
    env = env_of(stack)
    m = model()
    org = m.organization.slug
    project_slug = m.environment(env).project.slug
    for policy_id, policy in policies_of(stack).items():
        level = m.severity(level_of(policy))
        assert set(policy["userLabels"]) == {"severity", "team", "environment"}
        assert policy["userLabels"]["environment"] == env
        doc = policy["documentation"]
        assert doc["mimeType"] == "text/markdown"
        assert len(doc["content"]) <= 8192
        assert doc["subject"].startswith(f"[{level.id} {level.name}]")
        # Checklists come from the YAML, not from Python.
        for step in m.gcp.documentation.initial_assessment + m.gcp.documentation.investigation:
            assert f"- [ ] {step}" in doc["content"]
        # The response times of severity_levels.yaml, as the document words them.
        respond = {"P0": "15 minutes", "P1": "2 hours", "P2": "24 hours"}[level.id]
        assert f"Respond within {respond} during business hours" in doc["content"]
        links = doc["links"]
        assert 2 <= len(links) <= 3
        assert links[0] == {"displayName": "Sentry project",
                            "url": f"https://sentry.io/organizations/{org}/projects/{project_slug}/"}
        assert links[1]["displayName"] == "Runbook"


def test_p0_documentation_states_both_response_times():
    doc = policies_of("prod")["service-unavailable"]["documentation"]["content"]
    assert "within 15 minutes during business hours, 30 minutes 24/7" in doc
    assert "correlation_id" in doc


def test_cache_hit_ratio_policy_has_its_own_link_with_the_project_filled_in():
    links = policies_of("prod")["cache-hit-ratio-low"]["documentation"]["links"]
    assert links[2]["url"].endswith("?project=ai-content-factory-prod")


@pytest.mark.parametrize("stack", STACKS)
def test_log_based_metrics(stack):
    metrics = resources(plan(stack), "Metric")
    assert set(metrics) == {"content_generation_failures", "cache_errors", "integration_calls", "integration_failures",
                            "audit_log_write_failures", "content_generation_duration"}
    for name, metric in metrics.items():
        assert metric["name"] == name
        assert metric["filter"].startswith(
            'resource.type="cloud_run_revision" AND resource.labels.service_name="acf-api" AND (')
        descriptor = metric["metricDescriptor"]
        kind = "DISTRIBUTION" if name == "content_generation_duration" else "INT64"
        assert (descriptor["metricKind"], descriptor["valueType"]) == ("DELTA", kind)
        extractors = metric.get("labelExtractors") or {}
        assert {label["key"] for label in descriptor.get("labels") or []} == set(extractors)
        assert all(v.startswith("EXTRACT(jsonPayload.") for v in extractors.values())
        assert "correlation_id" not in json.dumps(metric)
    assert metrics["integration_failures"]["labelExtractors"]["provider"] == "EXTRACT(jsonPayload.provider)"
    assert 'jsonPayload.event="content_generation_failed"' in metrics["content_generation_failures"]["filter"]
    duration = metrics["content_generation_duration"]
    assert duration["valueExtractor"] == "EXTRACT(jsonPayload.duration_ms)"
    assert duration["metricDescriptor"]["unit"] == "ms"
    buckets = duration["bucketOptions"]["exponentialBuckets"]
    # 60 s must fall inside the buckets, or p95 above it could not be told apart.
    assert buckets["scale"] < 60000 < buckets["scale"] * buckets["growthFactor"] ** buckets["numFiniteBuckets"]


def test_log_metric_policies_depend_on_their_metric():
    opts = options(plan("prod"), "AlertPolicy")
    assert "content_generation_failures" in opts["content-generation-failures"]["depends_on"]
    assert "health" in opts["health-check-failing"]["depends_on"]
    # A PromQL policy on a log-based metric waits for that metric too (first deploy).
    assert "content_generation_duration-ready" in opts["content-generation-slow"]["depends_on"]
    assert {"integration_calls-ready", "integration_failures-ready"} <= set(opts["vertex-ai-failing"]["depends_on"])


@pytest.mark.parametrize("stack", STACKS)
def test_uptime_check_of_the_health_endpoint(stack):
    check = resources(plan(stack), "UptimeCheckConfig")["health"]
    assert check["httpCheck"]["path"] == "/health"
    assert check["httpCheck"]["useSsl"] is True
    assert check["period"] == "60s"
    assert len(check["selectedRegions"]) >= 3
    labels = check["monitoredResource"]["labels"]
    assert labels["project_id"] == f"ai-content-factory-{env_of(stack)}"
    assert labels["host"] == "<unset errorops:serviceHost>"  # stack config, shown as unset in the plan
    assert "errorops:serviceHost" in plan(stack).unset_config


@pytest.mark.parametrize("stack", STACKS)
def test_slo_and_burn_rate_alert(stack):
    p = plan(stack)
    service = resources(p, "GenericService")["acf-api"]
    assert service["basicService"]["serviceType"] == "CLOUD_RUN"
    slo = resources(p, "Slo")["error-rate"]
    assert slo["goal"] == 0.99
    assert slo["service"] == "acf-api"
    ratio = slo["requestBasedSli"]["goodTotalRatio"]
    assert 'resource.label.service_name="acf-api"' in ratio["totalServiceFilter"]
    assert ratio["badServiceFilter"].endswith('metric.label.response_code_class="5xx"')
    project = f"ai-content-factory-{env_of(stack)}"
    assert f'resource.label.project_id="{project}"' in ratio["totalServiceFilter"]
    # Burn rates: the error ratio over the budget (1 - goal), each alert over a long and a short window.
    for policy_id, windows in (("error-budget-fast-burn", ("1h", "5m")), ("error-budget-slow-burn", ("6h", "30m")),
                               ("error-rate-above-target", ("24h", "2h"))):
        query = policies_of(stack)[policy_id]["conditions"][0]["conditionPrometheusQueryLanguage"]["query"]
        assert query.count(" / 0.01 > ") == 2 and " and " in query
        assert all(f"[{w}]" in query for w in windows)


@pytest.mark.parametrize("stack", STACKS)
def test_dashboard_has_the_review_metrics(stack):
    dashboard = resources(plan(stack), "Dashboard")["error-review"]
    spec = json.loads(dashboard["dashboardJson"])
    env = model().environment(env_of(stack))
    assert spec["displayName"].endswith(f"({env.name})")
    tiles = spec["mosaicLayout"]["tiles"]
    titles = [t["widget"]["title"] for t in tiles]
    assert titles[:5] == ["Error rate (5xx share)", "Request latency p95 (ms)", "Content generation p95 (ms)",
                          "Redis cache hit ratio", "Content generation failures / h"]
    queries = json.dumps(tiles)
    assert "run_googleapis_com:request_count" in queries and 'service_name=\\"acf-api\\"' in queries
    assert "logging.googleapis.com/user/content_generation_failures" in queries
    assert "redis.googleapis.com/stats/cache_hit_ratio" in queries


@pytest.mark.parametrize("stack", STACKS)
def test_default_log_bucket_retention_in_every_stack(stack):
    p = plan(stack)
    env = model().environment(env_of(stack))
    bucket = resources(p, "ProjectBucketConfig")["default-log-bucket"]
    assert bucket["bucketId"] == "_Default"
    assert bucket["retentionDays"] == env.retention_days == 90
    assert bucket["locked"] is False
    assert bucket["project"] == f"ai-content-factory-{env.id}"
    assert options(p, "ProjectBucketConfig")["default-log-bucket"]["protect"] is env.protect
    assert p.outputs["gcp_log_retention_days"] == 90


def test_table_shows_policies_readably():
    table = render_table.render([plan("prod")], single=True)
    rows = {line.split()[0]: line for line in table.splitlines() if line.startswith("  ")}
    assert "CRITICAL  promql:error_ratio[1 min] > 0.5 for 5 min | -> slack-alerts,email:team-lead+on-call-engineer" \
           in rows["service-unavailable"]
    assert "ERROR     promql:error_ratio[15 min] > 0.02 for 0 s" in rows["error-rate-high"]
    assert ("promql:integration_failure_ratio[5 min] > 0.95 for 5 min OR promql:vertex_error_ratio[5 min] > 0.95 for 5 min"
            in rows["vertex-ai-failing"])
    assert "cache_hit_ratio{role=primary}[5 min] < 0.8 for 15 min | -> none" in rows["cache-hit-ratio-low"]
    assert "failing_regions[5 min] > 1 for 1 min" in rows["health-check-failing"]
    # A multi-window burn rate: one threshold, both windows.
    assert "promql:error_ratio[1 day and 2 h] > 1 for 0 s" in rows["error-rate-above-target"]
    assert "promql:error_ratio[1 h and 5 min] > 14.4 for 0 s" in rows["error-budget-fast-burn"]
    assert "_Default of ai-content-factory-prod (global): retention 90 days, locked=False" in rows["default-log-bucket"]
    assert "sensitive=[secret]" in rows["slack-alerts"]
    for line in table.splitlines():
        assert len(line) <= render_table.WIDTH


def test_json_plan_is_deterministic():
    # Two plans of their own (not the cached one), each through the whole mock runtime.
    from errorops.plan.runner import plan_stack, stacks_in_order

    prod = stacks_in_order(model(), "prod")[0]
    first = render_json.render([plan_stack(model(), prod)], single=True)
    assert first == render_json.render([plan_stack(model(), prod)], single=True)


def test_an_iam_protected_service_gets_an_authenticated_uptime_check(tmp_path):
    from conftest import copy_repository
    from errorops.pipeline import load_model
    from errorops.plan.runner import plan_stack, stacks_in_order

    copy_repository(tmp_path)
    rules = tmp_path / "alert_rules" / "gcp_monitoring.yaml"
    text = rules.read_text("utf-8")
    assert text.count("authenticated: false") == 1
    rules.write_text(text.replace("authenticated: false", "authenticated: true"), "utf-8")
    copy = load_model(tmp_path)
    (stack,) = stacks_in_order(copy, "prod")
    check = resources(plan_stack(copy, stack), "UptimeCheckConfig")["health"]
    assert check["httpCheck"]["serviceAgentAuthentication"] == {"type": "OIDC_TOKEN"}
    assert "serviceAgentAuthentication" not in resources(plan("prod"), "UptimeCheckConfig")["health"]["httpCheck"]


def test_every_condition_source_has_one_entry_in_each_table():
    # Adding a source: the model's table, the payload builder, the documentation, the schema.
    import json

    from errorops.declare.gcp_payloads import CONDITIONS
    from errorops.model.gcp_render import EXPLAIN
    from errorops.model.gcp_sources import SOURCES
    from errorops.pipeline import REPO_ROOT

    schema = json.loads((REPO_ROOT / "errorops/schemas/gcp_monitoring.schema.json").read_text("utf-8"))
    conditions = schema["properties"]["alert_policies"]["items"]["properties"]["conditions"]["items"]
    in_schema = {branch["required"][0] for branch in conditions["oneOf"]}
    assert set(SOURCES) == set(CONDITIONS) == set(EXPLAIN) == in_schema
