"""Slack's Web API ``chat.postMessage`` with a bot token (scope chat:write; chat:write.public to
post in a public channel the bot has not joined). Slack answers HTTP 200 with ``ok: false`` on
most failures (api.slack.com/methods/chat.postMessage), 429 with Retry-After when rate-limited."""

from __future__ import annotations

import functools
import ipaddress
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import httpx

from . import DeliveryError, Message

DEFAULT_API_URL = "https://slack.com/api"
# Worth another try; every other error (channel_not_found, not_in_channel, invalid_auth,
# invalid_blocks, msg_too_long...) will not change by waiting.
RETRYABLE_ERRORS = frozenset({"ratelimited", "rate_limited", "internal_error", "fatal_error",
                              "service_unavailable", "request_timeout"})
HINTS = {
    "not_in_channel": "invite the bot to the channel, or give it the chat:write.public scope",
    "channel_not_found": "check SLACK_CHANNEL_ID (the channel id, e.g. C01ABCDEF)",
    "invalid_auth": "the bot token (SLACK_BOT_TOKEN) is wrong or revoked",
    "not_authed": "no bot token was sent",
    "missing_scope": "the bot needs the chat:write scope",
}


def require_safe_url(url: str, what: str) -> None:
    """A token goes with every request: https, or plain http to this machine only (a test double)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    try:
        loopback = parts.hostname == "localhost" or ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise ValueError(f"{what} {url!r} must use https (http is accepted for localhost only)")


@functools.cache
def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


@dataclass(frozen=True)
class SlackTarget:
    token: str
    channel_id: str
    api_url: str = DEFAULT_API_URL
    timeout: float = 30.0
    name: str = "slack"

    def __post_init__(self) -> None:
        require_safe_url(self.api_url, "Slack API URL")

    def send(self, message: Message) -> None:
        body = {"channel": self.channel_id, "text": message.subject, "blocks": message.blocks,
                "unfurl_links": False, "unfurl_media": False}
        try:
            with httpx.Client(timeout=self.timeout, verify=tls_context()) as http:
                response = http.post(f"{self.api_url.rstrip('/')}/chat.postMessage", json=body,
                                     headers={"Authorization": f"Bearer {self.token}"})
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            # Never reached Slack: trying again cannot post twice.
            raise DeliveryError(f"Slack: could not reach chat.postMessage: {type(exc).__name__}: {exc}",
                                retryable=True) from None
        except httpx.HTTPError as exc:
            # Sent, but no answer: Slack may have posted it, and a retry would post it twice.
            raise DeliveryError(f"Slack: no answer from chat.postMessage ({type(exc).__name__}: {exc}); it may "
                                "have been posted: check the channel before sending again", retryable=False) from None
        if response.status_code == 429:
            try:
                wait = float(response.headers.get("Retry-After", ""))
            except ValueError:
                wait = None
            raise DeliveryError("Slack: chat.postMessage answered 429 (rate limited)", retryable=True,
                                retry_after=wait)
        if response.status_code >= 300:
            raise DeliveryError(f"Slack: chat.postMessage answered HTTP {response.status_code}",
                                retryable=response.status_code >= 500)
        try:
            answer = response.json()
        except ValueError:
            raise DeliveryError("Slack: chat.postMessage answered something that is not JSON", retryable=True) from None
        if not isinstance(answer, dict) or answer.get("ok") is not True:
            error = str(answer.get("error", "unknown_error")) if isinstance(answer, dict) else "unknown_error"
            hint = f" ({HINTS[error]})" if error in HINTS else ""
            raise DeliveryError(f"Slack refused the message to channel {self.channel_id}: {error}{hint}",
                                retryable=error in RETRYABLE_ERRORS)
