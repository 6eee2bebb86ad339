"""At most once per key, kept in a Cloud Storage bucket: the job runs on Cloud Run, with no
local state that outlives it, so the marker must live in a service.

A claim creates the object ``<key>`` only if no live object has that name: an insert with
``ifGenerationMatch=0`` is atomic create-if-absent, and a second insert gets 412 Precondition
Failed (cloud.google.com/storage/docs/request-preconditions, "If the object does not exist";
JSON API objects.insert). The marker then says "claimed"; after delivery it is overwritten with
"sent" (``ifGenerationMatch=<our generation>``); after a failed delivery it is deleted the same
way, so that running the job again retries. A run that dies between claim and "sent" leaves
"claimed": the next run refuses rather than risk a second message (at most once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import httpx

from . import AlreadyClaimed, DeliveryError
from .slack import require_safe_url, tls_context

DEFAULT_BASE_URL = "https://storage.googleapis.com"
SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"


@dataclass(frozen=True)
class Claim:
    key: str
    generation: str


class GcsOnce:
    def __init__(self, bucket: str, *, base_url: str = DEFAULT_BASE_URL, token: Callable[[], str | None] = lambda: None,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc), timeout: float = 30.0):
        require_safe_url(base_url, "Cloud Storage URL")
        self.bucket = bucket
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._now = now
        self._timeout = timeout

    def where(self, key: str) -> str:
        return f"gs://{self.bucket}/{key}"

    def _request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        headers = kw.pop("headers", {})
        token = self._token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            with httpx.Client(timeout=self._timeout, verify=tls_context()) as http:
                return http.request(method, url, headers=headers, **kw)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"Cloud Storage: {type(exc).__name__}: {exc}", retryable=True) from None

    def _write(self, key: str, text: str, generation: str) -> httpx.Response:
        return self._request(
            "POST", f"{self.base_url}/upload/storage/v1/b/{quote(self.bucket, safe='')}/o",
            params={"uploadType": "media", "name": key, "ifGenerationMatch": generation},
            content=text.encode(), headers={"Content-Type": "text/plain"})

    def _stamp(self) -> str:
        return self._now().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def claim(self, key: str) -> Claim:
        response = self._write(key, f"claimed {self._stamp()}\n", "0")
        if response.status_code == 412:
            state = self._read(key)
            if state.startswith("sent"):
                raise AlreadyClaimed(f"{state.strip()} (marker {self.where(key)})", sent=True)
            raise AlreadyClaimed(
                f"a run {state.strip() or 'claimed it'} and did not finish: it may or may not have been sent. "
                f"Delete {self.where(key)} to send it again", sent=False)
        return Claim(key, self._generation(response, key))

    def done(self, claim: Claim) -> None:
        response = self._write(claim.key, f"sent {self._stamp()}\n", claim.generation)
        if response.status_code >= 300:
            raise DeliveryError(f"Cloud Storage answered {response.status_code} marking {self.where(claim.key)} sent",
                                retryable=False)

    def release(self, claim: Claim) -> None:
        response = self._request(
            "DELETE", f"{self.base_url}/storage/v1/b/{quote(self.bucket, safe='')}/o/{quote(claim.key, safe='')}",
            params={"ifGenerationMatch": claim.generation})
        if response.status_code >= 300 and response.status_code != 404:
            raise DeliveryError(f"Cloud Storage answered {response.status_code} deleting {self.where(claim.key)}",
                                retryable=False)

    def _read(self, key: str) -> str:
        response = self._request(
            "GET", f"{self.base_url}/storage/v1/b/{quote(self.bucket, safe='')}/o/{quote(key, safe='')}",
            params={"alt": "media"})
        return response.text if response.status_code == 200 else ""

    def _generation(self, response: httpx.Response, key: str) -> str:
        if response.status_code >= 300:
            hint = {401: " (no or bad credentials)", 403: " (the job's service account needs objectCreator and "
                    "objectUser on the bucket)", 404: " (no such bucket)"}.get(response.status_code, "")
            raise DeliveryError(f"Cloud Storage answered {response.status_code} creating {self.where(key)}{hint}",
                                retryable=response.status_code >= 500 or response.status_code == 429)
        try:
            return str(response.json()["generation"])
        except (ValueError, KeyError, TypeError):
            raise DeliveryError(f"Cloud Storage's answer creating {self.where(key)} has no generation",
                                retryable=False) from None


def google_token() -> Callable[[], str | None]:
    """Application Default Credentials (on Cloud Run: the job's service account, from the metadata server)."""
    import google.auth
    import google.auth.transport.requests

    credentials, _ = google.auth.default(scopes=[SCOPE])

    def token() -> str | None:
        if not credentials.valid:
            # google-auth leaves Credentials.refresh() unannotated.
            credentials.refresh(google.auth.transport.requests.Request())  # type: ignore[no-untyped-call]
        return credentials.token

    return token
