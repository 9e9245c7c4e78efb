"""Browser fixtures: Debian's Chromium through Playwright, and the app on a real port.

`live_server` uses the `settings` fixture from tests/conftest.py, so each browser test runs
once per database engine (sqlite, and postgresql when MIR_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from app.config import Settings
from app.main import create_app
from tests.browser.helpers import AXE_PATH, CHROMIUM, CHROMIUM_ARGS, JourneyBrowser

STARTUP_TIMEOUT = 15.0


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Chromium at {CHROMIUM} (Debian package 'chromium')")
    if not AXE_PATH.exists():
        missing.append(f"axe-core at {AXE_PATH} (npm package 'axe-core', from `npm ci`)")
    if missing:
        pytest.fail("The browser tests need " + " and ".join(missing)
                    + ". `make test` installs them.", pytrace=False)
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM),
                                                  args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(params=["js", "nojs"])
def journey(request: pytest.FixtureRequest, browser: Browser) -> Iterator[JourneyBrowser]:
    """Fresh browser contexts with JavaScript on ("js") or off ("nojs"): a journey test
    taking it runs once each way (a test module may define its own, e.g. with keyboard).
    `journey.close()` fails the test if a page it loaded scrolled sideways at 320 px or
    logged an error."""
    journey = JourneyBrowser(browser, js=request.param == "js")
    yield journey
    journey.close()


class _ThreadedServer:
    """uvicorn on 127.0.0.1, in a background thread, on a port the OS chose."""

    def __init__(self, settings: Settings) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                                lifespan="auto", timeout_graceful_shutdown=5)
        self.server = uvicorn.Server(config)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"uvicorn:{port}", daemon=True)

    def _run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        except BaseException as error:  # reported by start()
            self.error = error

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last_problem = "did not start"
        while time.monotonic() < deadline:
            if self.error is not None or not self.thread.is_alive():
                raise RuntimeError(f"live server stopped while starting: {self.error!r}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
                last_problem = "/healthz did not answer 200"
            except httpx.HTTPError as error:
                last_problem = repr(error)
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"live server at {self.url} not ready in {STARTUP_TIMEOUT}s: "
                           f"{last_problem}")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
        if self.thread.is_alive():
            raise RuntimeError(f"live server at {self.url} did not shut down")


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    """The base URL (no trailing slash) of the app serving this test's database."""
    server = _ThreadedServer(settings)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (own cookies) with JavaScript on."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser: Browser) -> Iterator[Page]:
    """A fresh page (own cookies) with JavaScript switched off, as some users have it."""
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
