"""The live room in real browsers over a real Daphne (WebSockets): a trainer on
a desktop and learners on phones chat, answer a quiz question, follow the
slides, join late, survive a server restart, and a stranger is refused."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE, SCREENSHOTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WAIT = 15_000  # ms: a condition must hold within this
DESKTOP = {"viewport": {"width": 1100, "height": 900}, "locale": "vi-VN"}
# Ê Đê, with a letter that has no precomposed form (ê + U+0306): shown as typed.
EDE = "Kâo čiăng hriăm ê\u0306 ƀuôn"


def _room(slides: int = 2):
    """A trainer, an enrolled learner, a second enrolled learner and a live
    session of their course with ``slides`` small slide images."""
    from django.conf import settings
    from django.utils import timezone
    from PIL import Image, ImageDraw

    from live_classes.models import Slide
    from live_classes.services import live_session_create
    from lms.models import Role
    from tests import factories

    trainer = factories.make_user(Role.TRAINER, full_name="Cô H'Hen")
    course = factories.make_course(trainers=(trainer,))
    learner = factories.make_user(full_name="Y Siu Niê")
    late = factories.make_user(full_name="H'Linh Mlô")
    for person in (learner, late):
        factories.enroll(person, course)
    now = timezone.now()
    session = live_session_create(
        actor=trainer,
        course=course,
        title="Chăm sóc cà phê mùa khô",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
    )
    folder = Path(settings.MEDIA_ROOT) / "live" / "slides"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(slides):
        image = Image.new("RGB", (640, 360), ("#f6f3ef", "#e6f4ea")[n % 2])
        ImageDraw.Draw(image).text((40, 160), f"Slide {n + 1}", fill="#8a3b12")
        name = f"live/slides/room-test-{session.pk}-{n}.png"
        image.save(Path(settings.MEDIA_ROOT) / name)
        Slide.objects.create(
            session=session, position=n, image=name, width=640, height=360
        )
    return trainer, learner, late, session


def _open(browser, base: str, username: str, path: str, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(WAIT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, username)
    page.goto(f"{base}{path}")
    return context, page, errors


def _slide_url(session, n: int) -> re.Pattern:
    return re.compile(re.escape(f"room-test-{session.pk}-{n}.png") + "$")


def test_trainer_and_learners_share_chat_quiz_and_slides(daphne_servers, browser):  # noqa: F811
    from playwright.sync_api import expect

    trainer, learner, late, session = _room()
    server = daphne_servers.start()
    base, path = server.base, f"/live/{session.pk}/"
    contexts = []
    try:
        t_ctx, tp, t_errors = _open(browser, base, trainer.username, path, **DESKTOP)
        l_ctx, lp, l_errors = _open(browser, base, learner.username, path, **PHONE)
        contexts += [t_ctx, l_ctx]

        # Both are in: the first slide shows, the trainer has the controls.
        for page in (tp, lp):
            expect(page.locator("#slide-img")).to_have_attribute(
                "src", _slide_url(session, 0), timeout=WAIT
            )
            expect(page.locator("#slide-pos")).to_contain_text("1 / 2")
            expect(page.locator("#live-status")).to_have_text("")
        expect(lp.locator("#slide-next")).to_have_count(0)
        expect(lp.locator("#end-class")).to_have_count(0)
        # Data saver is the default: no audio/video controls.
        expect(lp.locator("#live-mode")).to_have_value("saver")
        expect(lp.locator("#live-media")).to_be_hidden()

        # Chat both ways; the ethnic-language text arrives exactly as typed.
        lp.fill("#chat-text", EDE)
        lp.press("#chat-text", "Enter")
        expect(tp.locator("#chat-list li .text")).to_have_text([EDE], timeout=WAIT)
        expect(lp.locator("#chat-list li.own .text")).to_have_text([EDE])
        tp.fill("#chat-text", "Chào cả lớp <b>!</b>")
        tp.click("#chat-form button")
        expect(lp.locator("#chat-list li .text").nth(1)).to_have_text(
            "Chào cả lớp <b>!</b>", timeout=WAIT
        )
        expect(lp.locator("#chat-list b")).to_have_count(2)  # names only, no markup
        # The trainer now knows the learner (from the chat and presence).
        expect(tp.locator("#people li")).to_contain_text(["Y Siu Niê"])

        # A quiz question: open, answer, live tally, close, results for all.
        tp.click(".mod summary")
        tp.fill("#poll-q", "Tưới cà phê lúc nào?")
        tp.select_option("#poll-kind", "quiz")
        options = tp.locator(".poll-opt")
        options.nth(0).fill("Buổi trưa")
        options.nth(1).fill("Sáng sớm")
        options.nth(2).fill("Nửa đêm")
        tp.locator(".poll-ok input").nth(1).check()
        tp.click("#poll-form button")
        answers = lp.locator("#poll-box .opts button")
        expect(answers).to_have_text(["Buổi trưa", "Sáng sớm", "Nửa đêm"], timeout=WAIT)
        expect(lp.locator("#poll-box .q")).to_have_text("Tưới cà phê lúc nào?")
        answers.nth(1).click()
        expect(answers).to_have_count(0)  # answered once: no more buttons
        expect(tp.locator("#poll-box .opts li").nth(1)).to_contain_text(
            "1 (100%)", timeout=WAIT
        )
        tp.click("#poll-close")
        for page in (tp, lp):
            right = page.locator("#poll-box .opts li").nth(1)
            expect(right).to_contain_text("✓ Sáng sớm", timeout=WAIT)
            expect(right).to_contain_text("1 (100%)")
            expect(page.locator("#poll-box .opts li").nth(0)).to_contain_text("0 (0%)")
        expect(tp.locator("#poll-close")).to_have_count(0)

        # The trainer moves on: the learner's slide follows.
        tp.click("#slide-next")
        expect(lp.locator("#slide-img")).to_have_attribute(
            "src", _slide_url(session, 1), timeout=WAIT
        )
        expect(lp.locator("#slide-pos")).to_contain_text("2 / 2")
        expect(tp.locator("#slide-next")).to_be_disabled()

        # Someone who comes late lands on the current slide with the chat so far.
        z_ctx, zp, z_errors = _open(browser, base, late.username, path, **PHONE)
        contexts.append(z_ctx)
        expect(zp.locator("#slide-img")).to_have_attribute(
            "src", _slide_url(session, 1), timeout=WAIT
        )
        expect(zp.locator("#chat-list li .text")).to_have_text(
            [EDE, "Chào cả lớp <b>!</b>"]
        )
        expect(zp.locator("#poll-box")).to_be_hidden()  # the quiz is closed

        # A reaction floats up on the other screens.
        zp.click(".react[data-emoji='👏']")
        expect(tp.locator("#reactions .float")).to_have_text(["👏"], timeout=WAIT)

        # A hand goes up; the trainer sees it first in the list and lowers it.
        lp.click("#hand")
        expect(tp.locator("#people li").first).to_contain_text(
            "✋ Y Siu Niê", timeout=WAIT
        )
        expect(lp.locator("#hand")).to_have_attribute("aria-pressed", "true")
        tp.locator("#people li").first.locator("button").nth(1).click()
        expect(lp.locator("#hand")).to_have_attribute(
            "aria-pressed", "false", timeout=WAIT
        )

        lp.screenshot(path=str(SCREENSHOTS / "live-room-learner.png"), full_page=True)
        tp.screenshot(path=str(SCREENSHOTS / "live-room-trainer.png"), full_page=True)

        # The server restarts: the pages reconnect and resume; a message
        # written while it was down is delivered once, after the reconnection.
        server.kill()
        expect(lp.locator("#live-status")).not_to_have_text("", timeout=WAIT)
        lp.fill("#chat-text", "Mất sóng rồi")
        lp.press("#chat-text", "Enter")
        server.start()
        expect(tp.locator("#chat-list li .text")).to_have_text(
            [EDE, "Chào cả lớp <b>!</b>", "Mất sóng rồi"], timeout=60_000
        )
        expect(lp.locator("#live-status")).to_have_text("", timeout=60_000)
        expect(lp.locator("#chat-list li .text")).to_have_count(3)

        # Moderation: the trainer mutes the learner's chat, then lets them
        # speak again; removes the late learner, who is told so.
        learner_row = tp.locator("#people li", has_text="Y Siu Niê")
        learner_row.locator("button").first.click()
        expect(lp.locator("#chat-text")).to_be_disabled(timeout=WAIT)
        expect(learner_row).to_contain_text("🔇")
        learner_row.locator("button").first.click()
        expect(lp.locator("#chat-text")).to_be_enabled(timeout=WAIT)
        tp.once("dialog", lambda dialog: dialog.accept())
        tp.locator("#people li", has_text="H'Linh Mlô").locator("button").last.click()
        expect(zp.locator("#live-refused")).to_be_visible(timeout=WAIT)
        expect(zp.locator("#chat-form")).to_be_hidden()
        expect(tp.locator("#people li", has_text="H'Linh Mlô")).to_have_count(0)

        # The trainer ends the class: everyone sees the end and the replay link.
        tp.once("dialog", lambda dialog: dialog.accept())
        tp.click("#end-class")
        for page in (lp, tp):
            expect(page.locator("#live-ended")).to_be_visible(timeout=WAIT)
            expect(page.locator("#live-ended a")).to_have_attribute(
                "href", f"/live/{session.pk}/replay/"
            )
            expect(page.locator("#chat-form")).to_be_hidden()

        assert t_errors == [] and l_errors == [] and z_errors == [], (
            t_errors,
            l_errors,
            z_errors,
        )
    finally:
        for context in contexts:
            context.close()

    from live_classes.models import RoomEvent

    # One stored message per send, whatever was re-sent after the restart.
    assert RoomEvent.objects.filter(session=session, type="chat.message").count() == 3


def test_a_person_not_enrolled_sees_the_refusal(daphne_servers, browser):  # noqa: F811
    from playwright.sync_api import expect

    from tests import factories

    _trainer, _learner, _late, session = _room(slides=1)
    stranger = factories.make_user(full_name="Người lạ")
    server = daphne_servers.start()
    context, page, errors = _open(
        browser, server.base, stranger.username, f"/live/{session.pk}/", **PHONE
    )
    try:
        refusal = page.locator("#live-refused")
        expect(refusal).to_be_visible(timeout=WAIT)
        expect(refusal).not_to_have_text("")
        expect(page.locator("#chat-form")).to_be_hidden()
        expect(page.locator("#live-status")).to_have_text("")
        page.screenshot(path=str(SCREENSHOTS / "live-room-refused.png"))
        assert errors == [], errors
    finally:
        context.close()


# Chromium's fake microphone and camera (a beeping tone, a test pattern), and
# no permission prompt: what a person would allow by hand.
FAKE_MEDIA = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
# True once the <audio> or <video> of the first peer carries sound (not silence).
HEARS_SOUND = """() => {
  const el = document.querySelector('#peers audio, #peers video');
  if (!el || !el.srcObject || !el.srcObject.getAudioTracks().length) return false;
  if (!window._probe) {
    const ctx = new AudioContext();
    const an = ctx.createAnalyser();
    ctx.createMediaStreamSource(el.srcObject).connect(an);
    window._probe = {an, buf: new Float32Array(an.fftSize)};
  }
  window._probe.an.getFloatTimeDomainData(window._probe.buf);
  return window._probe.buf.some((v) => Math.abs(v) > 0.01);
}"""


@pytest.fixture
def media_browser(browser):
    """A second Chromium of the same Playwright, with fake media devices."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + FAKE_MEDIA, headless=True
    )
    yield chromium
    chromium.close()


@pytest.mark.parametrize("mode", ["audio", "video"])
def test_media_mesh_between_trainer_and_learner(daphne_servers, media_browser, mode):  # noqa: F811
    from playwright.sync_api import expect

    trainer, learner, _late, session = _room(slides=1)
    server = daphne_servers.start()
    base, path = server.base, f"/live/{session.pk}/"
    grant = {"permissions": ["microphone", "camera"]}
    t_ctx, tp, t_errors = _open(
        media_browser, base, trainer.username, path, **DESKTOP, **grant
    )
    l_ctx, lp, l_errors = _open(
        media_browser, base, learner.username, path, **PHONE, **grant
    )
    try:
        for page in (tp, lp):
            expect(page.locator("#slide-pos")).to_contain_text("1 / 1", timeout=WAIT)
            page.select_option("#live-mode", mode)
            expect(page.locator("#live-media")).to_be_visible()
        # The trainer speaks; the learner, only listening, hears them.
        tp.click("#media-toggle")
        expect(lp.locator("#media-list")).to_contain_text("Cô H'Hen", timeout=WAIT)
        lp.wait_for_function(HEARS_SOUND, polling=100, timeout=WAIT)
        # Video only in video mode; audio-only mode asks for no picture at all.
        expect(lp.locator("#peers figure.video")).to_have_count(
            1 if mode == "video" else 0
        )
        # The learner speaks too: the connection is renegotiated both ways.
        lp.click("#media-toggle")
        expect(tp.locator("#media-list")).to_contain_text("Y Siu Niê", timeout=WAIT)
        tp.wait_for_function(HEARS_SOUND, polling=100, timeout=WAIT)
        lp.screenshot(path=str(SCREENSHOTS / f"live-room-{mode}.png"), full_page=True)
        # Back to data saver: no more media on the learner's phone.
        lp.select_option("#live-mode", "saver")
        expect(lp.locator("#peers figure")).to_have_count(0)
        expect(tp.locator("#media-list")).not_to_contain_text("Y Siu Niê")

        assert t_errors == [] and l_errors == [], (t_errors, l_errors)
    finally:
        t_ctx.close()
        l_ctx.close()


def test_trainer_records_the_class_audio_for_the_replay(daphne_servers, media_browser):  # noqa: F811
    from playwright.sync_api import expect

    from live_classes.models import LiveSession

    trainer, _learner, _late, session = _room(slides=1)
    server = daphne_servers.start()
    context, page, errors = _open(
        media_browser,
        server.base,
        trainer.username,
        f"/live/{session.pk}/",
        permissions=["microphone"],
        **PHONE,
    )
    try:
        strings = page.evaluate(
            "JSON.parse(document.getElementById('live-strings').textContent)"
        )
        expect(page.locator("#live-status")).to_have_text("", timeout=WAIT)
        page.click("#rec")
        expect(page.locator("#rec")).to_have_text(strings["rec_stop"])
        # The elapsed time shows once the recorder has delivered some sound.
        expect(page.locator("#rec-msg")).to_have_text(re.compile(r"· \d+:\d\d$"))
        page.click("#rec")
        # Wait for the end of the upload, whatever its outcome, then check it.
        page.wait_for_function(
            """([uploading, recording]) => {
                const text = document.getElementById('rec-msg').textContent;
                return text && text !== uploading && !text.startsWith(recording);
            }""",
            arg=[strings["uploading"], strings["recording"].split("{time}")[0]],
            timeout=60_000,
        )
        expect(page.locator("#rec-msg")).to_have_text(strings["uploaded"])
        assert errors == [], errors
    finally:
        context.close()
    session = LiveSession.objects.get(pk=session.pk)
    assert session.replay_audio.name.endswith(".webm")
    assert session.replay_audio_started_at is not None
