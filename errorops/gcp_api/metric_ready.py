"""``MetricReady``: wait until Cloud Monitoring can find a new log-based metric.

Why. Creating an alert policy right after the log-based metric it uses fails with 404
"Cannot find metric(s) that match type = "logging.googleapis.com/user/NAME". If a
metric was created recently, it could take up to 10 minutes to become available"
(hashicorp/terraform-provider-google#11102, open). ``depends_on`` only orders the calls;
the delay is propagation inside Google. So each policy that uses a log-based metric
depends on one of these, whose create polls ``projects.metricDescriptors.list`` with the
filter ``metric.type = "<type>"`` (the match that error names; REST reference
cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.metricDescriptors/list) until
the descriptor is listed, for at most ``timeout_seconds``. Afterwards it does nothing:
an update or a delete sends no request.

Endpoint and credentials are read in the provider process only: the base URL from the
gcp provider's own ``gcp:monitoringCustomEndpoint`` (default
``https://monitoring.googleapis.com/``), the token from ``GOOGLE_OAUTH_ACCESS_TOKEN`` or
``gcp:accessToken`` (as the gcp provider reads them), else Application Default
Credentials (``GOOGLE_APPLICATION_CREDENTIALS``, what CI sets) through google-auth.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, Optional
from urllib.parse import quote

import httpx
import pulumi
from pulumi.dynamic import ConfigureRequest, CreateResult, DiffResult, ResourceProvider, UpdateResult

from .._pulumi_compat import PickleSafeResource

DEFAULT_BASE_URL = "https://monitoring.googleapis.com/"
BASE_URL_CONFIG, TOKEN_CONFIG, TOKEN_ENV = "gcp:monitoringCustomEndpoint", "gcp:accessToken", "GOOGLE_OAUTH_ACCESS_TOKEN"
READ_SCOPE = "https://www.googleapis.com/auth/monitoring.read"
# Google answers these while a new metric propagates; anything else is a real error.
_NOT_YET = frozenset({404})
_RETRY = frozenset({429, 500, 502, 503, 504})


class MetricNotReady(Exception):
    """The metric did not become visible within the timeout, or Google refused the lookup."""


def _adc_token() -> str:
    import google.auth
    import google.auth.transport.requests

    credentials, _ = google.auth.default(scopes=[READ_SCOPE])
    # google-auth leaves Credentials.refresh() unannotated.
    credentials.refresh(google.auth.transport.requests.Request())  # type: ignore[no-untyped-call]
    token: str | None = credentials.token
    assert token is not None, "refresh() sets the token or raises"
    return token


def metric_listed(client: httpx.Client, base_url: str, project: str, metric_type: str) -> tuple[bool, int]:
    """(listed?, HTTP status) of one lookup."""
    url = f"{base_url.rstrip('/')}/v3/projects/{quote(project, safe='')}/metricDescriptors"
    answer = client.get(url, params={"filter": f'metric.type = "{metric_type}"'})
    if answer.status_code != 200:
        return False, answer.status_code
    listed = answer.json().get("metricDescriptors") or []
    return any(d.get("type") == metric_type for d in listed), 200


def wait_for_metric(project: str, metric_type: str, timeout_seconds: float, interval_seconds: float,
                    base_url: str, token: str, sleep: Callable[[float], None] = time.sleep,
                    clock: Callable[[], float] = time.monotonic) -> int:
    """Poll until the metric is listed; return the number of lookups. Raises MetricNotReady."""
    deadline = clock() + timeout_seconds
    polls = 0
    status: int | str  # the HTTP status, or why there was no answer
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30.0) as client:
        while True:
            polls += 1
            try:
                listed, status = metric_listed(client, base_url, project, metric_type)
            except httpx.TransportError as error:
                listed, status = False, f"no answer ({error.__class__.__name__})"
            if listed:
                return polls
            if isinstance(status, int) and status not in _NOT_YET and status not in _RETRY and status != 200:
                raise MetricNotReady(f"Cloud Monitoring refused the lookup of {metric_type} in project {project}: "
                                     f"HTTP {status}; the credentials need monitoring.metricDescriptors.list")
            if clock() + interval_seconds > deadline:
                raise MetricNotReady(
                    f"log-based metric {metric_type} is not visible in project {project} after {polls} lookups "
                    f"({timeout_seconds:g} s; last answer: {status}). Google says a new metric can take up to "
                    "10 minutes; run `pulumi up` again, or raise metric_propagation.timeout in "
                    "alert_rules/gcp_monitoring.yaml.")
            sleep(interval_seconds)


class MetricReadyProvider(ResourceProvider):
    def configure(self, req: ConfigureRequest) -> None:
        # Provider process only: the token never enters the pickled provider or the state.
        self._config = {"baseUrl": req.config.get(BASE_URL_CONFIG), "token": req.config.get(TOKEN_CONFIG)}

    def _endpoint(self) -> tuple[str, str]:
        config = getattr(self, "_config", {})
        token = config.get("token") or os.environ.get(TOKEN_ENV) or _adc_token()
        return config.get("baseUrl") or DEFAULT_BASE_URL, token

    def create(self, props: dict[str, Any]) -> CreateResult:
        base_url, token = self._endpoint()
        wait_for_metric(props["project"], props["metric_type"], float(props["timeout_seconds"]),
                        float(props["interval_seconds"]), base_url, token)
        return CreateResult(f"{props['project']}/{props['metric_type']}", props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [k for k in ("project", "metric_type") if olds.get(k) != news.get(k)]
        changed = replaces or [k for k in ("timeout_seconds", "interval_seconds") if olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(news)  # the metric exists already: nothing to wait for

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class MetricReady(PickleSafeResource, module="gcp", name="MetricReady"):
    """Created once the log-based metric ``metric_type`` is queryable in ``project``."""

    def __init__(self, name: str, project: pulumi.Input[str], metric_type: pulumi.Input[str],
                 timeout_seconds: int, interval_seconds: int, opts: Optional[pulumi.ResourceOptions] = None):
        props = {"project": project, "metric_type": metric_type, "timeout_seconds": timeout_seconds,
                 "interval_seconds": interval_seconds}
        super().__init__(MetricReadyProvider(), name, props, opts)
