"""E-mail over SMTP with STARTTLS (RFC 3207): never sent in the clear, the server's certificate
always verified (against ``ca_file`` where given, e.g. a private relay or a test's own CA;
otherwise against certifi's bundle)."""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import certifi

from . import DeliveryError, Message, PartlyDelivered


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    sender: str
    to: tuple[str, ...]
    user: str = ""
    password: str = ""
    ca_file: str = ""
    timeout: float = 30.0
    name: str = "email"

    def build(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self.sender
        mail["To"] = ", ".join(self.to)
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        return mail

    def send(self, message: Message) -> None:
        mail = self.build(message)
        context = ssl.create_default_context(cafile=self.ca_file or certifi.where())
        where = f"{self.host}:{self.port}"
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(f"SMTP server {where} does not offer STARTTLS: not sending in the clear",
                                        retryable=False)
                smtp.starttls(context=context)
                smtp.ehlo()
                if self.user:
                    smtp.login(self.user, self.password)
                refused = smtp.send_message(mail, from_addr=self.sender, to_addrs=list(self.to))
        except DeliveryError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP server {where} refused the login of '{self.user}': {_reply(exc)}",
                                retryable=False) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise DeliveryError(f"SMTP server {where} refused every recipient ({len(exc.recipients)}; "
                                f"codes {', '.join(map(str, codes))})",
                                retryable=all(400 <= c < 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP server {where} refused the message: {_reply(exc)}",
                                retryable=400 <= exc.smtp_code < 500) from None
        except ssl.SSLError as exc:
            raise DeliveryError(f"SMTP server {where}: TLS failed ({exc.reason or exc}); is its certificate "
                                "trusted (SMTP_CA_FILE)?", retryable=False) from None
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            raise DeliveryError(f"SMTP server {where}: {type(exc).__name__}: {exc}", retryable=True) from None
        if refused:
            raise PartlyDelivered(f"SMTP server {where} refused {len(refused)} of {len(self.to)} recipients "
                                  f"(codes {', '.join(sorted({str(c) for c, _ in refused.values()}))})")


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}"
