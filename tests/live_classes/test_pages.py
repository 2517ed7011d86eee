"""Scheduling, managing and the slides of live classes, through the pages."""

from __future__ import annotations

import io
import random
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from live_classes import services
from live_classes.models import LiveSession, RoomEvent, Slide
from lms.models import Role
from tests.factories import make_cohort, make_course, make_user

RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 200, 40), (30, 40, 220), (240, 220, 20)


def signed_in(user, *, english: bool = True) -> Client:
    if english:
        # The expected words are the English ones (the middleware follows this).
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    return client


def page_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def local_input(moment: datetime) -> str:
    """What a datetime-local input sends for ``moment`` in Vietnam time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def image_bytes(color, size, fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def noise_png(size=(300, 300), seed=1) -> bytes:
    """A PNG that does not compress (random pixels)."""
    rng = random.Random(seed)
    data = bytes(rng.getrandbits(8) for _ in range(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, data).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes(tmp_path: Path, colors, size=(1000, 750)) -> bytes:
    """A real PDF of one page per colour (Pillow writes it)."""
    pages = [Image.new("RGB", size, c) for c in colors]
    path = tmp_path / "deck.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:])
    return path.read_bytes()


def upload(name: str, data: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


def close_to(pixel, color, tolerance=45) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color, strict=True))


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def slide_files(media_root: Path) -> list[Path]:
    folder = media_root / "live" / "slides"
    return (
        sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    )


def schedule_url(course) -> str:
    return reverse("live_classes:schedule", kwargs={"course_id": course.pk})


def manage_url(session) -> str:
    return reverse("live_classes:manage", kwargs={"session_id": session.pk})


def slides_url(session) -> str:
    return reverse("live_classes:slides_upload", kwargs={"session_id": session.pk})


def schedule_data(**overrides) -> dict:
    data = {
        "title": "Lớp trực tiếp",
        "description": "",
        "starts_at": "2026-12-01T09:00",
        "ends_at": "2026-12-01T10:30",
        "cohort": "",
        "attendance_percent": "75",
    }
    data.update(overrides)
    return data


# --- scheduling --------------------------------------------------------------------


def test_trainer_schedules_a_class_in_vietnam_time(room):
    client = signed_in(room.trainer)
    page = client.get(schedule_url(room.course))
    assert page.status_code == 200
    assert 'type="datetime-local"' in page.content.decode()

    nfd_title = unicodedata.normalize("NFD", "Học tiếng Ê Đê: chào hỏi")
    assert nfd_title != unicodedata.normalize("NFC", nfd_title)
    response = client.post(
        schedule_url(room.course),
        schedule_data(title=nfd_title, attendance_percent="80"),
    )
    assert response.status_code == 302
    session = LiveSession.objects.exclude(pk=room.session.pk).get()
    assert response.url == manage_url(session)
    # 09:00 typed in Vietnam (UTC+7) is 02:00 UTC.
    assert session.starts_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2026, 12, 1, 3, 30, tzinfo=UTC)
    assert session.title == unicodedata.normalize("NFC", nfd_title)
    assert session.title == "Học tiếng Ê Đê: chào hỏi"
    assert session.status == LiveSession.Status.SCHEDULED
    assert session.created_by == room.trainer
    assert session.attendance_percent == 80
    assert session.cohort is None
    followed = client.get(response.url)
    assert "The live class is scheduled." in page_messages(followed)


def test_end_before_start_is_a_clear_form_error_and_creates_nothing(room):
    client = signed_in(room.trainer)
    before = LiveSession.objects.count()
    response = client.post(
        schedule_url(room.course),
        schedule_data(starts_at="2026-12-01T09:00", ends_at="2026-12-01T08:00"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "The class must end after it starts." in form.errors.get("ends_at", []), (
        form.errors
    )
    assert "The class must end after it starts." in response.content.decode()
    assert LiveSession.objects.count() == before


def test_cohort_choices_are_cohorts_with_members_enrolled_in_the_course(room):
    outsider = make_user(full_name="Người ngoài")
    taking = make_cohort(room.learner, outsider, name="Lớp Buôn Ma Thuột")
    not_taking = make_cohort(outsider, name="Lớp Krông Pắc")
    make_cohort(name="Lớp trống")
    client = signed_in(room.trainer)
    page = client.get(schedule_url(room.course))
    choices = list(page.context["form"].fields["cohort"].queryset)
    assert choices == [taking]
    html = page.content.decode()
    assert "Lớp Buôn Ma Thuột" in html
    assert "Lớp Krông Pắc" not in html and "Lớp trống" not in html

    refused = client.post(
        schedule_url(room.course), schedule_data(cohort=str(not_taking.pk))
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors.get("cohort")
    assert not LiveSession.objects.filter(cohort=not_taking).exists()

    accepted = client.post(
        schedule_url(room.course), schedule_data(cohort=str(taking.pk))
    )
    assert accepted.status_code == 302
    assert LiveSession.objects.filter(cohort=taking).count() == 1


def test_learners_and_other_courses_trainers_may_not_schedule(room):
    stranger = make_user(Role.TRAINER)
    make_course(trainers=(stranger,))
    before = LiveSession.objects.count()
    for user in (room.learner, stranger):
        client = signed_in(user)
        assert client.get(schedule_url(room.course)).status_code == 403
        assert (
            client.post(schedule_url(room.course), schedule_data()).status_code == 403
        )
    assert LiveSession.objects.count() == before


def test_anonymous_visitor_is_sent_to_sign_in(room, client):
    url = schedule_url(room.course)
    for response in (client.get(url), client.post(url, schedule_data())):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
        assert "next=" in response.url
    assert LiveSession.objects.count() == 1


# --- manage: edit and cancel --------------------------------------------------------


def test_trainer_edits_the_class_on_the_manage_page(room):
    client = signed_in(room.trainer)
    session = room.session
    page = client.get(manage_url(session))
    assert page.status_code == 200
    assert session.title in page.content.decode()
    new_start = session.starts_at + timedelta(hours=1)
    response = client.post(
        manage_url(session),
        schedule_data(
            title=unicodedata.normalize("NFD", "Buổi hai: đếm số"),
            description="Mang theo vở",
            starts_at=local_input(new_start),
            ends_at=local_input(new_start + timedelta(minutes=45)),
            attendance_percent="60",
        ),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Buổi hai: đếm số"
    assert session.description == "Mang theo vở"
    assert session.starts_at == new_start.replace(second=0, microsecond=0)
    assert session.scheduled_seconds == 45 * 60
    assert session.attendance_percent == 60
    assert "Saved." in page_messages(client.get(response.url))


def test_trainer_cancels_a_scheduled_class(room):
    client = signed_in(room.trainer)
    response = client.post(
        reverse("live_classes:cancel", kwargs={"session_id": room.session.pk}),
        follow=True,
    )
    assert response.status_code == 200
    assert "The live class is cancelled." in page_messages(response)
    room.session.refresh_from_db()
    assert room.session.status == LiveSession.Status.CANCELLED
    ended = RoomEvent.objects.get(session=room.session)
    assert ended.type == "session.ended"
    assert ended.seq == 1 and ended.actor == room.trainer


def test_a_class_that_started_cannot_be_cancelled(room):
    services.room_join(user=room.trainer, session_id=room.session.pk, last_seq=None)
    room.session.refresh_from_db()
    assert room.session.status == LiveSession.Status.LIVE
    client = signed_in(room.trainer)
    response = client.post(
        reverse("live_classes:cancel", kwargs={"session_id": room.session.pk}),
        follow=True,
    )
    assert "Only a class that has not started can be cancelled." in page_messages(
        response
    )
    room.session.refresh_from_db()
    assert room.session.status == LiveSession.Status.LIVE
    assert not RoomEvent.objects.filter(
        session=room.session, type="session.ended"
    ).exists()


def test_editing_a_cancelled_class_says_why_it_was_not_saved(room):
    services.live_session_cancel(actor=room.trainer, session=room.session)
    client = signed_in(room.trainer)
    response = client.post(
        manage_url(room.session),
        schedule_data(
            title="Đổi tên",
            starts_at=local_input(room.session.starts_at),
            ends_at=local_input(room.session.ends_at),
        ),
    )
    room.session.refresh_from_db()
    assert room.session.title == "Lớp trực tiếp: chào hỏi"
    # The refusal must reach the trainer, not vanish with the hidden form.
    assert "An ended or cancelled class cannot be changed." in (
        response.content.decode() + " ".join(page_messages(response))
    )


def test_learners_may_not_manage_or_cancel(room):
    client = signed_in(room.learner)
    assert client.get(manage_url(room.session)).status_code == 403
    assert (
        client.post(manage_url(room.session), schedule_data(title="X")).status_code
        == 403
    )
    cancel = reverse("live_classes:cancel", kwargs={"session_id": room.session.pk})
    assert client.post(cancel).status_code == 403
    room.session.refresh_from_db()
    assert room.session.title == "Lớp trực tiếp: chào hỏi"
    assert room.session.status == LiveSession.Status.SCHEDULED
    assert not RoomEvent.objects.exists()


# --- slides -------------------------------------------------------------------------


def test_images_and_a_pdf_become_slides_in_order(room, media_root, tmp_path):
    client = signed_in(room.trainer)
    files = [
        upload("bia.png", image_bytes(RED, (2000, 1000)), "image/png"),
        upload("anh.jpg", image_bytes(GREEN, (800, 600), "JPEG"), "image/jpeg"),
        upload("bai-giang.pdf", pdf_bytes(tmp_path, [BLUE, YELLOW]), "application/pdf"),
    ]
    response = client.post(slides_url(room.session), {"files": files}, follow=True)
    assert response.status_code == 200
    assert "4 slides added." in page_messages(response)

    slides = list(Slide.objects.filter(session=room.session).order_by("position"))
    assert [s.position for s in slides] == [0, 1, 2, 3]
    for slide, color in zip(slides, [RED, GREEN, BLUE, YELLOW], strict=True):
        assert slide.image.name.endswith(".webp")
        with Image.open(slide.image.path) as image:
            assert image.format == "WEBP"
            assert image.width <= 1280
            assert (image.width, image.height) == (slide.width, slide.height)
            centre = image.convert("RGB").getpixel(
                (image.width // 2, image.height // 2)
            )
        assert close_to(centre, color), (slide.position, centre, color)
    assert (slides[0].width, slides[0].height) == (1280, 640)
    assert (slides[1].width, slides[1].height) == (800, 600)
    assert slides[2].width == 1280
    assert len(slide_files(media_root)) == 4

    event = RoomEvent.objects.get(session=room.session, type="slides.updated")
    assert [s["n"] for s in event.data["slides"]] == [0, 1, 2, 3]
    assert event.data["slides"][0]["url"] == slides[0].image.url
    # The manage page shows them.
    page = client.get(manage_url(room.session)).content.decode()
    assert slides[3].image.url in page


BAD_FILES = {
    "garbage_pdf": (
        "giao-an.pdf",
        b"%PDF-1.4 this is not really a PDF\n" * 20,
        "“giao-an.pdf” could not be read as PDF.",
    ),
    "text": (
        "ghi-chu.txt",
        "Ghi chú buổi học".encode(),
        "“ghi-chu.txt” is not a slide: send JPEG, PNG, WebP or PDF.",
    ),
    "corrupt_png": (
        "hong.png",
        noise_png(seed=7)[:3000],
        "“hong.png” could not be read as an image.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_an_unreadable_file_is_refused_clearly_and_nothing_is_kept(
    room, media_root, case
):
    name, data, message = BAD_FILES[case]
    client = signed_in(room.trainer)
    files = [
        # A good picture first: all or nothing, it must not be kept either.
        upload("tot.png", image_bytes(RED, (640, 360)), "image/png"),
        upload(name, data),
    ]
    response = client.post(slides_url(room.session), {"files": files}, follow=True)
    assert response.status_code == 200
    assert page_messages(response) == [message]
    assert not Slide.objects.filter(session=room.session).exists()
    assert slide_files(media_root) == []
    assert not RoomEvent.objects.filter(session=room.session).exists()


def test_a_request_declared_over_the_size_limit_is_refused_with_the_limit(
    room, media_root, settings
):
    settings.LIVE_SLIDES_MAX_BYTES = 20_000
    data = noise_png()  # about 270 kB
    assert len(data) > 20_000
    client = signed_in(room.trainer)
    response = client.post(
        slides_url(room.session),
        {"files": [upload("to.png", data, "image/png")]},
        follow=True,
    )
    # Declared too large: refused before the body is read.
    assert response.status_code == 413
    assert (
        "The file is too large: the limit is 19.5\xa0KB." in response.content.decode()
    )
    assert not Slide.objects.filter(session=room.session).exists()
    assert slide_files(media_root) == []


def test_a_file_cut_off_at_the_limit_while_streaming_is_refused(
    room, media_root, settings
):
    """The declared length is within the framing allowance, so the body is
    read and stopped at the limit."""
    settings.LIVE_SLIDES_MAX_BYTES = 10_000
    data = noise_png(size=(90, 90))  # about 24 kB: under limit + framing
    assert 10_000 < len(data) < 60_000
    client = signed_in(room.trainer)
    response = client.post(
        slides_url(room.session),
        {"files": [upload("vua.png", data, "image/png")]},
        follow=True,
    )
    assert response.status_code == 200
    shown = page_messages(response)
    assert len(shown) == 1 and shown[0].startswith(
        "The file is too large: the limit is"
    ), shown
    assert not Slide.objects.filter(session=room.session).exists()
    assert slide_files(media_root) == []


def test_more_pages_than_allowed_are_refused(room, media_root, settings, tmp_path):
    settings.LIVE_SLIDES_MAX_PAGES = 2
    client = signed_in(room.trainer)
    response = client.post(
        slides_url(room.session),
        {"files": [upload("dai.pdf", pdf_bytes(tmp_path, [RED, GREEN, BLUE]))]},
        follow=True,
    )
    assert page_messages(response) == ["At most 2 slides per class."]
    assert not Slide.objects.filter(session=room.session).exists()
    assert slide_files(media_root) == []


def test_slides_beyond_the_limit_with_those_already_there_leave_no_files(
    room, media_root, settings
):
    settings.LIVE_SLIDES_MAX_PAGES = 2
    services.slides_add(
        actor=room.trainer,
        session=room.session,
        uploads=[
            upload("1.png", image_bytes(RED, (320, 180))),
            upload("2.png", image_bytes(GREEN, (320, 180))),
        ],
    )
    kept = slide_files(media_root)
    assert len(kept) == 2
    client = signed_in(room.trainer)
    response = client.post(
        slides_url(room.session),
        {"files": [upload("3.png", image_bytes(BLUE, (320, 180)), "image/png")]},
        follow=True,
    )
    assert page_messages(response) == ["At most 2 slides per class."]
    assert Slide.objects.filter(session=room.session).count() == 2
    assert slide_files(media_root) == kept


def test_learners_may_not_upload_slides(room, media_root):
    client = signed_in(room.learner)
    response = client.post(
        slides_url(room.session),
        {"files": [upload("a.png", image_bytes(RED, (320, 180)), "image/png")]},
    )
    assert response.status_code == 403
    assert not Slide.objects.exists()
    assert slide_files(media_root) == []


def test_a_refused_edit_does_not_show_unsaved_details_as_the_class(room):
    client = signed_in(room.trainer)
    start = room.session.starts_at
    response = client.post(
        manage_url(room.session),
        schedule_data(
            title="Tên chưa lưu",
            starts_at=local_input(start),
            ends_at=local_input(start - timedelta(hours=1)),
        ),
    )
    assert response.status_code == 200
    room.session.refresh_from_db()
    assert room.session.title == "Lớp trực tiếp: chào hỏi"
    html = response.content.decode()
    # The heading names the class as saved; the form keeps what was typed.
    assert "<h1>Lớp trực tiếp: chào hỏi</h1>" in html
    assert 'value="Tên chưa lưu"' in html
