"""Browser tests: a live Django server on 127.0.0.1 and Debian's Chromium.

Static files reach the browser through WhiteNoise, as in production (hashed
names, pre-compressed copies, year-long caching), so ``collectstatic`` must have
run first; ``make test`` does it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A cheap Android phone.
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var"


def _passthrough(app):
    return app


@pytest.fixture(scope="package")
def live_server(django_db_setup) -> Iterator:
    """pytest-django's live server, bound to 127.0.0.1 and with static files
    served by the project's own WhiteNoise middleware.

    pytest-django wraps the server in ``StaticFilesHandler``, which looks files
    up through the finders by their source name and so answers 404 for the
    hashed names that ``{% static %}`` emits with manifest storage.
    """
    from django.conf import settings
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.is_file():
        pytest.fail(
            f"No static files manifest at {manifest}: run "
            "`.venv/bin/python manage.py collectstatic --noinput` first "
            "(`make test` does) so pages can load their CSS and JavaScript.",
            pytrace=False,
        )

    server = LiveServer("127.0.0.1", start=False)
    server.thread = LiveServerThread(
        "127.0.0.1",
        static_handler=_passthrough,
        connections_override=server.thread.connections_override,
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """Debian's Chromium, for the tests of this package only.

    Playwright's sync API keeps an event loop running in the main thread while
    it is started, and Django refuses ORM calls (the test data, the database
    flush) from a thread with a running loop unless told. The switch is on only
    while Playwright runs, so async tests elsewhere keep Django's check.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (make system installs it)"
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone(browser) -> Iterator:
    """A fresh browser context (empty cookies and cache) the size of a phone."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def demo(live_server):
    """The demo people and courses, made by the project's own loader."""
    from lms.demo.loader import DEMO_PASSWORD, load_demo

    load_demo()
    return DEMO_PASSWORD


def sign_in(page, base: str, username: str, password: str | None = None) -> None:
    """Sign in through the real form (the factories' password by default)."""
    from tests.factories import PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def sign_in_and_enroll_over_api(
    context, base: str, username: str, password: str, course_slug: str
) -> None:
    """Sign in and enroll through the context's request API: it shares the
    cookies but not the HTTP cache, so the next page is truly a first visit."""
    api = context.request
    api.get(f"{base}/accounts/login/")
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    signed_in = api.post(
        f"{base}/accounts/login/",
        form={"username": username, "password": password, "csrfmiddlewaretoken": csrf},
        max_redirects=0,
    )
    assert signed_in.status == 302, signed_in.text()[:500]
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    enrolled = api.post(
        f"{base}/courses/{course_slug}/enroll/",
        form={"csrfmiddlewaretoken": csrf},
        max_redirects=0,
    )
    assert enrolled.status == 302
