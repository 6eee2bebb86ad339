"""Secrets of the Google Cloud side: the Slack token, the PagerDuty key and recipients'
addresses reach Google only as secret Outputs and never appear in a plan.

The offline plan normally gives every secret key a placeholder that the renderer
masks anyway, which would hide a leak. Here the secret values are a recognisable
sentinel instead, so any value the program sends unwrapped shows up in the plan.
"""

from __future__ import annotations

import json

import pytest

from errorops.plan import render_json, render_table, stack_config
from errorops.plan.runner import plan_stack
from gcp_support import model, options, resources, stack, stack_names, with_pagerduty

SENTINEL = "SENTINEL-slack-token-not-a-real-secret"


@pytest.fixture(scope="module")
def sentinel_plan():
    """``plan(name, pagerduty=False)``: the stack planned with the sentinel as every secret's
    stand-in, which reaches the output only where the program failed to keep a value secret
    (the masking of the placeholder itself is off). Each variant is planned once."""
    made = {}

    def plan(name: str, pagerduty: bool = False):
        if (name, pagerduty) not in made:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(stack_config, "SECRET_PLACEHOLDER", SENTINEL)
                made[name, pagerduty] = plan_stack(model(), with_pagerduty(stack(name)) if pagerduty else stack(name))
        return made[name, pagerduty]
    return plan


def _outputs(plans) -> str:
    return render_table.render(plans, single=False) + render_json.render(plans, single=False)


def test_no_secret_value_in_any_plan_output(sentinel_plan):
    plans = [sentinel_plan(name) for name in stack_names()]
    plans.append(sentinel_plan("prod", pagerduty=True))
    text = _outputs(plans)
    assert SENTINEL not in text
    assert "[secret]" in text


@pytest.mark.parametrize("name", stack_names())
def test_credentials_only_in_sensitive_labels_and_secret(sentinel_plan, name):
    p = sentinel_plan(name)
    channels = resources(p, "NotificationChannel")
    opts = options(p, "NotificationChannel")
    slack = channels["slack-alerts"]
    assert slack["sensitiveLabels"] == "[secret]"
    assert "auth_token" not in json.dumps(slack["labels"])
    assert opts["slack-alerts"]["additional_secret_outputs"] == ["sensitiveLabels"]
    for channel_id, channel in channels.items():
        if channel["type"] == "email":
            assert channel["labels"] == "[secret]"
            assert "sensitiveLabels" not in channel
            assert opts[channel_id]["additional_secret_outputs"] == ["labels"]


def test_pagerduty_is_declared_only_where_the_stack_switches_it_on(sentinel_plan):
    # The key is a declared secret, so the offline plan has a value for it in every stack;
    # only the boolean errorops:pagerduty decides.
    for name in stack_names():
        p = sentinel_plan(name)
        assert "pagerduty" not in resources(p, "NotificationChannel")
    p = sentinel_plan("prod", pagerduty=True)
    channel = resources(p, "NotificationChannel")["pagerduty"]
    assert channel["type"] == "pagerduty"
    assert channel["sensitiveLabels"] == "[secret]"
    assert options(p, "NotificationChannel")["pagerduty"]["additional_secret_outputs"] == ["sensitiveLabels"]
    policies = resources(p, "AlertPolicy")
    paged = {pid for pid, pol in policies.items()
             if any("<id of pagerduty>" in n for n in pol.get("notificationChannels") or [])}
    assert paged == {pid for pid, pol in policies.items() if pol["severity"] == "CRITICAL"}


def test_pagerduty_stays_off_where_the_environment_forbids_paging(sentinel_plan):
    p = sentinel_plan("staging", pagerduty=True)
    assert "pagerduty" not in resources(p, "NotificationChannel")


def test_secret_keys_are_declared_secret_in_pulumi_yaml():
    keys = {k.name: k for k in model().config_keys}
    assert keys["slackAuthToken"].secret and keys["pagerdutyServiceKey"].secret
    assert keys["pagerduty"].type == "boolean" and keys["pagerduty"].default is False
