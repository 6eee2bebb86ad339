"""The process document's Cloud Monitoring side, as the plan declares it: every policy with
its severity, threshold and duration, and the channels each level reaches per environment.

These tests state the document; they fail when alert_rules/ drifts from it. Tests of how
the program builds the resources are in tests/test_gcp_plan.py.
"""

from __future__ import annotations

import pytest

from gcp_support import level_of, policies_of, channel_ids, env_of, plan, resources, stack_names

pytestmark = pytest.mark.process

# Policy id -> (Cloud Monitoring severity, condition type, threshold, duration, marker of its data).
POLICIES = {
    "service-unavailable": ("CRITICAL", "promql", "> 0.5", "300s", 'response_code_class="5xx"}[1m]'),
    "error-rate-critical": ("CRITICAL", "promql", "> 0.05", "0s", 'response_code_class="5xx"}[5m]'),
    "error-rate-high": ("ERROR", "promql", "> 0.02", "0s", 'response_code_class="5xx"}[15m]'),
    "content-generation-slow": ("ERROR", "promql", "> 60000", "300s",
                                "histogram_quantile(0.95, sum by (le) (rate(logging_googleapis_com:user_content_generation_duration_bucket"),
    "vertex-ai-failing": ("CRITICAL", "promql", "> 0.95", "300s", 'user_integration_calls{project_id="ai-content-factory-prod",'
                          'monitored_resource="cloud_run_revision",service_name="acf-api",provider="vertex_ai"}[5m]'),
    "elevenlabs-failing": ("CRITICAL", "promql", "> 0.95", "300s", 'provider="elevenlabs"}[5m]'),
    "content-generation-failures": ("ERROR", "threshold", 5, "0s", "logging.googleapis.com/user/content_generation_failures"),
    "cache-errors": ("ERROR", "threshold", 10, "0s", "logging.googleapis.com/user/cache_errors"),
    "cache-hit-ratio-low": ("WARNING", "threshold", 0.8, "900s", "redis.googleapis.com/stats/cache_hit_ratio"),
    "audit-log-write-failures": ("WARNING", "threshold", 0, "0s", "logging.googleapis.com/user/audit_log_write_failures"),
    "health-check-failing": ("CRITICAL", "threshold", 1, "60s", 'metric.label.check_id="<id of health>"'),
    "error-budget-fast-burn": ("CRITICAL", "promql", "> 14.4)", "0s", '[1h]))) / 0.01 > 14.4) and ('),
    "error-budget-slow-burn": ("ERROR", "promql", "> 6)", "0s", '[6h]))) / 0.01 > 6) and ('),
    "error-rate-above-target": ("WARNING", "promql", "> 1)", "0s", '[24h]))) / 0.01 > 1) and ('),
}
# Channels each level reaches, per environment (environments.yaml notify x severity_levels.yaml routes).
CHANNELS = {
    "prod": {"P0": ["slack-alerts", "email-team-lead", "email-on-call-engineer", "email-product-manager"],
             "P1": ["slack-alerts", "email-team-lead"], "P2": []},
    "staging": {"P0": ["slack-alerts"], "P1": ["slack-alerts"], "P2": []},
    "dev": {"P0": ["slack-alerts", "email-team-lead"], "P1": ["slack-alerts", "email-team-lead"], "P2": []},
}
RENOTIFY = {"P0": "900s", "P1": "3600s"}
AUTO_CLOSE = {"P0": "1800s", "P1": "7200s", "P2": "86400s"}

STACKS = stack_names()


@pytest.mark.parametrize("stack", STACKS)
def test_every_policy_is_declared_in_every_stack(stack):
    assert set(policies_of(stack)) == set(POLICIES)


@pytest.mark.parametrize("policy_id", sorted(POLICIES))
def test_policy_condition_threshold_and_duration(policy_id):
    severity, kind, threshold, duration, marker = POLICIES[policy_id]
    policy = policies_of("prod")[policy_id]
    assert policy["severity"] == severity
    assert policy["combiner"] == "OR"
    cond = policy["conditions"][0]
    assert "conditionMonitoringQueryLanguage" not in cond  # MQL is retired
    if kind == "promql":
        prom = cond["conditionPrometheusQueryLanguage"]
        assert prom["query"].endswith(" " + threshold)
        assert prom["duration"] == duration
        assert marker in prom["query"]
        assert 'service_name="acf-api"' in prom["query"] and 'project_id="ai-content-factory-prod"' in prom["query"]
    else:
        thr = cond["conditionThreshold"]
        assert thr["thresholdValue"] == threshold
        assert thr["duration"] == duration
        assert marker in thr["filter"]
        assert int(thr["duration"][:-1]) % 60 == 0


@pytest.mark.parametrize("stack", STACKS)
def test_policies_route_to_their_levels_channels_in_each_environment(stack):
    expected = CHANNELS[env_of(stack)]
    for policy_id, policy in policies_of(stack).items():
        level = level_of(policy)
        assert channel_ids(policy) == expected[level], policy_id
        strategy = policy["alertStrategy"]
        assert strategy["autoClose"] == AUTO_CLOSE[level]
        if expected[level]:
            [per_channel] = strategy["notificationChannelStrategies"]
            assert per_channel["renotifyInterval"] == RENOTIFY[level]
            assert per_channel["notificationChannelNames"] == policy["notificationChannels"]
        else:
            assert "notificationChannelStrategies" not in strategy


@pytest.mark.parametrize("stack", STACKS)
def test_notification_channels_of_each_stack(stack):
    channels = resources(plan(stack), "NotificationChannel")
    expected = set(CHANNELS[env_of(stack)]["P0"]) | set(CHANNELS[env_of(stack)]["P1"])
    assert set(channels) == expected
    slack = channels["slack-alerts"]
    assert slack["type"] == "slack"
    assert slack["labels"] == {"channel_name": "#ai-content-factory-alerts"}
    for name, channel in channels.items():
        if name.startswith("email-"):
            assert channel["type"] == "email"
            assert channel["labels"] == "[secret]"
