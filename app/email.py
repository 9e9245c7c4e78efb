"""The one email sender: SMTP when MIR_SMTP_URL is set, else .eml files in the outbox."""

from __future__ import annotations

import secrets
import smtplib
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from app.clock import now
from app.config import Settings
from app.templating import templates

SENDER = "Making It Real toolkit <no-reply@mir.invalid>"
# Subjects and plain-text parts are not HTML: escaping them would print "People&#39;s".
_TEXT = templates.env.overlay(autoescape=False)


def compose(settings: Settings, *, to: str, template: str,
            context: dict[str, Any]) -> EmailMessage:
    """Plain-text and HTML parts from templates/emails/{template}.txt and .html.

    Only the HTML part is escaped; the subject is put on one line."""
    values = {"base_url": settings.base_url.rstrip("/"), **context}
    subject = " ".join(_TEXT.get_template(f"emails/{template}.subject.txt").render(values)
                       .split())
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = to
    message["Subject"] = subject
    message.set_content(_TEXT.get_template(f"emails/{template}.txt").render(values))
    message.add_alternative(templates.env.get_template(f"emails/{template}.html").render(values),
                            subtype="html")
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    if settings.smtp_url:
        _send_smtp(settings.smtp_url, message)
        return
    settings.outbox_dir.mkdir(parents=True, exist_ok=True)
    name = f"{now():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
    (settings.outbox_dir / name).write_bytes(bytes(message))


def send_email(settings: Settings, *, to: str, template: str,
               context: dict[str, Any]) -> None:
    send(settings, compose(settings, to=to, template=template, context=context))


def _send_smtp(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port or 465, timeout=30)
    else:
        client = smtplib.SMTP(host, port or 587, timeout=30)
        if (port or 587) != 25:
            client.starttls()
    with client:
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)
