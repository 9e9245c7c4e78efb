"""Every XSS payload typed into every text field of every form; then nothing runs anywhere.

Forms are found by crawling the app as an anonymous visitor, an organisation owner and a
site administrator (on a database with demo data). Each form is submitted once per payload,
the payloads rotating through its text fields so that every field gets every payload. Then
every page (crawled again by each of them), the action plan exports and every email in the
outbox are parsed with lxml and checked for live script (tests/fuzz/xss.py).
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import time
import zipfile
from collections.abc import Callable
from urllib.parse import urlsplit

import lxml.html
from fastapi.testclient import TestClient

from app.config import Settings
from app.demo import DEMO_PASSWORD
from app.main import create_app
from tests.factories import login
from tests.fuzz.xss import (
    MARK,
    PAYLOADS,
    SKIPPED_PATHS,
    Crawl,
    Form,
    check_html,
    check_svg,
    dangerous_url,
    page_forms,
)

OWNER = "council@example.org"
ADMIN = "admin@example.org"
STARTS = {
    "anonymous": [
        "/",
        "/register",
        "/login",
        "/password-reset",
        "/organisations",
        "/map",
        "/frameworks",
    ],
    "owner": ["/manage", "/account", "/"],
    "admin": ["/admin", "/admin/organisations", "/admin/users", "/admin/audit", "/account"],
}
EXPORTS = ["", ".csv", ".json", ".pdf", ".docx"]
_PUBLIC_PROFILE = re.compile(r"^/organisations/([a-z0-9-]+)$")


def fetcher(
    client: TestClient, problems: list[str], seen_slugs: set[str]
) -> Callable[[str], str | None]:
    def fetch(path: str) -> str | None:
        response = client.get(path, follow_redirects=True)
        if response.status_code >= 500:
            problems.append(f"GET {path}: {response.status_code}")
        kind = response.headers.get("content-type", "")
        if "image/svg" in kind:
            problems.extend(check_svg(response.content, f"GET {path}"))
            return None
        if "text/html" not in kind:
            return None
        found = _PUBLIC_PROFILE.match(urlsplit(str(response.url)).path)
        if found:
            seen_slugs.add(found.group(1))
        return response.text

    return fetch


def submit(client: TestClient, form: Form, number: int) -> tuple[int, str, str]:
    """Send payload `number` (rotating) in the form's text fields; (status, type, body)."""
    data = {**form.hidden, **form.choices}
    for index, name in enumerate(form.text_fields):
        data[name] = PAYLOADS[(number + index) % len(PAYLOADS)]
    if form.method == "GET":
        response = client.get(form.action, params=data, follow_redirects=True)
    else:
        response = client.post(form.action, data=data, follow_redirects=True)
    if response.status_code == 403 and "csrf_token" in form.hidden:
        # The session's token changed (e.g. a form that logs in): read the form again.
        fresh = lxml.html.document_fromstring(client.get(form.page).text)
        for candidate in page_forms(fresh, form.page):
            if candidate.key == form.key:
                form.hidden = candidate.hidden
        return (
            submit(client, form, number)
            if response.request.method == "POST"
            and form.hidden.get("csrf_token") not in (None, data.get("csrf_token"))
            else (response.status_code, response.headers.get("content-type", ""), response.text)
        )
    return response.status_code, response.headers.get("content-type", ""), response.text


def check_exports(client: TestClient, slug: str, problems: list[str]) -> int:
    checked = 0
    for suffix in EXPORTS:
        path = f"/organisations/{slug}/action-plan{suffix}"
        response = client.get(path)
        if response.status_code == 404:
            continue
        if response.status_code >= 500:
            problems.append(f"GET {path}: {response.status_code}")
            continue
        checked += 1
        kind = response.headers.get("content-type", "")
        if suffix == "":
            if "text/html" in kind:
                problems.extend(check_html(response.text, f"GET {path}"))
        elif "text/html" in kind:
            problems.append(f"GET {path} is served as {kind}")
        elif suffix == ".docx" and response.status_code == 200:
            with zipfile.ZipFile(io.BytesIO(response.content)) as document:
                for name in document.namelist():
                    if name.endswith(".rels"):
                        rels = lxml.html.etree.fromstring(document.read(name))
                        problems.extend(
                            f"GET {path}: {name} links to {target[:60]!r}"
                            for target in rels.xpath("//@Target")
                            if dangerous_url(str(target))
                        )
        elif suffix == ".pdf" and re.search(rb"/(JavaScript|JS\s*[(<]|Launch)", response.content):
            problems.append(f"GET {path}: the PDF has a JavaScript or Launch action")
    return checked


def check_outbox(settings: Settings, problems: list[str]) -> tuple[int, int]:
    emails = echoed = 0
    for path in sorted(settings.outbox_dir.glob("*.eml")):
        emails += 1
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/html":
                body = part.get_content()
                echoed += MARK in body
                problems.extend(check_html(body, f"email {path.name}"))
    return emails, echoed


def test_xss_payloads_never_become_live_script(sqlite_demo_settings: Settings) -> None:
    """On SQLite only: escaping happens in templates and Markdown, not in the database."""
    started = time.monotonic()
    demo_settings = sqlite_demo_settings
    demo_app = create_app(demo_settings)
    assert len(PAYLOADS) >= 50
    problems: list[str] = []
    slugs: set[str] = set()
    clients = {role: TestClient(demo_app, raise_server_exceptions=False) for role in STARTS}
    login(clients["owner"], OWNER, DEMO_PASSWORD)
    login(clients["admin"], ADMIN, DEMO_PASSWORD)

    forms: dict[tuple[str, str, tuple[str, ...]], tuple[str, Form]] = {}
    for role, client in clients.items():
        crawl = Crawl(STARTS[role], limit=80, per_shape=2)
        for path, text in crawl.paths(fetcher(client, problems, slugs)):
            for form in page_forms(lxml.html.document_fromstring(text), path):
                if form.text_fields and not SKIPPED_PATHS.search(form.action):
                    forms.setdefault(form.key, (role, form))

    statuses: dict[int, int] = {}
    echoes = 0
    submissions = 0
    for role, form in forms.values():
        for number in range(len(PAYLOADS)):
            status, kind, body = submit(clients[role], form, number)
            submissions += 1
            statuses[status] = statuses.get(status, 0) + 1
            if status >= 500:
                problems.append(f"{form.method} {form.action} ({role}): {status}")
            if "text/html" in kind:
                echoes += MARK in body
                problems.extend(check_html(body, f"{form.method} {form.action} → response"))

    pages = 0
    for role, client in clients.items():
        crawl = Crawl(
            [*STARTS[role], *(f"/organisations/{slug}" for slug in sorted(slugs))],
            limit=100,
            per_shape=3,
        )
        for path, text in crawl.paths(fetcher(client, problems, slugs)):
            pages += 1
            echoes += MARK in text
            problems.extend(check_html(text, f"GET {path} ({role})"))
    exports = sum(check_exports(clients["anonymous"], slug, problems) for slug in sorted(slugs)[:6])
    emails, emails_echoing = check_outbox(demo_settings, problems)
    for client in clients.values():
        client.close()

    print(
        f"\nxss corpus: {len(PAYLOADS)} payloads, {len(forms)} forms "
        f"({sum(len(f.text_fields) for _, f in forms.values())} text fields), "
        f"{submissions} submissions {dict(sorted(statuses.items()))}; then {pages} pages, "
        f"{exports} exports, {emails} emails checked; payload echoed in {echoes} "
        f"responses and {emails_echoing} emails, always inert; "
        f"{time.monotonic() - started:.0f} s"
    )
    assert len(forms) >= 10, f"only {len(forms)} forms found: is the crawl broken?"
    assert echoes > 0, "no payload was shown anywhere: the check proves nothing"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])
