"""Loopback doubles for delivery: Slack's Web API, Cloud Storage's JSON API (objects insert,
get, delete with generation preconditions), and a real SMTP server (aiosmtpd) that speaks
STARTTLS with a certificate from a CA made for the test."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# Block Kit's limits (docs.slack.dev/reference/block-kit/blocks; slack_sdk models/blocks/blocks.py).
MAX_BLOCKS, MAX_SECTION_TEXT, MAX_HEADER_TEXT, MAX_CONTEXT_ELEMENTS = 50, 3000, 150, 10
BLOCK_TYPES = {"header", "section", "divider", "context", "actions", "image", "rich_text"}


class _Server:
    def __init__(self, handler_cls):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
        self.server.double = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"


class _HttpDouble:
    """A double served over loopback HTTP: ``handle(method, path, headers, raw)`` answers."""

    def start(self):
        self._server = _Server(_Handler)
        self._server.server.double = self
        self._server.start()
        return self

    def stop(self):
        self._server.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status, body, headers = self.server.double.handle(self.command, self.path, dict(self.headers), raw)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = _serve

    def log_message(self, *_args) -> None:
        pass


# --- Slack ------------------------------------------------------------------------------------

def block_problems(blocks) -> list[str]:
    """What Slack would refuse as invalid_blocks (the limits the digest must keep)."""
    problems = []
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks (at most {MAX_BLOCKS})")
    for n, block in enumerate(blocks):
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            problems.append(f"blocks[{n}]: unknown type {kind!r}")
        text = block.get("text") or {}
        if kind == "header" and (text.get("type") != "plain_text" or len(text.get("text", "")) > MAX_HEADER_TEXT):
            problems.append(f"blocks[{n}]: header text must be plain_text of at most {MAX_HEADER_TEXT}")
        if kind == "section":
            if text.get("type") not in ("mrkdwn", "plain_text") or not text.get("text"):
                problems.append(f"blocks[{n}]: section without text")
            elif len(text["text"]) > MAX_SECTION_TEXT:
                problems.append(f"blocks[{n}]: section text of {len(text['text'])} characters (at most {MAX_SECTION_TEXT})")
        if kind == "context" and not 0 < len(block.get("elements", [])) <= MAX_CONTEXT_ELEMENTS:
            problems.append(f"blocks[{n}]: context needs 1 to {MAX_CONTEXT_ELEMENTS} elements")
    return problems


@dataclass
class SlackDouble(_HttpDouble):
    token: str = "slack-bot-token-of-the-double"
    channels: set = field(default_factory=lambda: {"C0DIGEST01"})
    posts: list = field(default_factory=list)
    # Answers to give before the normal ones: (http status, body, headers).
    queued: list = field(default_factory=list)
    # Seconds to wait before answering (a slow Slack).
    delay: float = 0.0

    @property
    def api_url(self) -> str:
        return self._server.url + "/api"

    def handle(self, method, path, headers, raw):
        if method != "POST" or urlsplit(path).path != "/api/chat.postMessage":
            return 404, {"ok": False, "error": "unknown_method"}, {}
        if self.delay:
            import time
            time.sleep(self.delay)
        if self.queued:
            return self.queued.pop(0)
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        if not headers.get("Content-Type", "").startswith("application/json"):
            return 200, {"ok": False, "error": "invalid_form_data"}, {}
        body = json.loads(raw)
        if body.get("channel") not in self.channels:
            return 200, {"ok": False, "error": "channel_not_found"}, {}
        if not body.get("text"):
            return 200, {"ok": False, "error": "no_text"}, {}
        problems = block_problems(body.get("blocks", []))
        if problems:
            return 200, {"ok": False, "error": "invalid_blocks", "errors": problems}, {}
        self.posts.append(body)
        return 200, {"ok": True, "channel": body["channel"], "ts": f"1764406800.{len(self.posts):06d}",
                     "message": {"text": body["text"]}}, {}


# --- Cloud Storage ----------------------------------------------------------------------------

@dataclass
class GcsDouble(_HttpDouble):
    bucket: str = "acf-digest-state"
    objects: dict = field(default_factory=dict)  # name -> (generation, bytes)
    requests: list = field(default_factory=list)
    fail_next: int = 0
    _generation: int = 1000

    @property
    def url(self) -> str:
        return self._server.url

    def text(self, name: str) -> str | None:
        return self.objects[name][1].decode() if name in self.objects else None

    def handle(self, method, path, headers, raw):
        url = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.requests.append((method, url.path, query))
        if self.fail_next:
            self.fail_next -= 1
            return 503, {"error": {"code": 503, "message": "Backend Error"}}, {}
        upload = f"/upload/storage/v1/b/{self.bucket}/o"
        prefix = f"/storage/v1/b/{self.bucket}/o/"
        match = query.get("ifGenerationMatch")
        if method == "POST" and url.path == upload and query.get("uploadType") == "media":
            name = query["name"]
            current = self.objects.get(name)
            # objects.insert with ifGenerationMatch: 0 means "no live object" (request-preconditions).
            if match is not None and match != (str(current[0]) if current else "0"):
                return 412, {"error": {"code": 412, "message": "At least one of the pre-conditions you "
                                                                "specified did not hold."}}, {}
            self._generation += 1
            self.objects[name] = (self._generation, raw)
            return 200, {"kind": "storage#object", "bucket": self.bucket, "name": name,
                         "generation": str(self._generation), "size": str(len(raw))}, {}
        if url.path.startswith(prefix):
            name = unquote(url.path[len(prefix):])
            current = self.objects.get(name)
            if current is None:
                return 404, {"error": {"code": 404, "message": "No such object"}}, {}
            if method == "GET" and query.get("alt") == "media":
                return 200, current[1], {"Content-Type": "text/plain"}
            if method == "DELETE":
                if match is not None and match != str(current[0]):
                    return 412, {"error": {"code": 412, "message": "precondition"}}, {}
                del self.objects[name]
                return 204, b"", {}
        return 400, {"error": {"code": 400, "message": f"the double does not play {method} {url.path}"}}, {}


# --- SMTP -------------------------------------------------------------------------------------

def make_tls_files(where: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for 127.0.0.1, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "errorops test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = where / "ca.pem", where / "server.pem", where / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    data: bytes
    tls: bool
    user: str | None


class _Handler25:
    def __init__(self, smtp: "SmtpServer"):
        self.smtp = smtp

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.smtp.refuse_rcpt:
            return self.smtp.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.smtp.refuse_data:
            reply = self.smtp.refuse_data.pop(0) if isinstance(self.smtp.refuse_data, list) else self.smtp.refuse_data
            if reply:
                return reply
        user = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.smtp.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content,
                                           session.ssl is not None, user))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1, STARTTLS required before AUTH and MAIL."""

    def __init__(self, tls_dir: Path, user: str = "digest@acf.example", password: str = "smtp-password-for-tests"):
        self.ca, cert, key = make_tls_files(tls_dir)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.user, self.password = user, password
        self.received: list[Received] = []
        self.refuse_rcpt: str | None = None
        self.refuse_data: list | str | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.user \
                and auth_data.password.decode() == self.password
            # handled=False: aiosmtpd then answers the failure itself (535), as a real server does.
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        self.controller = Controller(_Handler25(self), hostname="127.0.0.1", port=self.port, tls_context=context,
                                     require_starttls=True, auth_require_tls=True, authenticator=authenticator,
                                     ready_timeout=10)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


def job_world(monkeypatch, tmp_path: Path, sentry, recipients_var: str, recipients: dict[str, str],
              **more: object):
    """Everything a scheduled job (digest, report) talks to, running on loopback and named to it
    through the environment as the Cloud Run job names them; ``sentry`` is a started, seeded double.
    Yields an object with sentry, slack, gcs, smtp, ``waits`` (the delivery's back-off sleeps) and
    ``more``; stops them all afterwards."""
    slack, gcs = SlackDouble().start(), GcsDouble().start()
    smtp = SmtpServer(tmp_path).start()
    env = {
        "SENTRY_AUTH_TOKEN": sentry.token, "SENTRY_BASE_URL": sentry.base_url,
        "SLACK_BOT_TOKEN": slack.token, "SLACK_CHANNEL_ID": "C0DIGEST01", "SLACK_API_URL": slack.api_url,
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_USER": smtp.user,
        "SMTP_PASSWORD": smtp.password, "SMTP_FROM": "digest@acf.example", "SMTP_CA_FILE": str(smtp.ca),
        recipients_var: json.dumps(recipients),
        "DIGEST_STATE_BUCKET": gcs.bucket, "STORAGE_EMULATOR_HOST": gcs.url,
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("ERROROPS_DEBUG", raising=False)
    waits: list[float] = []
    monkeypatch.setattr("errorops.deliver._sleep", waits.append)
    yield type("World", (), {"sentry": sentry, "slack": slack, "gcs": gcs, "smtp": smtp, "waits": waits, **more})
    smtp.stop()
    slack.stop()
    gcs.stop()
    sentry.stop()
