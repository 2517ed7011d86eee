"""Pronunciations: real recordings made by ffmpeg (a tone), transcoded to a
small mono AAC file; garbage, oversize and too long files refused; removal;
the entry page plays the recording or says there is none; who may record."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from content_authoring.media import processing
from dictionary import services
from dictionary.models import Entry
from dictionary.services import EntryData, SenseData
from lms.models import Role, User
from tests import factories
from tests.media import tone

pytestmark = pytest.mark.django_db


def _browser_like_webm(seconds: float) -> bytes:
    """Opus in WebM written to a pipe, like MediaRecorder's: no duration in
    the header."""
    result = subprocess.run(  # noqa: S603 - our binary, fixed arguments
        [
            processing.ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:a",
            "libopus",
            "-b:a",
            "24k",
            "-f",
            "webm",
            "pipe:1",
        ],
        check=True,
        capture_output=True,
    )
    return result.stdout


def _editor(role: str = Role.TRAINER) -> User:
    user = factories.make_user(role, preferred_language="en")
    user.user_permissions.add(
        Permission.objects.get(
            codename="change_entry", content_type__app_label="dictionary"
        )
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def editor(db) -> User:
    return _editor()


@pytest.fixture
def entry(editor) -> Entry:
    return services.entry_save(
        actor=None,
        data=EntryData(language="rad", headword="êa", senses=[SenseData("nước")]),
    ).entry


def _post(client, entry, data: bytes, name: str, json: bool = False):
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        reverse("dictionary:entry_pronunciation", args=[entry.pk]),
        {"audio": SimpleUploadedFile(name, data)},
        headers=headers,
    )


def test_an_uploaded_recording_becomes_small_mono_aac(client, editor, entry, tmp_path):
    client.force_login(editor)
    wav = tone(2, "-ac", "2", "-ar", "44100", name="tone.wav")
    response = _post(client, entry, wav, "tone.wav")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.pronunciation.name.endswith(".m4a")
    info = processing.probe(entry.pronunciation.path)
    assert info.audio_codec == "aac" and not info.has_video
    assert 1.8 < info.duration < 2.3
    probe = subprocess.run(  # noqa: S603
        [processing.ffmpeg_exe(), "-hide_banner", "-i", entry.pronunciation.path],
        capture_output=True,
        text=True,
    ).stderr
    assert "mono" in probe
    # ~32 kbit/s: two seconds fit in well under 16 kB.
    assert Path(entry.pronunciation.path).stat().st_size < 16_000
    revision = entry.revisions.order_by("-pk").first()
    assert revision.note == "Pronunciation recorded" and revision.author == editor

    page = client.get(reverse("dictionary:entry", args=[entry.pk])).content.decode()
    assert f'<audio controls preload="none" src="{entry.pronunciation.url}"' in page
    assert "No recording of this word yet." not in page


def test_a_browser_recording_is_saved_through_json(client, editor, entry):
    client.force_login(editor)
    response = _post(client, entry, _browser_like_webm(1.5), "recording.webm", True)
    assert response.status_code == 200
    entry.refresh_from_db()
    assert response.json() == {"url": entry.pronunciation.url}
    assert 1.3 < processing.probe(entry.pronunciation.path).duration < 1.8


def test_a_new_recording_replaces_the_old_file(
    client, editor, entry, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, entry, tone(1, name="a.mp3"), "a.mp3")
    entry.refresh_from_db()
    first = Path(entry.pronunciation.path)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, entry, tone(1.5, "-c:a", "libvorbis", name="b.ogg"), "b.ogg")
    entry.refresh_from_db()
    assert Path(entry.pronunciation.path) != first and not first.exists()


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda tmp: b"this is not audio at all " * 100, "not a sound recording"),
        (lambda tmp: b"", "The submitted file is empty."),
        (
            # A real recording, but 25 s of stereo WAV is about 4.4 MB.
            lambda tmp: tone(25, "-ac", "2", "-ar", "44100", name="long.wav"),
            "The recording is larger than 2 MB.",
        ),
        (
            lambda tmp: tone(31, "-b:a", "32k", name="long.mp3"),
            "The recording is longer than 30 seconds.",
        ),
        (
            # No duration in the header: the encoded file's length decides.
            lambda tmp: _browser_like_webm(31),
            "The recording is longer than 30 seconds.",
        ),
        (
            lambda tmp: _video_without_sound(tmp),
            "This file has no sound.",
        ),
    ],
)
def test_bad_recordings_are_refused_and_nothing_changes(
    client, editor, entry, tmp_path, make, error
):
    client.force_login(editor)
    data = make(tmp_path)
    response = _post(client, entry, data, "upload.bin", json=True)
    assert response.status_code == 400
    assert error in response.json()["error"]
    page = _post(client, entry, data, "upload.bin")
    assert page.status_code == 400 and error in page.content.decode()
    entry.refresh_from_db()
    assert not entry.pronunciation
    assert entry.revisions.count() == 1


def _video_without_sound(tmp: Path) -> bytes:
    out = tmp / "silent.mp4"
    subprocess.run(  # noqa: S603
        [
            processing.ffmpeg_exe(),
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=64x64:duration=1",
            "-pix_fmt",
            "yuv420p",
            str(out),
        ],
        check=True,
    )
    return out.read_bytes()


def test_a_recording_is_removed(
    client, editor, entry, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    _post(client, entry, tone(1, name="a.wav"), "a.wav")
    entry.refresh_from_db()
    path = Path(entry.pronunciation.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dictionary:entry_pronunciation_remove", args=[entry.pk])
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.pronunciation and not path.exists()
    assert entry.revisions.order_by("-pk").first().note == "Pronunciation removed"
    page = client.get(reverse("dictionary:entry", args=[entry.pk])).content.decode()
    assert "No recording of this word yet." in page and "<audio" not in page


def test_the_recording_page_has_the_recorder(client, editor, entry):
    client.force_login(editor)
    page = client.get(reverse("dictionary:entry_pronunciation", args=[entry.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="recorder"' in text and "/static/dictionary/record." in text
    assert 'data-action="record"' in text and 'data-action="save"' in text
    assert "csrfmiddlewaretoken" in text


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("anonymous", 302), ("learner", 403), ("trainer", 403), ("admin", 302)],
)
def test_only_editors_record(client, entry, tmp_path, kind, expected):
    if kind != "anonymous":
        role = {"learner": Role.LEARNER, "trainer": Role.TRAINER}.get(kind, Role.ADMIN)
        client.force_login(factories.make_user(role, preferred_language="en"))
    wav = tone(1, name="a.wav")
    response = _post(client, entry, wav, "a.wav")
    assert response.status_code == expected
    if kind == "anonymous":
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    entry.refresh_from_db()
    assert bool(entry.pronunciation) == (kind == "admin")
    remove = client.post(
        reverse("dictionary:entry_pronunciation_remove", args=[entry.pk])
    )
    assert remove.status_code == expected
    entry.refresh_from_db()
    assert not entry.pronunciation
    if kind in ("learner", "trainer"):
        with pytest.raises(services.PermissionDenied):
            services.entry_pronunciation_set(
                actor=User.objects.get(pk=client.session["_auth_user_id"]),
                entry=entry,
                data=wav,
            )
