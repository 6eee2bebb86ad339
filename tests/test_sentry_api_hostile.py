"""The Sentry client and providers against a misbehaving server on 127.0.0.1.

Each server here is bounded: it stops sending after a few seconds or when the client goes.
Nothing hangs, loops, leaks the token or creates an object twice.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

import pytest

from errorops.sentry_api import client as client_module
from errorops.sentry_api.client import SentryApiError, SentryClient, UnsafeBaseUrl
from errorops.sentry_api.resources import AlertProvider
from tests.sentry_double import examples

TOKEN = "sntryu_hostile_0123456789abcdef"
WORKFLOWS = "/api/0/organizations/acme/workflows/"


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.behave(self)  # type: ignore[attr-defined]

    do_GET = do_POST = do_PUT = _serve

    def log_message(self, *_args) -> None:
        pass

    def answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hostile() -> Iterator[Callable[[Callable], str]]:
    servers = []

    def start(behave: Callable[[_Hostile], None]) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
        server.behave = behave  # type: ignore[attr-defined]
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def client(base_url: str, **kwargs) -> SentryClient:
    return SentryClient(base_url, TOKEN, sleep=lambda _s: None, timeout=2.0, **kwargs)


def test_a_server_that_trickles_bytes_cannot_hold_a_call(hostile):
    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(60):  # at most 3 s, well past the deadline below
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.05)

    started = time.monotonic()
    with pytest.raises(SentryApiError) as caught:
        client(hostile(trickle), deadline=0.3, max_retries=1).get(WORKFLOWS)
    assert "not complete after 0.3 s" in str(caught.value)
    assert time.monotonic() - started < 3  # two attempts, each cut at the deadline


def test_a_gzip_bomb_is_refused_not_inflated(hostile, monkeypatch):
    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", 1_000_000)
    bomb = gzip.compress(b"[" + b" " * 5_000_000 + b"]")

    def send_bomb(handler):
        handler.answer(200, bomb, {"Content-Encoding": "gzip", "Content-Type": "application/json"})

    with pytest.raises(SentryApiError) as caught:
        client(hostile(send_bomb), max_retries=0).get(WORKFLOWS)
    assert "larger than 1000000 bytes" in str(caught.value)


def test_endless_pagination_stops_on_a_repeated_cursor(hostile):
    def same_cursor(handler):
        link = '<x>; rel="next"; results="true"; cursor="0:100:0"'
        handler.answer(200, b"[{}]", {"Link": link, "Content-Type": "application/json"})

    with pytest.raises(SentryApiError, match="offers cursor '0:100:0' twice"):
        list(client(hostile(same_cursor)).paginate(WORKFLOWS))


def test_endless_pagination_stops_at_the_page_limit(hostile, monkeypatch):
    monkeypatch.setattr(client_module, "MAX_PAGES", 5)
    pages = iter(range(10_000))

    def new_cursor(handler):
        cursor = f"0:{next(pages)}:0"
        link = f'<x>; rel="next"; results="true"; cursor="{cursor}"'
        handler.answer(200, b"[{}]", {"Link": link, "Content-Type": "application/json"})

    with pytest.raises(SentryApiError, match="runs past 5 pages"):
        list(client(hostile(new_cursor)).paginate(WORKFLOWS))


@pytest.mark.parametrize("reset", ["nan", "inf", "-5", "soon"])
def test_odd_rate_limit_headers_fall_back_to_backoff(hostile, reset):
    answers = iter([429, 200])
    waits = []

    def limited(handler):
        status = next(answers)
        handler.answer(status, b"[]", {"X-Sentry-Rate-Limit-Reset": reset, "Content-Type": "application/json"})

    api = SentryClient(hostile(limited), TOKEN, sleep=waits.append, now=lambda: 1_000.0)
    assert api.get(WORKFLOWS) == []
    assert waits == [0.5]


@pytest.mark.parametrize("answer", [b"null", b"[]", b'{"id": null}', b'{"name": "x"}', b"<html>oops</html>"])
def test_a_create_answered_oddly_is_looked_up_not_repeated(sentry_double, monkeypatch, answer):
    """Sentry created the alert but the answer carries no usable id: adopt it by name."""
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", sentry_double.token)
    monkeypatch.setenv("SENTRY_BASE_URL", sentry_double.base_url)
    sentry_double.add_project("api", default_alert=False)
    detector = next(d["id"] for d in sentry_double.detectors.values() if d["type"] == "error")
    sentry_double.mangle_next_answer(answer)
    payload = examples.email_alert([int(detector)])

    created = AlertProvider("busy").create({"organization": "acme", "payload": payload})

    assert [w["id"] for w in sentry_double.workflows.values()] == [created.id]
    assert len(sentry_double.requests_to("POST")) == 1


def test_the_token_is_never_sent_over_plain_http_to_another_host():
    with pytest.raises(UnsafeBaseUrl, match="must use https"):
        SentryClient("http://sentry.example.com", TOKEN)
    SentryClient("http://127.0.0.1:9000", TOKEN)  # a double or a tunnel on this machine
    SentryClient("https://sentry.example.com", TOKEN)


@pytest.mark.parametrize("form", [
    lambda t: t, lambda t: json.dumps(t)[1:-1], lambda t: quote(t, safe=""), lambda t: quote_plus(t),
    lambda t: repr(t + "\n")[1:-1],
], ids=["plain", "json", "url", "form", "repr"])
def test_the_token_is_redacted_in_every_form_an_answer_may_quote_it(hostile, form):
    token = "sntryu_with/slash+plus_0123456789"

    def echo(handler):
        handler.answer(403, json.dumps({"detail": f"bad credentials {form(token)}"}).encode(),
                       {"Content-Type": "application/json"})

    with pytest.raises(SentryApiError) as caught:
        SentryClient(hostile(echo), token, sleep=lambda _s: None).get(WORKFLOWS)
    text = str(caught.value) + repr(caught.value) + caught.value.body
    assert "with/slash+plus" not in text and "with%2Fslash" not in text and "[token]" in text


@pytest.mark.parametrize("token", ["sntryu_abcdef0123456789\n", " sntryu_abcdef0123456789", "sntryu_abcdéf0123456789"])
def test_a_token_that_cannot_be_sent_is_refused_without_being_shown(token):
    from errorops.sentry_api.client import InvalidToken

    with pytest.raises(InvalidToken) as caught:
        SentryClient("https://sentry.io", token)
    assert "abcd" not in str(caught.value) and "pulumi config set --secret sentry:token" in str(caught.value)
