"""Cost of the media pipeline's 360p rendition against plain ffmpeg.

Generates a one-minute 720p test clip (ffmpeg's ``testsrc2`` pattern with a
sine tone, H.264/AAC), then makes its 360p rendition alternately through
``content_authoring.media.processing.transcode_video`` (probe, ``-progress``
parsing, the progress callback) and through the plain ffmpeg command with the
same arguments, in the same run, and compares the medians.

    .venv/bin/python bench/transcode.py [--repeat 3] [--seconds 60]

Prints a table and one ``RESULT`` line. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")

from content_authoring.media import processing  # noqa: E402


def make_clip(path: Path, seconds: int) -> None:
    subprocess.run(
        [
            processing.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-shortest",
            str(path),
        ],
        check=True,
    )  # fmt: skip


def plain_command(source: Path, output: Path) -> list[str]:
    """The 360p rendition's own ffmpeg arguments, run bare."""
    info = processing.probe(source)
    assert info.width and info.height
    args = processing.RENDITION_360P.ffmpeg_args(
        width=info.width, height=info.height, has_audio=info.has_audio
    )
    return [
        processing.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin",
        "-y", "-i", str(source), *args, str(output),
    ]  # fmt: skip


def run_pipeline(source: Path, output: Path) -> tuple[float, int]:
    updates = []
    started = time.perf_counter()
    processing.transcode_video(
        source, [(processing.RENDITION_360P, output)], on_progress=updates.append
    )
    return time.perf_counter() - started, len(updates)


def run_plain(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=60)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-transcode-") as folder:
        work = Path(folder)
        source = work / "clip-720p.mp4"
        started = time.perf_counter()
        make_clip(source, options.seconds)
        made = time.perf_counter() - started
        info = processing.probe(source)
        print(
            f"clip: {info.width}x{info.height}, {info.duration:.1f} s, "
            f"{source.stat().st_size / 1e6:.1f} MB (made in {made:.1f} s)"
        )
        command = plain_command(source, work / "plain-360p.mp4")
        print("plain: " + " ".join(command[1:]))

        pipeline_times, plain_times, updates = [], [], 0
        for _ in range(options.repeat):
            # Alternate, so that a machine slowing down hurts both alike.
            seconds, updates = run_pipeline(source, work / "pipeline-360p.mp4")
            pipeline_times.append(seconds)
            plain_times.append(run_plain(command))

        out = processing.probe(work / "pipeline-360p.mp4")
        plain_out = processing.probe(work / "plain-360p.mp4")
        assert (out.width, out.height) == (plain_out.width, plain_out.height)
        pipeline_size = (work / "pipeline-360p.mp4").stat().st_size
        plain_size = (work / "plain-360p.mp4").stat().st_size

    header = f"{'run':<10}{'median s':>10}{'min s':>8}{'max s':>8}{'out MB':>8}"
    print(header)
    print("-" * len(header))
    for name, times, size in (
        ("pipeline", pipeline_times, pipeline_size),
        ("ffmpeg", plain_times, plain_size),
    ):
        print(
            f"{name:<10}{statistics.median(times):>10.2f}{min(times):>8.2f}"
            f"{max(times):>8.2f}{size / 1e6:>8.2f}"
        )
    print(
        f"output {out.width}x{out.height} {out.video_codec}/{out.audio_codec}, "
        f"{updates} progress updates per run"
    )
    pipeline_s = statistics.median(pipeline_times)
    ffmpeg_s = statistics.median(plain_times)
    print(
        f"RESULT pipeline_s={pipeline_s:.2f} ffmpeg_s={ffmpeg_s:.2f} "
        f"ratio={pipeline_s / ffmpeg_s:.3f}"
    )


if __name__ == "__main__":
    main()
