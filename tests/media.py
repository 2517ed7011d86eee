"""Real media for tests, made by the ffmpeg binary the project ships with."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import imageio_ffmpeg


def tone(
    seconds: float = 0.3, *args: str, frequency: int = 440, name: str = "tone.wav"
) -> bytes:
    """A sine tone of ``seconds``, encoded as ``name``'s extension says (and
    ``args``, ffmpeg output options, ask)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / name
        subprocess.run(  # noqa: S603 - our binary, fixed arguments
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={frequency}:duration={seconds}",
                *args,
                str(out),
            ],
            check=True,
        )
        return out.read_bytes()
