"""Uploading media through the pages, processing in the (immediate) task
backend, and what is left on disk when it fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content_authoring.media import processing
from content_authoring.media.models import MediaAsset
from lms.models import Role
from tests import factories
from tests.content_authoring.media.conftest import stored_files


def upload_url(course):
    return f"/blocks/media/course/{course.pk}/upload/"


def slides_url(course):
    return f"/blocks/media/course/{course.pk}/slides/"


def as_upload(path: Path, name: str | None = None, content_type="video/mp4"):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type)


@pytest.fixture
def post(client_for, django_capture_on_commit_callbacks):
    """Post as ``user`` and run what the request queued (the task) after commit."""

    def send(user, url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(user).post(url, data, **extra)

    return send


def test_trainer_upload_makes_both_renditions_and_a_poster(
    post, trainer, media_course, clips, media_root
):
    response = post(
        trainer,
        upload_url(media_course),
        {"kind": "video", "title": "Tỉa cành", "file": as_upload(clips["video"])},
    )
    assert response.status_code == 302
    asset = MediaAsset.objects.get(course=media_course)
    assert asset.status == MediaAsset.Status.READY, asset.error_detail
    assert asset.progress == 1.0
    assert asset.title == "Tỉa cành"
    assert (asset.width, asset.height) == (640, 480)
    assert abs(asset.duration - 3.0) < 0.2
    renditions = {r.name: r for r in asset.renditions.all()}
    assert set(renditions) == {"360p", "240p", "poster"}
    assert (renditions["360p"].width, renditions["360p"].height) == (480, 360)
    assert (renditions["240p"].width, renditions["240p"].height) == (320, 240)
    for rendition in renditions.values():
        path = Path(rendition.file.path)
        assert path.is_file() and path.stat().st_size == rendition.size_bytes
        assert re.search(r"-[0-9a-f]{16}\.(mp4|jpg)$", rendition.file.name)
    info = processing.probe(renditions["360p"].file.path)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    # Nothing is left in the scratch space.
    assert not list((media_root / ".processing").iterdir())


def test_audio_upload_becomes_one_small_m4a(
    post, trainer, media_course, clips, media_root
):
    post(
        trainer,
        upload_url(media_course),
        {
            "kind": "audio",
            "file": as_upload(clips["narration"], content_type="audio/wav"),
        },
    )
    asset = MediaAsset.objects.get(course=media_course)
    assert asset.status == MediaAsset.Status.READY, asset.error_detail
    (rendition,) = asset.renditions.all()
    assert rendition.name == "audio" and rendition.mime_type == "audio/mp4"
    assert rendition.size_bytes < clips["narration"].stat().st_size / 5


def test_an_administrator_may_upload_for_any_course(
    post, admin_user, media_course, clips, media_root
):
    response = post(
        admin_user,
        upload_url(media_course),
        {"kind": "video", "file": as_upload(clips["tiny"])},
    )
    assert response.status_code == 302
    assert MediaAsset.objects.get(course=media_course).status == "ready"


@pytest.mark.parametrize("role", [Role.LEARNER, Role.ORGANISER, Role.TRAINER])
def test_others_may_not_upload(post, role, media_course, clips, media_root):
    outsider = factories.make_user(role)  # a trainer, but not of this course
    response = post(
        outsider,
        upload_url(media_course),
        {"kind": "video", "file": as_upload(clips["tiny"])},
    )
    assert response.status_code == 403
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_others_may_not_see_the_library_or_an_assets_progress(
    client_for, learner, trainer, media_course, media_root
):
    asset = MediaAsset.objects.create(course=media_course, kind="video")
    assert (
        client_for(learner).get(f"/blocks/media/course/{media_course.pk}/").status_code
        == 403
    )
    assert (
        client_for(learner).get(f"/blocks/media/{asset.pk}/status/").status_code == 403
    )
    assert (
        client_for(trainer).get(f"/blocks/media/course/{media_course.pk}/").status_code
        == 200
    )


def test_anonymous_upload_goes_to_sign_in(client, media_course, clips, media_root):
    response = client.post(
        upload_url(media_course), {"kind": "video", "file": as_upload(clips["tiny"])}
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not MediaAsset.objects.exists()


@pytest.mark.parametrize("name", ["truncated", "text", "cut_after_index"])
def test_a_broken_upload_fails_with_a_clear_message_and_leaves_no_outputs(
    post, client_for, trainer, media_course, clips, media_root, name
):
    post(
        trainer,
        upload_url(media_course),
        {"kind": "video", "file": as_upload(clips[name], "bai-giang.mp4")},
    )
    asset = MediaAsset.objects.get(course=media_course)
    assert asset.status == MediaAsset.Status.FAILED
    assert asset.error_code in ("unreadable", "transcode_failed")
    assert not asset.renditions.exists()
    # Only the upload itself is kept (so the trainer can see what was sent).
    assert stored_files(media_root) == [Path(asset.original.path)]
    page = client_for(trainer).get(f"/blocks/media/course/{media_course.pk}/")
    html = page.content.decode()
    assert 'role="alert"' in html
    assert str(asset.error_message) in html
    assert "<progress" not in html


def test_an_oversize_upload_is_refused_before_it_is_stored(
    post, trainer, media_course, clips, media_root, settings
):
    settings.MEDIA_UPLOAD_MAX_BYTES = 10_000
    response = post(
        trainer,
        upload_url(media_course),
        {"kind": "video", "file": as_upload(clips["video"])},
    )
    assert response.status_code == 413
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_an_upload_of_the_wrong_kind_of_name_is_refused(
    post, trainer, media_course, clips, media_root
):
    response = post(
        trainer,
        upload_url(media_course),
        {"kind": "video", "file": as_upload(clips["video"], "clip.exe")},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert not MediaAsset.objects.exists()


def test_progress_fragment_polls_until_the_asset_is_finished(
    client_for, trainer, media_course, media_root
):
    asset = MediaAsset.objects.create(
        course=media_course, kind="video", status="processing", progress=0.42
    )
    client = client_for(trainer)
    html = client.get(f"/blocks/media/{asset.pk}/status/").content.decode()
    assert '<progress max="100" value="42"' in html
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="/blocks/media/{asset.pk}/status/"' in html
    data = client.get(
        f"/blocks/media/{asset.pk}/status/", HTTP_ACCEPT="application/json"
    ).json()
    assert data["status"] == "processing" and data["progress"] == 0.42
    MediaAsset.objects.filter(pk=asset.pk).update(status="ready", progress=1.0)
    html = client.get(f"/blocks/media/{asset.pk}/status/").content.decode()
    assert "hx-trigger" not in html and "<progress" not in html


def _slide_images(count: int) -> list[SimpleUploadedFile]:
    files = []
    for i in range(count):
        image = Image.new("RGB", (960, 540), (60 * i, 90, 160))
        path_bytes = _png_bytes(image)
        files.append(SimpleUploadedFile(f"slide{i}.png", path_bytes, "image/png"))
    return files


def _png_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def test_narrated_slides_from_pictures_become_a_lesson_video(
    post, trainer, media_course, clips, media_root
):
    response = post(
        trainer,
        slides_url(media_course),
        {
            "title": "Bón phân",
            "slides": _slide_images(2),
            "narration": as_upload(clips["narration"], content_type="audio/wav"),
            "starts": "0, 2.5",
        },
    )
    assert response.status_code == 302
    asset = MediaAsset.objects.get(course=media_course)
    assert asset.kind == "slides"
    assert asset.status == MediaAsset.Status.READY, asset.error_detail
    assert asset.slide_starts == [0, 2.5]
    names = {r.name for r in asset.renditions.all()}
    assert names == {"360p", "240p", "poster"}
    video = asset.renditions.get(name="360p")
    info = processing.probe(video.file.path)
    assert (info.height, info.video_codec, info.audio_codec) == (360, "h264", "aac")
    assert abs(info.duration - 4.0) < 0.6


def test_narrated_slides_from_a_two_page_pdf(
    post, trainer, media_course, clips, media_root
):
    pages = [Image.new("RGB", (800, 450), c) for c in ("white", "orange")]
    import io

    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:])
    post(
        trainer,
        slides_url(media_course),
        {
            "slides": [
                SimpleUploadedFile("slides.pdf", buffer.getvalue(), "application/pdf")
            ],
            "narration": as_upload(clips["narration"], content_type="audio/wav"),
            "starts": "0 1:02".replace("1:02", "0:02"),
        },
    )
    asset = MediaAsset.objects.get(course=media_course)
    assert asset.status == MediaAsset.Status.READY, asset.error_detail
    assert asset.renditions.filter(name="240p").exists()


@pytest.mark.parametrize(
    ("starts", "field"),
    [("0, 2, 3", "starts"), ("0, 9", "starts"), ("2, 0", "starts"), ("0", "starts")],
)
def test_slide_timings_that_do_not_fit_are_refused_at_upload(
    post, trainer, media_course, clips, media_root, starts, field
):
    response = post(
        trainer,
        slides_url(media_course),
        {
            "slides": _slide_images(2),
            "narration": as_upload(clips["narration"], content_type="audio/wav"),
            "starts": starts,
        },
    )
    assert response.status_code == 400
    assert 'data-field="starts"' in response.content.decode()
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_slides_that_are_not_pictures_and_a_silent_narration_are_refused(
    post, trainer, media_course, clips, media_root
):
    response = post(
        trainer,
        slides_url(media_course),
        {
            "slides": [SimpleUploadedFile("a.png", b"not a picture", "image/png")],
            "narration": as_upload(clips["text"], "n.mp3", "audio/mpeg"),
            "starts": "0",
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"slides", "narration"}
    assert stored_files(media_root) == []


@pytest.fixture
def ready_video(post, trainer, media_course, clips, media_root):
    post(
        trainer,
        upload_url(media_course),
        {"kind": "video", "file": as_upload(clips["tiny"])},
    )
    return MediaAsset.objects.get(course=media_course)


def test_webvtt_subtitles_are_stored_as_nfc_utf8(post, trainer, ready_video):
    vtt = "WEBVTT\n\n00:00.000 --> 00:01.500\nCà phê\u0301\n".encode()
    response = post(
        trainer,
        f"/blocks/media/{ready_video.pk}/subtitles/",
        {"subtitles": SimpleUploadedFile("vi.vtt", vtt, "text/vtt"), "lang": "vi"},
    )
    assert response.status_code == 302
    ready_video.refresh_from_db()
    assert ready_video.subtitles_lang == "vi"
    stored = Path(ready_video.subtitles.path).read_text(encoding="utf-8")
    assert "Cà phế" in stored and stored.startswith("WEBVTT")


def test_a_file_that_is_not_webvtt_is_refused_with_a_message(
    post, trainer, ready_video
):
    response = post(
        trainer,
        f"/blocks/media/{ready_video.pk}/subtitles/",
        {"subtitles": SimpleUploadedFile("vi.vtt", b"1\n00:00:01,000 --> x\n")},
    )
    assert response.status_code == 400
    assert "WEBVTT" in response.content.decode()
    ready_video.refresh_from_db()
    assert not ready_video.subtitles


def test_another_courses_trainer_may_not_attach_subtitles(post, ready_video):
    stranger = factories.make_user(Role.TRAINER)
    vtt = b"WEBVTT\n\n00:00.000 --> 00:01.000\nx\n"
    response = post(
        stranger,
        f"/blocks/media/{ready_video.pk}/subtitles/",
        {"subtitles": SimpleUploadedFile("vi.vtt", vtt)},
    )
    assert response.status_code == 403


def test_an_uploaded_picture_is_made_smaller_without_exif(
    client_for, trainer, media_course, media_root
):
    exif = Image.Exif()
    exif[0x010E] = "Buon Ma Thuot farm"  # ImageDescription: where it was taken
    exif[0x010F] = "PhoneMaker"
    image = Image.new("RGB", (2400, 1600), "brown")
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    response = client_for(trainer).post(
        f"/blocks/media/course/{media_course.pk}/image/",
        {"image": SimpleUploadedFile("a.jpg", buffer.getvalue(), "image/jpeg")},
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["width"], data["height"]) == (1280, 853)
    path = media_root / data["url"].removeprefix("/media/")
    assert b"PhoneMaker" not in path.read_bytes()
    assert b"Buon Ma Thuot" not in path.read_bytes()
    with Image.open(path) as stored:
        assert not stored.getexif()


def test_a_learner_may_not_upload_pictures(
    client_for, learner, media_course, media_root
):
    response = client_for(learner).post(
        f"/blocks/media/course/{media_course.pk}/image/",
        {"image": SimpleUploadedFile("a.jpg", b"x", "image/jpeg")},
    )
    assert response.status_code == 403
    assert stored_files(media_root) == []


def test_deleting_an_asset_removes_its_files(post, trainer, ready_video, media_root):
    assert stored_files(media_root)
    response = post(trainer, f"/blocks/media/{ready_video.pk}/delete/", {})
    assert response.status_code == 302
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_a_learner_may_not_delete_an_asset(post, learner, ready_video, media_root):
    response = post(learner, f"/blocks/media/{ready_video.pk}/delete/", {})
    assert response.status_code == 403
    assert MediaAsset.objects.filter(pk=ready_video.pk).exists()


def test_progress_is_written_to_the_asset_as_processing_goes(
    trainer, media_course, clips, media_root
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from content_authoring.media import services

    asset = MediaAsset.objects.create(
        course=media_course, kind="video", original="media_assets/clip.mp4"
    )
    (media_root / "media_assets").mkdir()
    (media_root / "media_assets" / "clip.mp4").write_bytes(clips["video"].read_bytes())
    with CaptureQueriesContext(connection) as queries:
        services.media_asset_process(asset_id=asset.pk)
    written = [
        float(m.group(1))
        for q in queries
        if (m := re.search(r'SET "progress" = ([0-9.]+) WHERE', q["sql"]))
    ]
    assert written == sorted(written)
    assert any(0 < value < 1 for value in written), written
    asset.refresh_from_db()
    assert asset.status == "ready" and asset.progress == 1.0


def retry_url(asset):
    return f"/blocks/media/{asset.pk}/retry/"


def test_a_failed_asset_can_be_processed_again(post, trainer, ready_video):
    """A failure that was not the file's fault (here: marked failed by hand, as
    an internal error would) is retried on the kept original."""
    MediaAsset.objects.filter(pk=ready_video.pk).update(
        status="failed", error_code="internal", progress=0.3
    )
    ready_video.renditions.all().delete()
    response = post(trainer, retry_url(ready_video), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    ready_video.refresh_from_db()
    assert ready_video.status == "ready" and ready_video.error_code == ""
    assert {r.name for r in ready_video.renditions.all()} >= {"360p", "poster"}


def test_an_asset_left_processing_by_a_stopped_worker_can_be_restarted(
    post, trainer, ready_video, client_for
):
    from datetime import timedelta

    from django.utils import timezone

    stopped = timezone.now() - timedelta(hours=3)
    MediaAsset.objects.filter(pk=ready_video.pk).update(
        status="processing", progress=0.4, updated_at=stopped
    )
    ready_video.refresh_from_db()
    assert ready_video.is_stale and ready_video.can_retry
    status = client_for(trainer).get(f"/blocks/media/{ready_video.pk}/status/")
    assert "hx-trigger" not in status.content.decode()  # stops polling
    assert retry_url(ready_video) in status.content.decode()
    post(trainer, retry_url(ready_video), {})
    ready_video.refresh_from_db()
    assert ready_video.status == "ready"


def test_an_asset_being_processed_now_is_not_restarted(post, trainer, ready_video):
    from django.utils import timezone

    MediaAsset.objects.filter(pk=ready_video.pk).update(
        status="processing", progress=0.4, updated_at=timezone.now()
    )
    response = post(trainer, retry_url(ready_video), {})
    assert response.status_code == 409
    ready_video.refresh_from_db()
    assert ready_video.status == "processing"


def test_others_may_not_restart_processing(post, ready_video):
    MediaAsset.objects.filter(pk=ready_video.pk).update(status="failed")
    for role in (Role.LEARNER, Role.TRAINER):
        response = post(factories.make_user(role), retry_url(ready_video), {})
        assert response.status_code == 403
    ready_video.refresh_from_db()
    assert ready_video.status == "failed"
