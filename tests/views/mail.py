"""Reading the emails a test sent (the outbox folder) and checking each one."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

BASE_URL = "http://testserver"  # settings.base_url in tests/conftest.py
_HREF = re.compile(r'href="([^"]*)"')
_URL = re.compile(r"https?://[^\s<>\"']+")


def sent(outbox_dir: Path) -> list[EmailMessage]:
    """Every email in the outbox, oldest first."""
    found = []
    for path in sorted(outbox_dir.glob("*.eml")) if outbox_dir.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def to(messages: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [m for m in messages if str(m["To"]).lower() == address.lower()]


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None, f"no plain-text part in {message['Subject']!r}"
    assert html is not None, f"no HTML part in {message['Subject']!r}"
    return plain.get_content(), html.get_content()


def check(message: EmailMessage, *, absent: str | None = None) -> None:
    """A plain-text part, absolute links only (to settings.base_url), and no `absent` text."""
    text, html = parts(message)
    for href in _HREF.findall(html):
        assert href.startswith(BASE_URL + "/"), f"relative or foreign link {href!r} in " \
                                                f"{message['Subject']!r}"
    links = _URL.findall(text)
    assert links, f"no link in {message['Subject']!r}"
    assert all(link.startswith(BASE_URL + "/") for link in links), links
    if absent is not None:
        assert absent not in str(message["Subject"]) + text + html, message["Subject"]


def link(message: EmailMessage, path_prefix: str) -> str:
    """The one link to `path_prefix` in the plain-text part, as a path."""
    text, _html = parts(message)
    found = sorted({url.rstrip(".,)") for url in _URL.findall(text)
                    if url.startswith(BASE_URL + path_prefix)})
    assert len(found) == 1, f"expected one {path_prefix} link, found {found}"
    return found[0][len(BASE_URL):]
