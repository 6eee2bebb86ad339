"""Each validation error of gcp_monitoring.yaml, reported as path:line:col: message.

Every test edits a copy of the real configuration and asserts the exact position
of the problem, found in the edited text (never typed in by hand).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gcp_support import GCP_FILE, copy_repo, edit, locate, problems


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path)


def _gcp(repo: Path) -> Path:
    return repo / "alert_rules" / GCP_FILE


def _expect(repo: Path, path: Path, text: str, needle: str, message: str, n: int = 1) -> None:
    line, column = locate(text, needle, n)
    found = problems(repo)
    wanted = [p for p in found if p.startswith(f"{path}:{line}:{column}: ") and message in p]
    assert wanted, f"no problem at {path.name}:{line}:{column} containing {message!r}; got:\n" + "\n".join(found)


def test_the_real_configuration_is_valid():
    from errorops.pipeline import check_repository

    result = check_repository()
    assert result.ok, result.problems
    assert result.model.gcp is not None


def test_duration_not_whole_minutes(repo):
    path = _gcp(repo)
    text = edit(path, "threshold: 0.5\n        duration: 5m", "threshold: 0.5\n        duration: 90s")
    _expect(repo, path, text, "90s", "duration '90s' is not a whole number of minutes")


def test_window_not_whole_minutes(repo):
    path = _gcp(repo)
    text = edit(path, "query: cache_hit_ratio\n        window: 5m", "query: cache_hit_ratio\n        window: 30s")
    _expect(repo, path, text, "30s", "window '30s' is not a whole number of minutes")


def test_more_than_six_conditions(repo):
    path = _gcp(repo)
    extra = "".join(
        f"      - id: c{n}\n        title: Copy {n}\n        log_metric: audit_log_write_failures\n"
        f"        window: 1h\n        comparison: gt\n        threshold: 0\n        duration: 0m\n"
        for n in range(2, 8)
    )
    text = edit(path, "        threshold: 0\n        duration: 0m\n", "        threshold: 0\n        duration: 0m\n" + extra)
    _expect(repo, path, text, "id: c7", "has 7 conditions; Cloud Monitoring allows at most 6")


def test_user_label_key_and_value_google_refuses(repo):
    path = _gcp(repo)
    text = edit(path, "  - id: cache-errors\n", "  - id: cache-errors\n    user_labels: {Service: acf api}\n")
    _expect(repo, path, text, "Service: acf api", "user label key 'Service' is refused by Google")
    _expect(repo, path, text, "acf api}", "user label Service='acf api' is refused by Google")


def test_documentation_over_8192_characters(repo):
    path = _gcp(repo)
    text = edit(path, "    notes:\n      - \"Common cause: Redis", "    notes:\n      - " + "x" * 8200 + "\n      - \"Common cause: Redis")
    needle = "More than ten Redis cache operations"
    _expect(repo, path, text, needle, "its documentation renders to")


def test_more_than_three_links(repo):
    path = _gcp(repo)
    text = edit(path, "    links:\n      - title: Memorystore instances\n",
                "    links:\n      - title: Extra\n        url: https://example.com/\n      - title: Memorystore instances\n")
    _expect(repo, path, text, "title: Memorystore instances", "would have 4 links (2 shared + 2 own)")


def test_unknown_link_variable(repo):
    path = _gcp(repo)
    text = edit(path, "instances?project=${project}", "instances?project=${region}")
    _expect(repo, path, text, "https://console.cloud.google.com/memorystore", "unknown variable ${region} in link")


def test_empty_filter(repo):
    path = _gcp(repo)
    text = edit(path, 'filter: severity>=WARNING AND jsonPayload.event="cache_error"', 'filter: ""')
    _expect(repo, path, text, '""', "filter of log metric 'cache_errors' is empty")


def test_unbalanced_filter(repo):
    path = _gcp(repo)
    text = edit(path, 'jsonPayload.event="cache_error"', 'jsonPayload.event="cache_error')
    _expect(repo, path, text, "severity>=WARNING AND jsonPayload.event=\"cache_error", "is unbalanced: the string opened")


def test_unbalanced_promql(repo):
    path = _gcp(repo)
    text = edit(path, "[${window}])))", "[${window}]))")
    _expect(repo, path, text, ">-\n      histogram_quantile(0.95", "PromQL of query 'latency_p95_ms' is unbalanced")


def test_unknown_expression_variable(repo):
    path = _gcp(repo)
    text = edit(path, 'service_name="${service}",response_code_class', 'service_name="${svc}",response_code_class')
    _expect(repo, path, text, ">-\n      sum(rate(", "unknown variable ${svc} in PromQL of query 'error_ratio'")


def test_unknown_severity(repo):
    path = _gcp(repo)
    text = edit(path, "    title: Service unavailable\n    severity: P0", "    title: Service unavailable\n    severity: P5")
    _expect(repo, path, text, "P5", "unknown severity level 'P5'")


def test_level_without_cloud_monitoring_severity(repo):
    path = _gcp(repo)
    text = edit(path, "    title: Audit log write failures\n    severity: P2", "    title: Audit log write failures\n    severity: P3")
    _expect(repo, path, text, "P3\n    team: devops\n    summary: The service could not write", "level 'P3' has no")


def test_unknown_slack_channel(repo):
    path = _gcp(repo)
    text = edit(path, "slack_channel: alerts", "slack_channel: ops")
    _expect(repo, path, text, "ops\n    auth_token_config", "unknown Slack channel 'ops'")


def test_unknown_recipient(repo):
    path = _gcp(repo)
    text = edit(path, "recipient: product_manager", "recipient: cfo")
    _expect(repo, path, text, "cfo", "unknown recipient 'cfo'")


def test_route_without_a_channel(repo):
    path = _gcp(repo)
    edit(path, "  - id: email-on-call-engineer\n    type: email\n    recipient: on_call_engineer\n", "")
    levels = repo / "alert_rules" / "severity_levels.yaml"
    text = levels.read_text("utf-8")
    _expect(repo, levels, text, "on_call_engineer", "routes to recipient 'on_call_engineer'")


def test_unknown_query_and_metric_label(repo):
    path = _gcp(repo)
    text = edit(path, "query: error_ratio\n        mirrors: error_rate_high", "query: error_rate\n        mirrors: error_rate_high")
    text = edit(path, "group_by: [provider]", "group_by: [vendor]")
    _expect(repo, path, text, "error_rate\n", "unknown query 'error_rate'")
    _expect(repo, path, text, "vendor", "'vendor' is not a label of log metric 'integration_failures'")


def test_a_query_variable_a_condition_does_not_fill(repo):
    # labels on a query condition fill the query's own ${variables}; a misnamed one leaves ${provider} unfilled.
    path = _gcp(repo)
    text = edit(path, "labels: {provider: elevenlabs}", "labels: {vendor: elevenlabs}")
    _expect(repo, path, text, "integration_failure_ratio\n        labels: {vendor",
            "query 'integration_failure_ratio' uses ${provider}: give it in labels")


def test_every_query_is_scoped_to_the_stacks_project(repo):
    path = _gcp(repo)
    text = edit(path, 'resource.label.project_id="${project}" AND metric.type="redis.googleapis.com/stats/cache_hit_ratio"',
                'metric.type="redis.googleapis.com/stats/cache_hit_ratio"')
    _expect(repo, path, text, 'resource.type="redis_instance"', "filter of query 'cache_hit_ratio' is not scoped to the "
            "stack's project")


def test_burn_rate_names_an_slo_and_windows_need_promql(repo):
    path = _gcp(repo)
    text = edit(path, "burn_rate_of: error-rate\n        windows: [1h, 5m]", "burn_rate_of: errors\n        windows: [1h, 5m]")
    _expect(repo, path, text, "errors\n        windows", "unknown SLO 'errors'")
    text = edit(path, "query: cache_hit_ratio\n        window: 5m", "query: cache_hit_ratio\n        windows: [5m, 10m]")
    _expect(repo, path, text, "[5m, 10m]", "windows applies only to conditions on a PromQL query")


def test_correlation_id_is_never_a_metric_label(repo):
    path = _gcp(repo)
    text = edit(path, "      - key: operation\n        field: jsonPayload.operation",
                "      - key: request\n        field: jsonPayload.correlation_id")
    _expect(repo, path, text, "jsonPayload.correlation_id", "correlation_id must not be a metric label")


def test_credential_config_key_must_be_secret(repo):
    path = repo / "Pulumi.yaml"
    text = edit(path, "  slackAuthToken:\n    type: string\n    secret: true\n", "  slackAuthToken:\n    type: string\n")
    _expect(repo, path, text, "type: string\n    description: OAuth token", "'slackAuthToken' holds a credential")


def test_environment_without_an_entry(repo):
    path = _gcp(repo)
    text = edit(path, "  - id: dev\n    cloud_run_service: acf-api\n    region: us-central1\n", "")
    _expect(repo, path, text, "- id: prod\n    cloud_run_service", "no entry for environment 'dev'")


def test_duplicate_policy_id(repo):
    path = _gcp(repo)
    text = edit(path, "  - id: error-rate-high\n", "  - id: error-rate-critical\n")
    _expect(repo, path, text, "error-rate-critical", "duplicate alert policy id 'error-rate-critical'", n=2)


def test_mql_is_not_accepted(repo):
    path = _gcp(repo)
    text = edit(path, "        query: cache_hit_ratio\n", "        mql: fetch redis_instance\n")
    _expect(repo, path, text, "mql: fetch", "unknown key 'mql'")
