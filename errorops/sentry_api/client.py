"""A small client for Sentry's REST API: auth, retries, rate limits, deprecations, pagination."""

from __future__ import annotations

import functools
import ipaddress
import json as jsonlib
import math
import ssl
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import certifi
import httpx

# Where the token and the address come from, for the providers and the commands that read Sentry.
DEFAULT_BASE_URL = "https://sentry.io"
TOKEN_ENV, BASE_URL_ENV = "SENTRY_AUTH_TOKEN", "SENTRY_BASE_URL"

MAX_RATE_LIMIT_WAIT = 60.0
BACKOFF_BASE = 0.5
BACKOFF_MAX = 30.0
BODY_LIMIT = 500
USER_AGENT = "errorops-sentry-api"
# One request may take this long in all, however slowly the server sends (httpx's timeouts
# are per operation: a server that trickles a byte at a time would hold a call forever).
REQUEST_DEADLINE = 120.0
# An answer larger than this, once decompressed, is refused (a gzip bomb is small on the wire).
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
# Pages of one listing at the most, and no cursor twice: a server that always says
# results="true" must not loop us forever.
MAX_PAGES = 1000

# A POST that failed this way never reached Sentry's view code, so repeating it cannot create
# a duplicate monitor or alert. Any other failure of a POST (a 5xx, even from a proxy, or a
# read timeout) may have created the object already: the caller looks it up before trying again.
_POST_RETRY_STATUSES = {429}
_POST_RETRY_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout)

# What a refusal of our token means, and the scopes errorops' deploy needs (README, "Sentry alerting").
# Scopes from each endpoint's `security` in Sentry's OpenAPI description (vendor/sentry-openapi):
# teams (team:write), projects and keys (project:write, project:admin), monitors and alerts
# (alerts:read, alerts:write), lookups (org:read); team:admin to make a team the owner of a
# monitor or alert (src/sentry/api/fields/actor.py), since an integration token belongs to no team.
DEPLOY_SCOPES = "org:read, team:write, team:admin, project:write, project:admin, alerts:read, alerts:write"
_SCOPE_HINTS = {
    401: "the token is missing, revoked or mistyped",
    403: f"the token may not do this: errorops' deploy needs the scopes {DEPLOY_SCOPES}",
}


class SentryApiError(Exception):
    """Sentry refused or failed a request; the message names the resource and the answer."""

    def __init__(self, message: str, *, status: int | None, method: str, path: str, body: str = "", resource: str = ""):
        super().__init__(message)
        self.status = status
        self.method = method
        self.path = path
        self.body = body
        self.resource = resource


class UnsafeBaseUrl(ValueError):
    """The token would travel in plain text."""


class InvalidToken(ValueError):
    """The token cannot go in a header as it is; the message never shows it."""


class SentryDeprecatedEndpoint(SentryApiError):
    """Sentry has retired, or announced the retirement of, the endpoint."""

    def __init__(self, message: str, *, date: str, replacement: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.date = date
        self.replacement = replacement


def normalize_base_url(base_url: str) -> str:
    """Accept "https://host", "https://host/api/" (the Terraform provider's form) or ".../api/0/"."""
    url = base_url.strip().rstrip("/")
    for suffix in ("/api/0", "/api"):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
    return url


class SentryClient:
    """Talks to one Sentry host; opens a fresh connection per request, holds no socket."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
        deadline: float = REQUEST_DEADLINE,
        warn: Callable[[str], None] | None = None,
    ):
        self.base_url = normalize_base_url(base_url)
        _require_https(self.base_url)
        if not token.isascii() or any(c.isspace() or not c.isprintable() for c in token):
            # A pasted token often carries a newline or a non-ASCII quote; say so without showing it.
            raise InvalidToken("the Sentry auth token contains whitespace, control or non-ASCII characters, which "
                               "no Sentry token has: set it again (pulumi config set --secret sentry:token)")
        self._token = token
        self._deadline = deadline
        # Deprecation notices met on successful answers, each passed to `warn` once.
        self.deprecations: list[str] = []
        self._warn = warn
        self._timeout = timeout
        self._max_retries = max_retries
        self._sleep = sleep
        self._now = now

    def __repr__(self) -> str:
        return f"SentryClient({self.base_url!r})"

    def get(self, path: str, params: dict[str, Any] | None = None, *, resource: str = "") -> Any:
        return self._json(self.request("GET", path, params=params, resource=resource), resource)

    def post(self, path: str, body: dict[str, Any], *, resource: str = "") -> Any:
        return self._json(self.request("POST", path, json=body, resource=resource), resource)

    def put(self, path: str, body: dict[str, Any], *, resource: str = "") -> Any:
        return self._json(self.request("PUT", path, json=body, resource=resource), resource)

    def delete(self, path: str, *, resource: str = "") -> None:
        self.request("DELETE", path, resource=resource)

    def paginate(self, path: str, params: dict[str, Any] | None = None, *, resource: str = "",
                 page_size_param: str = "per_page") -> Iterator[Any]:
        """Every item of a list endpoint, following Link rel="next" while results="true".

        ``page_size_param``: the issues listing takes ``limit`` where others take ``per_page``."""
        params = {page_size_param: 100, **(params or {})}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            response = self.request("GET", path, params=params, resource=resource)
            page = self._json(response, resource)
            if not isinstance(page, list):
                raise self._error(f"Sentry's answer to GET {path} is not a list", response.status_code, "GET", path,
                                  response.text, resource)
            yield from page
            nxt = response.links.get("next", {})
            if nxt.get("results") != "true" or not nxt.get("cursor"):
                return
            if nxt["cursor"] in seen:
                raise self._error(f"Sentry's listing of {path} offers cursor {nxt['cursor']!r} twice: stopped",
                                  None, "GET", path, "", resource)
            seen.add(nxt["cursor"])
            # Reuse our own host and path with the cursor rather than the advertised URL, so the
            # token only ever goes to the configured host.
            params = {**params, "cursor": nxt["cursor"]}
        raise self._error(f"Sentry's listing of {path} runs past {MAX_PAGES} pages: stopped", None, "GET", path, "",
                          resource)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        resource: str = "",
    ) -> httpx.Response:
        """Send one request, retrying what is safe to retry, and raise on any failure."""
        method = method.upper()
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        attempt = 0
        while True:
            try:
                response = self._send(method, path, params, json)
            except httpx.RequestError as exc:  # transport errors, and an answer that cannot be decoded
                retry = isinstance(exc, httpx.TransportError) and (method != "POST" or isinstance(exc, _POST_RETRY_ERRORS))
                if retry and attempt < self._max_retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                summary = (
                    f"could not reach Sentry for {method} {path} after {attempt + 1} attempt(s): "
                    f"{type(exc).__name__}: {exc}"
                )
                raise self._error(summary, None, method, path, "", resource) from exc

            status = response.status_code
            if status == 410:
                raise self._deprecated(response, method, path, resource)
            if status < 300:
                if _deprecation_headers(response):
                    # Carried out, but announced for retirement: raising now would orphan what a
                    # POST created. Warn, and let the deploy go on.
                    notice = self._redact(
                        f"Sentry announces the retirement of {path} (deprecation date: "
                        f"{response.headers.get('X-Sentry-Deprecation-Date', 'unknown')}; replacement endpoint: "
                        f"{response.headers.get('X-Sentry-Replacement-Endpoint', 'unknown')})")
                    if notice not in self.deprecations:
                        self.deprecations.append(notice)
                        if self._warn is not None:
                            self._warn(notice)
                return response
            retryable = status == 429 or (status >= 500 and (method != "POST" or status in _POST_RETRY_STATUSES))
            if retryable and attempt < self._max_retries:
                self._sleep(self._rate_limit_wait(response, attempt) if status == 429 else self._backoff(attempt))
                attempt += 1
                continue
            gave_up = f" (gave up after {attempt + 1} attempts)" if retryable else ""
            hint = _hint(status, response.text)
            summary = f"Sentry answered {status} to {method} {path}{gave_up}{hint}"
            raise self._error(summary, status, method, path, response.text, resource)

    def _send(self, method: str, path: str, params: dict[str, Any] | None, json: Any) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        started = time.monotonic()
        with httpx.Client(base_url=self.base_url, timeout=self._timeout, headers=headers, verify=_tls()) as http:
            with http.stream(method, path, params=params, json=json) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise httpx.DecodingError(f"answer larger than {MAX_RESPONSE_BYTES} bytes", request=response.request)
                    if time.monotonic() - started > self._deadline:
                        raise httpx.ReadTimeout(f"answer not complete after {self._deadline:g} s", request=response.request)
                # The body is read and decoded; a Response built from it serves .json(), .text and
                # .links alike (without the encoding headers, or it would be decoded twice).
                kept = [(k, v) for k, v in response.headers.multi_items()
                        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
                return httpx.Response(response.status_code, headers=kept, content=bytes(body),
                                      request=response.request)

    def _backoff(self, attempt: int) -> float:
        # (int ** int is typed Any, as a negative exponent would give a float.)
        wait: float = BACKOFF_BASE * 2**attempt
        return min(wait, BACKOFF_MAX)

    def _rate_limit_wait(self, response: httpx.Response, attempt: int) -> float:
        # Sentry's REST 429 carries no Retry-After; the fixed window ends at this epoch second.
        reset = response.headers.get("X-Sentry-Rate-Limit-Reset")
        try:
            wait = float(reset) - self._now()
        except (TypeError, ValueError):
            return self._backoff(attempt)
        if not math.isfinite(wait) or wait <= 0:  # "nan", "inf", or a reset already past
            return self._backoff(attempt)
        return min(wait, MAX_RATE_LIMIT_WAIT)

    def _deprecated(self, response: httpx.Response, method: str, path: str, resource: str) -> SentryDeprecatedEndpoint:
        date = response.headers.get("X-Sentry-Deprecation-Date", "unknown")
        replacement = response.headers.get("X-Sentry-Replacement-Endpoint", "unknown")
        summary = (
            f"Sentry has retired {method} {path} (deprecation date: {date}; "
            f"replacement endpoint: {replacement}); it answered {response.status_code}"
        )
        error = self._error(
            summary, response.status_code, method, path, response.text, resource,
            cls=SentryDeprecatedEndpoint, date=date, replacement=replacement,
        )
        assert isinstance(error, SentryDeprecatedEndpoint)  # _error builds an instance of `cls`
        return error

    def _error(self, summary: str, status: int | None, method: str, path: str, body: str, resource: str, *,
               cls: type[SentryApiError] = SentryApiError, **extra: str) -> SentryApiError:
        body = self._redact(body)
        if len(body) > BODY_LIMIT:
            body = body[:BODY_LIMIT] + f"… ({len(body)} characters)"
        message = self._redact(summary) + (f": {body}" if body else "")
        if resource:
            message = f"{resource}: {message}"
        return cls(message, status=status, method=method, path=path, body=body, resource=resource, **extra)

    def _redact(self, text: str) -> str:
        # A proxy or debug page may echo the request headers back, and an error may quote the
        # token in another form: JSON-escaped, URL-encoded, or without its surrounding blanks.
        for form in _token_forms(self._token):
            text = text.replace(form, "[token]")
        return text

    def _json(self, response: httpx.Response, resource: str) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            method, path = response.request.method, response.request.url.path
            summary = f"Sentry's answer to {method} {path} is not JSON"
            raise self._error(summary, response.status_code, method, path, response.text, resource) from None


def _token_forms(token: str) -> list[str]:
    if not token:
        return []
    forms = {token, token.strip(), jsonlib.dumps(token)[1:-1], quote(token, safe=""), quote(token),
             quote_plus(token), repr(token)[1:-1], token.encode("unicode_escape").decode("ascii")}
    # The longest first, so a shorter form inside a longer one leaves no part behind.
    return sorted((f for f in forms if len(f) >= 8), key=len, reverse=True)


def _require_https(base_url: str) -> None:
    """The token goes in a header: plain http only to this machine (a test double, a tunnel)."""
    parts = urlsplit(base_url)
    if parts.scheme == "https":
        return
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise UnsafeBaseUrl(f"Sentry base URL {base_url!r} must use https (http is accepted for localhost only): "
                            "the auth token would travel in plain text")


@functools.cache
def _tls() -> ssl.SSLContext:
    # Loading the CA bundle costs tens of milliseconds; a context holds no socket, so share it.
    return ssl.create_default_context(cafile=certifi.where())


def _hint(status: int, body: str) -> str:
    if status in _SCOPE_HINTS:
        return f" ({_SCOPE_HINTS[status]})"
    # OwnerActorField refuses a team owner with a 400 (src/sentry/api/fields/actor.py), in
    # words that vary by version.
    if status == 400 and ("permission to assign this owner" in body or "only assign teams you are a member" in body):
        return " (a team owner needs a token with team:admin, or one whose user is a member of that team)"
    return ""


def _deprecation_headers(response: httpx.Response) -> bool:
    return "X-Sentry-Deprecation-Date" in response.headers or "X-Sentry-Replacement-Endpoint" in response.headers
