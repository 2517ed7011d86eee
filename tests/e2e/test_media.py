"""Media in a real browser: a trainer uploads a video and sees it processed; a
learner's player starts on 360p, switches to the small copy with "data saver"
(kept across visits), when the browser sends ``Save-Data: on`` or says
``navigator.connection.saveData``, and the video played to the end completes
the block."""

from __future__ import annotations

import re
import subprocess

import imageio_ffmpeg
import pytest

from content_authoring.media.models import MediaAsset
from content_authoring.models import Block
from lms.models import Role
from tests import factories
from tests.e2e.conftest import PHONE, SCREENSHOTS, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "cat-canh.mp4"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=2",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def _source(page) -> str:
    return page.locator("video[data-media-player] source").get_attribute("src")


def test_trainer_uploads_and_learner_plays_the_small_copy_on_data_saver(
    live_server, browser, media_root, clip
):
    base = live_server.url
    trainer = factories.make_user(Role.TRAINER)
    learner = factories.make_user(Role.LEARNER)
    course = factories.make_course(lessons=1, with_question=False, trainers=(trainer,))
    factories.enroll(learner, course)
    lesson = course.lessons.get()

    # The trainer uploads; the test's task backend runs the processing at once.
    context = browser.new_context(**PHONE)
    context.set_default_timeout(30_000)
    page = context.new_page()
    sign_in(page, base, trainer.username)
    page.goto(f"{base}/blocks/media/course/{course.pk}/")
    page.fill("#media-upload input[name=title]", "Cắt cành")
    page.set_input_files("#media-upload input[name=file]", str(clip))
    page.click("#media-upload button")
    page.wait_for_url(f"{base}/blocks/media/course/{course.pk}/")
    status = page.locator("#media-assets .media-asset").first
    assert status.get_attribute("data-status") == "ready"
    assert "240p" in status.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "e2e-media-library.png"), full_page=True)
    context.close()

    asset = MediaAsset.objects.get(course=course)
    video = Block.objects.create(
        lesson=lesson,
        block_type="video",
        position=5,
        required=True,
        fields={"asset_id": asset.pk, "caption": "Cắt cành cà phê"},
    )
    lesson_url = f"{base}/courses/{course.slug}/lessons/{lesson.pk}/"

    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base, learner.username)
    page.goto(lesson_url)
    assert re.search(r"/360p-[0-9a-f]{16}\.mp4$", _source(page))
    link = page.locator("a[data-media-download]")
    assert re.search(r"/240p-[0-9a-f]{16}\.mp4$", link.get_attribute("href"))
    assert re.search(r"\d[.,]\d\s?(KB|MB)", link.inner_text())

    page.check("input[data-data-saver]")
    assert re.search(r"/240p-[0-9a-f]{16}\.mp4$", _source(page))
    page.reload()
    page.wait_for_function(
        "document.querySelector('video[data-media-player]').dataset.choice === 'small'"
    )
    assert page.is_checked("input[data-data-saver]")

    # Played to the end: the block completes (media.js posts "ended").
    page.evaluate(
        "() => { const v = document.querySelector('video'); v.muted = true;"
        " return v.play(); }"
    )
    page.locator(f"#block-{video.pk} [data-media-done]").wait_for(state="visible")
    page.screenshot(path=str(SCREENSHOTS / "e2e-media.png"), full_page=True)
    context.close()

    # A browser that asks to save data gets the small copy from the server.
    context = browser.new_context(**PHONE, extra_http_headers={"Save-Data": "on"})
    page = context.new_page()
    sign_in(page, base, learner.username)
    page.goto(lesson_url)
    assert re.search(r"/240p-[0-9a-f]{16}\.mp4$", _source(page))
    context.close()

    # A browser whose data saver is on (navigator.connection.saveData) too.
    context = browser.new_context(**PHONE)
    context.add_init_script(
        "Object.defineProperty(navigator, 'connection',"
        " {value: {saveData: true}, configurable: true})"
    )
    page = context.new_page()
    sign_in(page, base, learner.username)
    page.goto(lesson_url)
    page.wait_for_function(
        "document.querySelector('video[data-media-player]').dataset.choice === 'small'"
    )
    assert re.search(r"/240p-[0-9a-f]{16}\.mp4$", _source(page))
    assert page.is_checked("input[data-data-saver]")
    context.close()
