"""SentryClient against the loopback Sentry double: auth, retries, rate limits, deprecations."""

from __future__ import annotations

import socket

import pytest

from errorops.sentry_api.client import (
    MAX_RATE_LIMIT_WAIT,
    SentryApiError,
    SentryClient,
    SentryDeprecatedEndpoint,
    normalize_base_url,
)
from tests.sentry_double import examples

NOW = 1_790_000_000.0
WORKFLOWS = "/api/0/organizations/acme/workflows/"
RESOURCE = "sentry:Alert 'checkout-errors'"


class Waits(list):
    """Stands in for time.sleep and records every wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(double, *, token=None, max_retries=4, waits=None) -> SentryClient:
    return SentryClient(
        double.base_url, token or double.token, max_retries=max_retries,
        sleep=waits if waits is not None else Waits(), now=lambda: NOW, timeout=5.0,
    )


def assert_no_token(double, error: Exception) -> None:
    assert double.token not in str(error)
    assert double.token not in repr(error)
    assert double.token not in getattr(error, "body", "")


@pytest.mark.parametrize(("given", "expected"), [
    ("https://sentry.io", "https://sentry.io"),
    ("https://us.sentry.io/", "https://us.sentry.io"),
    ("https://sentry.example.com/api/", "https://sentry.example.com"),
    ("https://sentry.example.com/api/0/", "https://sentry.example.com"),
])
def test_base_url_accepts_host_or_terraform_style_api_url(given, expected):
    assert normalize_base_url(given) == expected


def test_sends_bearer_token_and_json_and_returns_answer(sentry_double):
    client = client_for(sentry_double)

    created = client.post(WORKFLOWS, examples.email_alert())
    fetched = client.get(f"{WORKFLOWS}{created['id']}/")

    assert fetched["name"] == "Busy issues to their owners"
    posted = sentry_double.requests_to("POST")[0]
    assert posted.authorization == f"Bearer {sentry_double.token}"
    assert posted.body == examples.email_alert()
    assert sentry_double.token not in repr(client)


def test_paginate_follows_next_only_while_results_true(sentry_double):
    client = client_for(sentry_double)
    for n in range(5):
        client.post(WORKFLOWS, {**examples.email_alert(), "name": f"alert {n}"})

    names = [w["name"] for w in client.paginate(WORKFLOWS, {"per_page": 2})]

    assert names == [f"alert {n}" for n in range(5)]
    pages = sentry_double.requests_to("GET", WORKFLOWS)
    assert [p.query.get("cursor") for p in pages] == [None, ["0:2:0"], ["0:4:0"]]


def test_429_waits_until_the_rate_limit_reset_then_succeeds(sentry_double):
    waits = Waits()
    client = client_for(sentry_double, waits=waits)
    sentry_double.rate_limit_next(2, reset_at=int(NOW) + 7)

    assert client.get(WORKFLOWS) == []

    assert waits == [7.0, 7.0]
    assert len(sentry_double.requests_to("GET", WORKFLOWS)) == 3


def test_429_wait_is_clamped_to_a_sane_maximum(sentry_double):
    waits = Waits()
    sentry_double.rate_limit_next(1, reset_at=int(NOW) + 3600)

    client_for(sentry_double, waits=waits).get(WORKFLOWS)

    assert waits == [MAX_RATE_LIMIT_WAIT]


def test_429_without_reset_header_backs_off_exponentially(sentry_double):
    waits = Waits()
    sentry_double.rate_limit_next(3, reset_at=None)

    client_for(sentry_double, waits=waits).get(WORKFLOWS)

    assert waits == [0.5, 1.0, 2.0]


def test_429_gives_up_after_max_retries_with_a_clear_error(sentry_double):
    waits = Waits()
    sentry_double.rate_limit_next(10, reset_at=int(NOW) + 1)

    with pytest.raises(SentryApiError) as caught:
        client_for(sentry_double, max_retries=2, waits=waits).get(WORKFLOWS, resource=RESOURCE)

    assert caught.value.status == 429
    assert "gave up after 3 attempts" in str(caught.value)
    assert "too frequently" in str(caught.value)
    assert waits == [1.0, 1.0]


def test_5xx_is_retried_with_backoff_then_succeeds(sentry_double):
    waits = Waits()
    sentry_double.fail_next(2, status=503)

    assert client_for(sentry_double, waits=waits).get(WORKFLOWS) == []
    assert waits == [0.5, 1.0]


def test_5xx_retries_are_bounded_then_the_error_is_clear(sentry_double):
    waits = Waits()
    sentry_double.fail_next(10, status=500)

    with pytest.raises(SentryApiError) as caught:
        client_for(sentry_double, max_retries=3, waits=waits).get(WORKFLOWS, resource=RESOURCE)

    error = caught.value
    assert (error.status, error.method, error.path) == (500, "GET", WORKFLOWS)
    assert str(error).startswith(f"{RESOURCE}: Sentry answered 500 to GET {WORKFLOWS} (gave up after 4 attempts)")
    assert "Internal Error" in str(error)
    assert waits == [0.5, 1.0, 2.0]
    assert len(sentry_double.requests) == 4
    assert_no_token(sentry_double, error)


def test_post_is_not_repeated_after_a_500_that_may_have_created_the_object(sentry_double):
    waits = Waits()
    sentry_double.fail_next(1, status=500)

    with pytest.raises(SentryApiError):
        client_for(sentry_double, waits=waits).post(WORKFLOWS, examples.email_alert())

    assert len(sentry_double.requests_to("POST")) == 1
    assert waits == []


def test_post_is_not_repeated_by_the_client_after_503(sentry_double):
    """A 503 may come from a proxy after Sentry created the object: the provider looks it up first."""
    sentry_double.fail_next(1, status=503)

    with pytest.raises(SentryApiError) as caught:
        client_for(sentry_double).post(WORKFLOWS, examples.email_alert())

    assert caught.value.status == 503
    assert len(sentry_double.requests_to("POST")) == 1


def test_connection_errors_are_retried_then_reported():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits = Waits()
    client = SentryClient(f"http://127.0.0.1:{port}", "sntryu_secret", max_retries=2, sleep=waits)

    with pytest.raises(SentryApiError) as caught:
        client.get(WORKFLOWS, resource=RESOURCE)

    assert caught.value.status is None
    assert f"{RESOURCE}: could not reach Sentry for GET {WORKFLOWS} after 3 attempt(s)" in str(caught.value)
    assert waits == [0.5, 1.0]
    assert "sntryu_secret" not in str(caught.value)


def test_410_names_the_retired_endpoint_its_date_and_replacement(sentry_double):
    sentry_double.retire(
        "/api/0/projects/acme/api/rules/", date="2026-05-07",
        replacement="https://sentry.io/api/0/organizations/{organization_id_or_slug}/workflows/",
    )

    with pytest.raises(SentryDeprecatedEndpoint) as caught:
        client_for(sentry_double).get("/api/0/projects/acme/api/rules/", resource=RESOURCE)

    error = caught.value
    assert (error.status, error.date) == (410, "2026-05-07")
    assert error.replacement.endswith("/organizations/{organization_id_or_slug}/workflows/")
    message = str(error)
    assert message.startswith(f"{RESOURCE}: Sentry has retired GET /api/0/projects/acme/api/rules/")
    assert "deprecation date: 2026-05-07" in message
    assert "This API no longer exists." in message
    assert len(sentry_double.requests) == 1  # a retired endpoint is not retried
    assert_no_token(sentry_double, error)


def test_deprecation_headers_on_a_successful_answer_are_a_warning_not_a_failure(sentry_double):
    """The request was carried out: raising would orphan what a POST created."""
    sentry_double.retire(WORKFLOWS, date="2027-01-31", replacement="/api/0/organizations/acme/alerts/", gone=False)
    client = client_for(sentry_double)

    created = client.post(WORKFLOWS, examples.email_alert())
    client.get(WORKFLOWS)

    assert created["id"] in sentry_double.workflows
    (notice,) = client.deprecations  # once, however often it is met
    assert "deprecation date: 2027-01-31" in notice
    assert "replacement endpoint: /api/0/organizations/acme/alerts/" in notice


def test_4xx_names_resource_request_and_sentrys_answer(sentry_double):
    body = {**examples.email_alert(), "enabled": "sometimes"}

    with pytest.raises(SentryApiError) as caught:
        client_for(sentry_double).post(WORKFLOWS, body, resource=RESOURCE)

    error = caught.value
    assert (error.status, error.method, error.path, error.resource) == (400, "POST", WORKFLOWS, RESOURCE)
    assert str(error).startswith(f"{RESOURCE}: Sentry answered 400 to POST {WORKFLOWS}: ")
    assert "'sometimes' is not of type 'boolean'" in str(error)
    assert len(sentry_double.requests) == 1
    assert_no_token(sentry_double, error)


def test_long_answers_are_truncated_in_errors(sentry_double):
    body = {**examples.email_alert(), "detectorIds": [f"not-a-number-{n}" for n in range(60)]}

    with pytest.raises(SentryApiError) as caught:
        client_for(sentry_double).post(WORKFLOWS, body)

    assert len(caught.value.body) < 600
    assert "characters)" in str(caught.value)


def test_rejected_token_is_not_echoed(sentry_double):
    with pytest.raises(SentryApiError) as caught:
        client_for(sentry_double, token="sntryu_wrong_token_value").get(WORKFLOWS)

    assert caught.value.status == 401
    assert "Invalid token" in str(caught.value)
    assert "sntryu_wrong_token_value" not in str(caught.value) + repr(caught.value)


def test_a_403_says_which_scopes_the_deploy_token_needs(sentry_double):
    sentry_double.fail_next(1, status=403)

    with pytest.raises(SentryApiError) as caught:
        client_for(sentry_double).get(WORKFLOWS, resource=RESOURCE)

    assert caught.value.status == 403
    assert "alerts:write" in str(caught.value) and "project:write" in str(caught.value)
    assert_no_token(sentry_double, caught.value)
