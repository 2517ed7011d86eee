"""An editor records a pronunciation in Chromium with a fake microphone
(MediaRecorder: record, stop, listen, save) and the entry page plays it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Chromium's fake microphone (a beeping tone) and no permission prompt.
FAKE_MEDIA = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture
def mic_browser(browser):
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + FAKE_MEDIA, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture
def editor_and_entry(db):
    from django.contrib.auth.models import Permission

    from dictionary import services
    from dictionary.services import EntryData, SenseData
    from lms.models import Role
    from tests import factories

    editor = factories.make_user(Role.TRAINER, preferred_language="en")
    editor.user_permissions.add(
        Permission.objects.get(
            codename="change_entry", content_type__app_label="dictionary"
        )
    )
    entry = services.entry_save(
        actor=None,
        data=EntryData(
            language="rad",
            headword="êa",
            senses=[SenseData(gloss_vi="nước", gloss_vi_translated=True)],
        ),
    ).entry
    return editor, entry


def test_an_editor_records_a_pronunciation_and_the_entry_plays_it(
    live_server, mic_browser, editor_and_entry
):
    from playwright.sync_api import expect

    from dictionary.models import Entry

    editor, entry = editor_and_entry
    base = live_server.url
    context = mic_browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        permissions=["microphone"],
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, base, editor.username)
        page.goto(f"{base}/dictionary/{entry.pk}/")
        expect(page.locator("#no-recording")).to_be_visible()
        page.click("text=Record the pronunciation")

        recorder = page.locator("#recorder")
        recorder.locator("[data-action=record]").click()
        expect(recorder.locator("[data-action=stop]")).to_be_enabled()
        page.wait_for_timeout(1500)  # a word's worth of the fake tone
        recorder.locator("[data-action=stop]").click()
        listen = recorder.locator("audio[data-role=listen]")
        expect(listen).to_be_visible()
        expect(recorder.locator("[data-action=save]")).to_be_enabled()
        with page.expect_navigation():
            recorder.locator("[data-action=save]").click()

        stored = Entry.objects.get(pk=entry.pk)
        assert stored.pronunciation.name.endswith(".m4a")

        page.goto(f"{base}/dictionary/{entry.pk}/")
        audio = page.locator("main audio")
        expect(audio).to_have_attribute("src", stored.pronunciation.url)
        expect(page.locator("#no-recording")).to_have_count(0)
        page.evaluate("document.querySelector('main audio').play()")
        page.wait_for_function(
            "() => { const a = document.querySelector('main audio');"
            " return a.currentTime > 0.2 && a.duration > 1; }"
        )
        assert errors == [], errors
    finally:
        context.close()
