"""Real media for the media tests: short clips made with the imageio-ffmpeg binary."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
from django.test import Client

from tests import factories


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        + list(args),
        check=True,
    )


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, Path]:
    """A 3-second 640×480 clip with sound (index at the end, as phones write
    them), a tiny 320×180 clip, a narration, a truncated clip, a text file."""
    folder = tmp_path_factory.mktemp("clips")
    video = folder / "clip.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=25:duration=3",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest",
        str(video),
    )  # fmt: skip
    tiny = folder / "tiny.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=330:duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest",
        str(tiny),
    )  # fmt: skip
    narration = folder / "narration.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:duration=4", str(narration))
    truncated = folder / "truncated.mp4"
    truncated.write_bytes(video.read_bytes()[: video.stat().st_size // 2])
    faststart = folder / "faststart.mp4"
    ffmpeg("-i", str(video), "-c", "copy", "-movflags", "+faststart", str(faststart))
    cut_after_index = folder / "cut-after-index.mp4"
    data = faststart.read_bytes()
    cut_after_index.write_bytes(data[: len(data) // 2])
    text = folder / "notes.mp4"
    text.write_text("Đây là một tệp văn bản, không phải video.\n", encoding="utf-8")
    return {
        "video": video,
        "tiny": tiny,
        "narration": narration,
        "truncated": truncated,
        "cut_after_index": cut_after_index,
        "text": text,
    }


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    """Every file under ``root``, the processing scratch space included."""
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def media_course(db, trainer):
    return factories.make_course(lessons=1, with_question=False, trainers=(trainer,))


@pytest.fixture
def client_for(db):
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
