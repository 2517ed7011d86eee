"""The class's recording, the replay video composed from it and the slides, and
the replay page's timeline."""

from __future__ import annotations

import io
import subprocess
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import imageio_ffmpeg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from content_authoring.media import processing
from live_classes import services
from live_classes.models import LiveSession, Poll, RoomEvent
from lms.models import Role
from tests.factories import make_user

RED, GREEN, BLUE = (220, 30, 30), (30, 200, 40), (30, 40, 220)
AUDIO_SECONDS = 6
# What the recording may weigh: 854×480 at 1 frame a second and 48 kb/s audio.
REPLAY_BYTE_BUDGET = 400_000


def ffmpeg(*args: str, stdout=None) -> None:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        + list(args),
        check=True,
        stdout=stdout,
    )


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> dict[str, Path]:
    """A 6-second tone as WebM/Opus (seekable, with its duration written), as
    Chromium's MediaRecorder writes it (a stream: no duration in the header),
    and as M4A/AAC (Safari's MediaRecorder, phones' recorders)."""
    folder = tmp_path_factory.mktemp("recordings")
    tone = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={AUDIO_SECONDS}"]
    webm = folder / "lop-hoc.webm"
    ffmpeg(*tone, "-c:a", "libopus", "-b:a", "32k", str(webm))
    streamed = folder / "mediarecorder.webm"
    with streamed.open("wb") as out:
        ffmpeg(
            *tone, "-c:a", "libopus", "-b:a", "32k", "-f", "webm", "pipe:1", stdout=out
        )
    m4a = folder / "lop-hoc.m4a"
    ffmpeg(*tone, "-c:a", "aac", "-b:a", "48k", str(m4a))
    return {"webm": webm, "mediarecorder_webm": streamed, "m4a": m4a}


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def files_under(folder: Path) -> list[Path]:
    return (
        sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    )


def signed_in(user) -> Client:
    user.preferred_language = "en"  # the expected words are the English ones
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    return client


def image_upload(name: str, color, size=(1280, 720)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def add_three_slides(room) -> None:
    services.slides_add(
        actor=room.trainer,
        session=room.session,
        uploads=[
            image_upload("1.png", RED),
            image_upload("2.png", GREEN),
            image_upload("3.png", BLUE),
        ],
    )


def show(room, slide: int, at: datetime) -> RoomEvent:
    """The trainer shows ``slide``; the event is then dated ``at``."""
    done = services.slide_goto(
        user=room.trainer,
        session_id=room.session.pk,
        client_id=str(uuid.uuid4()),
        slide=slide,
    )
    RoomEvent.objects.filter(session=room.session, seq=done.seq).update(created_at=at)
    return RoomEvent.objects.get(session=room.session, seq=done.seq)


def iso_like_javascript(moment: datetime) -> str:
    """``new Date().toISOString()``: UTC, milliseconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def audio_url(session) -> str:
    return reverse("live_classes:audio_upload", kwargs={"session_id": session.pk})


def frame_colours(video: Path) -> list[tuple[int, int, int]]:
    """The colour at the centre of every frame of ``video``."""
    result = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            str(video),
            "-vf",
            "scale=16:16",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "pipe:1",
        ],
        capture_output=True,
        check=True,
    )
    size = 16 * 16 * 3
    frames = [result.stdout[i : i + size] for i in range(0, len(result.stdout), size)]
    centre = (8 * 16 + 8) * 3
    return [tuple(f[centre : centre + 3]) for f in frames]


def nearest(colour) -> str:
    named = {"red": RED, "green": GREEN, "blue": BLUE}
    return min(
        named,
        key=lambda n: sum((a - b) ** 2 for a, b in zip(colour, named[n], strict=True)),
    )


# --- which slide was on screen when ---------------------------------------------


@pytest.fixture
def shown(room, media_root):
    """Three slides in a live room whose trainer is present; returns the
    moment the recording began."""
    add_three_slides(room)
    services.room_join(user=room.trainer, session_id=room.session.pk, last_seq=None)
    return timezone.now().replace(microsecond=0) - timedelta(minutes=2)


def starts(room, t0, duration=AUDIO_SECONDS):
    return services.replay_slide_starts(
        session=room.session, audio_started_at=t0, duration=duration
    )


def test_no_change_means_the_first_slide_throughout(room, shown):
    assert starts(room, shown) == [(0, 0.0)]


def test_the_slide_on_screen_when_recording_began_comes_first(room, shown):
    t0 = shown
    show(room, 2, t0 - timedelta(seconds=30))
    show(room, 1, t0 - timedelta(seconds=5))
    show(room, 2, t0 + timedelta(seconds=3))
    assert starts(room, t0) == [(1, 0.0), (2, 3.0)]


def test_changes_less_than_a_second_apart_are_merged_the_last_wins(room, shown):
    t0 = shown
    show(room, 1, t0 + timedelta(seconds=2))
    show(room, 2, t0 + timedelta(seconds=2.4))
    show(room, 0, t0 + timedelta(seconds=4))
    assert starts(room, t0) == [(0, 0.0), (2, 2.0), (0, 4.0)]


def test_changes_after_the_recording_ended_are_dropped(room, shown):
    t0 = shown
    show(room, 1, t0 + timedelta(seconds=2))
    show(room, 2, t0 + timedelta(seconds=AUDIO_SECONDS))
    show(room, 0, t0 + timedelta(seconds=AUDIO_SECONDS + 30))
    assert starts(room, t0) == [(0, 0.0), (1, 2.0)]


def test_starts_always_suit_the_composer(room, shown):
    """Strictly increasing, first at 0, all before the end: what
    ``processing.validate_timings`` demands."""
    t0 = shown
    for second, slide in [(0.2, 1), (0.9, 2), (1.5, 0), (2.0, 1), (2.2, 2), (5.99, 0)]:
        show(room, slide, t0 + timedelta(seconds=second))
    result = starts(room, t0)
    processing.validate_timings(
        [s for _i, s in result], slides=len(result), audio_duration=AUDIO_SECONDS
    )
    assert result[0][1] == 0.0


# --- uploading the recording and composing the replay ---------------------------


@pytest.mark.parametrize("kind", ["webm", "mediarecorder_webm", "m4a"])
def test_recording_becomes_a_small_replay_of_the_slides_as_shown(
    room, shown, recordings, kind, django_capture_on_commit_callbacks
):
    t0 = shown
    show(room, 1, t0 - timedelta(seconds=5))  # on screen when recording began
    show(room, 2, t0 + timedelta(seconds=2))
    show(room, 0, t0 + timedelta(seconds=4))
    show(room, 1, t0 + timedelta(seconds=10))  # after the recording ended
    expected = [(1, 0.0), (2, 2.0), (0, 4.0)]

    source = recordings[kind]
    client = signed_in(room.trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            audio_url(room.session),
            {
                "audio": SimpleUploadedFile(
                    source.name, source.read_bytes(), "audio/webm"
                ),
                "started_at": iso_like_javascript(t0),
            },
            headers={"accept": "application/json"},
        )
    assert response.status_code == 200, response.content.decode()
    assert response.json() == {
        "ok": True,
        "replay_url": reverse(
            "live_classes:replay", kwargs={"session_id": room.session.pk}
        ),
    }
    session = LiveSession.objects.get(pk=room.session.pk)
    assert session.replay_audio_started_at == t0
    assert session.replay_status == "ready", session.replay_error
    assert session.replay_error == ""
    assert starts(room, t0) == expected

    video = Path(session.replay_video.path)
    assert video.is_file()
    info = processing.probe(video)
    print(
        f"\nreplay from {kind}: {video.stat().st_size} bytes, "
        f"{info.duration:.2f} s, {info.width}x{info.height}, "
        f"{info.video_codec}+{info.audio_codec}"
    )
    assert abs(info.duration - AUDIO_SECONDS) <= 0.5
    assert (info.width, info.height) == (854, 480)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert video.stat().st_size < REPLAY_BYTE_BUDGET
    # One frame a second: green (slide 2) for 0–2 s, blue (3) for 2–4 s, red (1) after.
    colours = [nearest(c) for c in frame_colours(video)]
    assert colours == ["green", "green", "blue", "blue", "red", "red"], colours


def test_upload_from_the_manage_page_redirects_with_a_message(
    room, shown, recordings, django_capture_on_commit_callbacks
):
    client = signed_in(room.trainer)
    source = recordings["m4a"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            audio_url(room.session),
            {"audio": SimpleUploadedFile(source.name, source.read_bytes())},
            follow=True,
        )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Recording saved; the replay video is being made."
    ]
    session = LiveSession.objects.get(pk=room.session.pk)
    # Without started_at the recording is taken to start with the class.
    assert session.replay_audio_started_at == session.started_at
    assert session.replay_status == "ready", session.replay_error


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), RED).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,data", [("anh.webm", png_bytes()), ("trong.webm", b"")], ids=["png", "empty"]
)
def test_a_file_that_is_not_audio_is_refused_and_nothing_is_kept(
    room, shown, media_root, name, data, django_capture_on_commit_callbacks
):
    client = signed_in(room.trainer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            audio_url(room.session),
            {"audio": SimpleUploadedFile(name, data, "audio/webm")},
            headers={"accept": "application/json"},
        )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error in (
        "This file is not a recording we can read.",
        "Choose a recording to upload.",
    ), error
    assert callbacks == []
    session = LiveSession.objects.get(pk=room.session.pk)
    assert not session.replay_audio
    assert session.replay_status == ""
    assert files_under(media_root / "live" / "audio") == []
    assert files_under(media_root / "live" / "replay") == []


def test_learners_may_not_upload_a_recording(room, shown, recordings, media_root):
    client = signed_in(room.learner)
    source = recordings["m4a"]
    response = client.post(
        audio_url(room.session),
        {"audio": SimpleUploadedFile(source.name, source.read_bytes())},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 403
    assert not LiveSession.objects.get(pk=room.session.pk).replay_audio
    assert files_under(media_root / "live" / "audio") == []


# --- the replay page ------------------------------------------------------------

EDE = "Ơ năng, kâo hriăm \u00ea\u0306"  # ê with a combining breve: no precomposed form


def test_replay_page_shows_chat_polls_and_slides_on_a_timeline(room, media_root):
    assert unicodedata.is_normalized("NFC", EDE) and "\u0306" in EDE
    session_id = room.session.pk
    services.slides_add(
        actor=room.trainer,
        session=room.session,
        uploads=[image_upload("1.png", RED), image_upload("2.png", GREEN)],
    )
    services.room_join(user=room.trainer, session_id=session_id, last_seq=None)
    services.room_join(user=room.learner, session_id=session_id, last_seq=None)
    services.slide_goto(
        user=room.trainer, session_id=session_id, client_id=uuid.uuid4(), slide=1
    )
    services.chat_send(
        user=room.learner, session_id=session_id, client_id=uuid.uuid4(), text=EDE
    )
    services.poll_open(
        user=room.trainer,
        session_id=session_id,
        client_id=uuid.uuid4(),
        kind="poll",
        question="Hôm nay học bài nào?",
        options=["Chào hỏi", "Đếm số"],
    )
    poll = Poll.objects.get(session_id=session_id)
    services.poll_answer(
        user=room.learner,
        session_id=session_id,
        client_id=uuid.uuid4(),
        poll_id=poll.pk,
        option=1,
    )
    services.poll_close(
        user=room.trainer,
        session_id=session_id,
        client_id=uuid.uuid4(),
        poll_id=poll.pk,
    )
    services.live_session_end(
        actor=room.trainer, session_id=session_id, client_id=uuid.uuid4()
    )

    response = signed_in(room.other).get(
        reverse("live_classes:replay", kwargs={"session_id": session_id})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert EDE in html  # exactly, combining mark and all
    assert "Y Siu Êban" in html
    assert "Slide 2" in html
    slide = room.session.slides.get(position=1)
    assert slide.image.url in html
    assert "Question" in html and "Hôm nay học bài nào?" in html
    assert "Results" in html
    assert "Chào hỏi — 0" in html and "Đếm số — 1" in html
    assert "The class ended." in html
    timeline = response.context["timeline"]
    assert [i.type for i in timeline] == [
        "slide.changed",
        "chat.message",
        "poll.opened",
        "poll.closed",
        "session.ended",
    ]
    assert timeline[1].text == EDE


def test_learners_not_enrolled_may_not_see_the_replay(room, client):
    url = reverse("live_classes:replay", kwargs={"session_id": room.session.pk})
    stranger = make_user(Role.LEARNER)
    assert signed_in(stranger).get(url).status_code == 403
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert signed_in(room.trainer).get(url).status_code == 200


def test_the_recording_upload_needs_the_csrf_token(
    room, shown, recordings, media_root, django_capture_on_commit_callbacks
):
    room.trainer.preferred_language = "en"
    room.trainer.save(update_fields=["preferred_language"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(room.trainer)
    source = recordings["m4a"]

    def send(**headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                audio_url(room.session),
                {"audio": SimpleUploadedFile(source.name, source.read_bytes())},
                headers={"accept": "application/json", **headers},
            )

    assert send().status_code == 403
    assert not LiveSession.objects.get(pk=room.session.pk).replay_audio
    # A page with a form gives the token (cookie), as the browser would use it.
    manage = reverse("live_classes:manage", kwargs={"session_id": room.session.pk})
    assert client.get(manage).status_code == 200
    token = client.cookies["csrftoken"].value
    response = send(x_csrftoken=token)
    assert response.status_code == 200, response.content.decode()
    assert LiveSession.objects.get(pk=room.session.pk).replay_status == "ready"


def test_a_recording_over_the_size_limit_is_refused_as_json(
    room, shown, recordings, media_root, settings
):
    settings.LIVE_AUDIO_MAX_BYTES = 4_000
    source = recordings["m4a"]
    assert source.stat().st_size > 4_000
    response = signed_in(room.trainer).post(
        audio_url(room.session),
        {"audio": SimpleUploadedFile(source.name, source.read_bytes())},
        headers={"accept": "application/json"},
    )
    assert response.status_code in (400, 413)
    assert response.json()["error"].startswith("The file is too large: the limit is")
    assert not LiveSession.objects.get(pk=room.session.pk).replay_audio
    assert files_under(media_root / "live" / "audio") == []


def test_learners_outside_the_classs_cohort_may_not_see_its_replay(room):
    from tests.factories import make_cohort

    cohort = make_cohort(room.learner, name="Lớp Cư M'gar")
    LiveSession.objects.filter(pk=room.session.pk).update(cohort=cohort)
    url = reverse("live_classes:replay", kwargs={"session_id": room.session.pk})
    assert signed_in(room.learner).get(url).status_code == 200
    assert signed_in(room.other).get(url).status_code == 403
