"""Check-in on the organiser's phone in a real browser: a typed code, and
names ticked without network that are sent when the network is back."""

from __future__ import annotations

import pytest

from ecommerce_training.models import CheckIn
from lms.models import Role
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.ecommerce_training.test_registration import register
from tests.ecommerce_training.test_workshops import make_workshop
from tests.factories import make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _wait_for(page, condition, what: str) -> None:
    """Wait (without sleeping blindly) until ``condition()`` holds."""
    for _ in range(100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def test_organiser_checks_in_by_code_and_offline_ticks_sync_once(live_server, phone):
    base = live_server.url
    organiser = make_user(Role.ORGANISER, preferred_language="en")
    workshop = make_workshop(organiser, seats=5)
    session = workshop.sessions.get()
    by_code = register(make_user(full_name="H'Hơ̆n Niê"), workshop)
    ticked = register(make_user(full_name="Y Bih Mlô"), workshop)

    page = phone.new_page()
    sign_in(page, base, organiser.username)
    page.goto(f"{base}/ecommerce/workshops/sessions/{session.pk}/checkin/")

    # A typed code, in lower case: answered at once.
    page.fill("#code", by_code.code.lower())
    page.click("#code-form button")
    page.wait_for_selector("#status.ok")
    assert "H'Hơ̆n Niê is checked in." in page.text_content("#status")
    assert CheckIn.objects.filter(registration=by_code).count() == 1

    # A wrong code: a clear message, nothing recorded.
    page.fill("#code", "ZZZZ2222")
    page.click("#code-form button")
    page.wait_for_selector("#status.bad")
    assert "No registration has the code" in page.text_content("#status")

    # Without network: the tick is kept on the phone.
    phone.set_offline(True)
    page.click(f'button[data-registration="{ticked.pk}"]')
    page.wait_for_selector("#pending:not([hidden])")
    queued = page.evaluate(
        f"JSON.parse(localStorage.getItem('checkin-queue-{session.pk}'))"
    )
    assert len(queued) == 1 and queued[0]["registration"] == ticked.pk
    assert not CheckIn.objects.filter(registration=ticked).exists()
    page.screenshot(path=str(SCREENSHOTS / "e2e-workshop-checkin-offline.png"))

    # Back online: sent once, and the queue is empty.
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector(f'button[data-registration="{ticked.pk}"].done')
    _wait_for(
        page,
        lambda: CheckIn.objects.filter(registration=ticked).exists(),
        "the synced check-in",
    )
    assert (
        page.evaluate(f"JSON.parse(localStorage.getItem('checkin-queue-{session.pk}'))")
        == []
    )

    # The same batch sent again (a phone that did not hear the answer).
    status = page.evaluate(
        """async ([url, item]) => {
            const csrf = document.querySelector(
              'input[name=csrfmiddlewaretoken]').value;
            const r = await fetch(url, {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
              body: JSON.stringify({items: [item]})});
            return (await r.json()).results[0];
        }""",
        [
            f"/ecommerce/workshops/sessions/{session.pk}/checkin/sync/",
            queued[0],
        ],
    )
    assert status["ok"] and status["duplicate"]
    assert CheckIn.objects.count() == 2
    page.screenshot(path=str(SCREENSHOTS / "e2e-workshop-checkin.png"))


def test_learner_registers_and_gets_a_printable_ticket(live_server, phone):
    base = live_server.url
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organiser, seats=1, title="Chụp ảnh sản phẩm")
    learner = make_user(full_name="H'Hơ̆n Niê", preferred_language="en")

    page = phone.new_page()
    sign_in(page, base, learner.username)
    page.goto(f"{base}/ecommerce/workshops/w/{workshop.slug}/")
    page.click("main form button")
    page.wait_for_url(f"{base}/ecommerce/workshops/tickets/**")
    registration = learner.workshop_registrations.get()
    assert registration.code in page.text_content(".code")
    box = page.locator(".qr svg").bounding_box()
    assert box is not None and box["width"] >= 150  # big enough to scan
    page.screenshot(path=str(SCREENSHOTS / "e2e-workshop-ticket.png"), full_page=True)


def _camera_feed(code: str, folder) -> str:
    """A video file Chromium's fake camera plays: the ticket's QR code (as
    segno draws it on the ticket) held in front of the camera."""
    import subprocess

    import imageio_ffmpeg

    from ecommerce_training.selectors_workshops import ticket_qr

    picture = folder / "ticket.png"
    ticket_qr(code).save(str(picture), scale=8, border=4)
    feed = folder / "ticket.y4m"
    subprocess.run(  # noqa: S603 - our binary, fixed arguments
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-loop",
            "1",
            "-i",
            str(picture),
            "-vf",
            "scale=320:320,pad=640:480:160:80:white,format=yuv420p",
            "-t",
            "2",
            "-r",
            "10",
            str(feed),
        ],
        check=True,
    )
    return str(feed)


def test_organiser_scans_a_ticket_with_the_phone_camera(live_server, browser, tmp_path):
    """Chromium on Linux has no BarcodeDetector, so this is the jsQR path
    iPhones take: fetched on demand, reading frames of the camera."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

    base = live_server.url
    organiser = make_user(Role.ORGANISER, preferred_language="en")
    workshop = make_workshop(organiser, seats=5)
    session = workshop.sessions.get()
    ticket = register(make_user(full_name="H'Hơ̆n Niê"), workshop)

    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={_camera_feed(ticket.code, tmp_path)}",
        ],
    )
    try:
        context = camera.new_context(**PHONE, permissions=["camera"])
        context.set_default_timeout(15_000)
        page = context.new_page()
        scripts: list[str] = []
        page.on(
            "request",
            lambda r: scripts.append(r.url) if "jsqr" in r.url.lower() else None,
        )
        sign_in(page, base, organiser.username)
        page.goto(f"{base}/ecommerce/workshops/sessions/{session.pk}/checkin/")
        assert page.evaluate("'BarcodeDetector' in window") is False
        assert scripts == []  # nothing fetched before the organiser asks
        page.click("#scan")
        page.wait_for_selector("#status.ok")
        assert "H'Hơ̆n Niê is checked in." in page.text_content("#status")
        assert len(scripts) == 1
        check_in = CheckIn.objects.get(registration=ticket)
        assert check_in.method == CheckIn.Method.QR
        # The camera keeps seeing the ticket: still one check-in.
        page.wait_for_timeout(1000)
        assert CheckIn.objects.filter(registration=ticket).count() == 1
        page.screenshot(path=str(SCREENSHOTS / "e2e-workshop-checkin-camera.png"))
        context.close()
    finally:
        camera.close()
