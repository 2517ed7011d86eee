"""Media processing with no Django models: ffmpeg for transcodes, moviepy to compose.

A plain transcode runs the ffmpeg binary that ``imageio-ffmpeg`` ships, in one
process, reading ``-progress pipe:1`` to report how far it got: frames never
pass through Python. moviepy only composes what ffmpeg cannot take as it is
(narrated slides). Every function writes exactly the output path it is given;
callers give temporary names and move the files into place on success.
"""

from __future__ import annotations

import math
import re
import subprocess
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

Progress = Callable[[float], None]


class MediaError(Exception):
    """The input cannot be made into what was asked.

    ``code`` names the reason (the page shows a translated message for it);
    ``detail`` is the technical reason (ffmpeg's last lines), for the logs.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


# Only container formats that hold media are opened: a playlist (HLS, concat)
# named ".mp4" could otherwise make ffmpeg read other files of the server.
_INPUT_FORMATS = (
    "mov,mp4,m4a,3gp,matroska,webm,avi,mp3,aac,wav,ogg,flac,amr,mpeg,mpegts,flv,asf"
)


def _input(path: Path | str) -> list[str]:
    return ["-format_whitelist", _INPUT_FORMATS, "-i", str(path)]


# --- probing -------------------------------------------------------------------


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    width: int | None
    height: int | None
    video_codec: str | None
    audio_codec: str | None

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None


_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)")
# Cover art in audio files shows as a video stream: not a video.
_ATTACHED_PIC = "(attached pic)"


def probe(path: Path | str) -> MediaInfo:
    """Duration, picture size and codecs of a media file, read by ``ffmpeg -i``.

    Raises ``MediaError("unreadable")`` for a file ffmpeg cannot open as media
    (a text file, a truncated MP4 without its index).
    """
    try:
        result = subprocess.run(  # noqa: S603 - our binary, argument list, no shell
            [ffmpeg_exe(), "-hide_banner", "-nostdin", *_input(path)],
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
            timeout=PROBE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise MediaError("unreadable", "ffmpeg -i did not answer in time") from exc
    out = result.stderr
    duration = _DURATION.search(out)
    video = next(
        (m for m in _VIDEO.finditer(out) if _ATTACHED_PIC not in _line_of(out, m)),
        None,
    )
    audio = _AUDIO.search(out)
    if "Invalid data found" in out or (video is None and audio is None):
        raise MediaError("unreadable", _tail(out))
    seconds = 0.0
    if duration:
        hours, minutes, secs = duration.groups()
        seconds = int(hours) * 3600 + int(minutes) * 60 + float(secs)
    return MediaInfo(
        duration=seconds,
        width=int(video.group(2)) if video else None,
        height=int(video.group(3)) if video else None,
        video_codec=video.group(1) if video else None,
        audio_codec=audio.group(1) if audio else None,
    )


def _line_of(text: str, match: re.Match) -> str:
    end = text.find("\n", match.end())
    return text[match.start() : end if end >= 0 else len(text)]


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# --- running ffmpeg with progress --------------------------------------------------


# Reading a file's header takes well under a second; a stuck read is a bad file.
PROBE_TIMEOUT_S = 60


def time_limit(duration: float) -> float:
    """How long one ffmpeg run may take before it is stopped: generous (ten
    times the media's length, at least ten minutes), but a hung ffmpeg must
    not hold a worker for ever."""
    return max(600.0, duration * 10)


def run_ffmpeg(
    args: Sequence[str],
    *,
    duration: float,
    on_progress: Progress | None = None,
    error_code: str = "transcode_failed",
    limit_s: float | None = None,
) -> None:
    """Run ffmpeg with ``args`` (inputs and outputs), reporting 0..1 as it goes.

    ``-xerror`` makes ffmpeg stop at the first damaged packet instead of
    quietly writing a shorter file from a truncated upload. A run longer than
    ``limit_s`` (default :func:`time_limit`) is killed and fails with
    ``MediaError("too_slow")``.
    """
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "error",
        "-xerror",
        "-progress",
        "pipe:1",
        *args,
    ]
    process = subprocess.Popen(  # noqa: S603 - our binary, argument list, no shell
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    assert process.stdout is not None and process.stderr is not None
    total_us = max(duration, 0.001) * 1_000_000
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        process.kill()

    timer = threading.Timer(time_limit(duration) if limit_s is None else limit_s, kill)
    timer.daemon = True
    timer.start()
    try:
        # stderr is read after stdout ends; with -loglevel error it stays far
        # below a pipe's buffer, so ffmpeg never blocks on it.
        for line in process.stdout:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and on_progress is not None and value.isdigit():
                on_progress(min(int(value) / total_us, 1.0))
        errors = process.stderr.read()
        returncode = process.wait()
    finally:
        timer.cancel()
    if killed.is_set():
        raise MediaError("too_slow", "ffmpeg stopped after its time limit")
    if returncode != 0:
        raise MediaError(error_code, _tail(errors))
    if on_progress is not None:
        on_progress(1.0)


# --- renditions ---------------------------------------------------------------------


@dataclass(frozen=True)
class VideoRendition:
    """One low-bitrate MP4: H.264 + AAC, its index first (plays while downloading)."""

    name: str
    height: int
    video_kbps: int
    audio_kbps: int
    max_fps: int = 25
    audio_channels: int = 1

    def target_size(self, width: int, height: int) -> tuple[int, int]:
        """The output size for a ``width``×``height`` source: never upscaled, even."""
        h = min(self.height, height)
        h -= h % 2
        w = round(width * h / height)
        w -= w % 2
        return max(w, 2), max(h, 2)

    def ffmpeg_args(self, *, width: int, height: int, has_audio: bool) -> list[str]:
        w, h = self.target_size(width, height)
        args = [
            "-map",
            "0:v:0",
            "-vf",
            f"scale={w}:{h}:flags=bicubic,fps=fps='min(source_fps,{self.max_fps})'",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-profile:v",
            "main",
            "-pix_fmt",
            "yuv420p",
            # Capped constant quality: still scenes cost less than the cap.
            "-crf",
            "26",
            "-maxrate",
            f"{self.video_kbps}k",
            "-bufsize",
            f"{self.video_kbps * 2}k",
            "-g",
            str(self.max_fps * 4),
        ]
        if has_audio:
            args += [
                "-map",
                "0:a:0",
                "-c:a",
                "aac",
                "-b:a",
                f"{self.audio_kbps}k",
                "-ac",
                str(self.audio_channels),
            ]
        return [*args, "-movflags", "+faststart", "-f", "mp4"]


RENDITION_360P = VideoRendition("360p", height=360, video_kbps=450, audio_kbps=64)
RENDITION_240P = VideoRendition(
    "240p", height=240, video_kbps=200, audio_kbps=32, max_fps=15
)
VIDEO_RENDITIONS = (RENDITION_360P, RENDITION_240P)


def transcode_video(
    source: Path,
    outputs: Sequence[tuple[VideoRendition, Path]],
    *,
    info: MediaInfo | None = None,
    on_progress: Progress | None = None,
) -> MediaInfo:
    """Make each rendition of ``source`` in one ffmpeg run (one decode).

    Returns the source's ``MediaInfo``; raises ``MediaError``.
    """
    info = info or probe(source)
    if not info.has_video or not info.width or not info.height:
        raise MediaError("no_video")
    args = ["-y", *_input(source)]
    for rendition, path in outputs:
        args += rendition.ffmpeg_args(
            width=info.width, height=info.height, has_audio=info.has_audio
        )
        args.append(str(path))
    run_ffmpeg(args, duration=info.duration, on_progress=on_progress)
    return info


def transcode_audio(
    source: Path,
    output: Path,
    *,
    kbps: int = 48,
    info: MediaInfo | None = None,
    on_progress: Progress | None = None,
) -> MediaInfo:
    """A small mono AAC file (``.m4a``, index first): plays on every phone."""
    info = info or probe(source)
    if not info.has_audio:
        raise MediaError("no_audio")
    args = ["-y", *_input(source), "-map", "0:a:0", "-vn", "-c:a", "aac"]
    args += ["-b:a", f"{kbps}k", "-ac", "1", "-movflags", "+faststart", "-f", "mp4"]
    run_ffmpeg([*args, str(output)], duration=info.duration, on_progress=on_progress)
    return info


def make_poster(
    source: Path, output: Path, *, info: MediaInfo, height: int = 360
) -> None:
    """A JPEG (or WebP, by ``output``'s suffix) of one frame, a third of the way in
    (first seconds are often black), at most ``height`` pixels high."""
    at = min(max(info.duration / 3, 0), 10.0)
    h = min(height, info.height or height)
    h -= h % 2
    codec = ["-c:v", "libwebp", "-quality", "70"]
    if output.suffix.lower() in (".jpg", ".jpeg"):
        codec = ["-c:v", "mjpeg", "-q:v", "5"]
    args = ["-y", "-ss", f"{at:.3f}", *_input(source), "-frames:v", "1"]
    args += ["-vf", f"scale=-2:{h}", *codec, "-f", "image2", str(output)]
    run_ffmpeg(args, duration=1.0, error_code="poster_failed")
    if not output.exists() or output.stat().st_size == 0:
        raise MediaError("poster_failed", "no frame")


# --- narrated slides ----------------------------------------------------------------


def validate_timings(starts: Sequence[float], *, slides: int, audio_duration: float):
    """Raise ``MediaError`` unless ``starts`` gives one start per slide, the first
    at 0, strictly increasing, every one before the narration ends."""
    if len(starts) != slides:
        raise MediaError("timings_count", f"{len(starts)} != {slides}")
    if not starts or any(not math.isfinite(s) or s < 0 for s in starts):
        raise MediaError("timings_invalid")
    if starts[0] != 0:
        raise MediaError("timings_first")
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        raise MediaError("timings_order")
    if audio_duration and starts[-1] >= audio_duration:
        raise MediaError("timings_beyond_audio", f"{starts[-1]} >= {audio_duration}")


def parse_timings(text: str) -> list[float]:
    """Slide starts in seconds from "0, 12.5, 1:05" (m:ss allowed).

    Raises ``MediaError`` for anything else.
    """
    starts: list[float] = []
    for part in re.split(r"[\s,;]+", text.strip()):
        if not part:
            continue
        try:
            if ":" in part:
                minutes, seconds = part.split(":", 1)
                starts.append(int(minutes) * 60 + float(seconds))
            else:
                starts.append(float(part))
        except ValueError as exc:
            raise MediaError("timings_invalid", part) from exc
    return starts


def render_pdf_pages(pdf: Path, out_dir: Path, *, width: int = 1280) -> list[Path]:
    """Each page of ``pdf`` as a PNG ``width`` pixels wide, with pypdfium2."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError as exc:
        raise MediaError("pdf_unreadable", str(exc)) from exc
    pages: list[Path] = []
    try:
        for index in range(len(document)):
            page = document[index]
            scale = width / max(page.get_width(), 1)
            image = page.render(scale=scale).to_pil().convert("RGB")
            path = out_dir / f"page-{index + 1:03d}.png"
            image.save(path)
            pages.append(path)
            page.close()
    finally:
        document.close()
    return pages


def pdf_page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError as exc:
        raise MediaError("pdf_unreadable", str(exc)) from exc
    try:
        return len(document)
    finally:
        document.close()


def _fit_on_canvas(image_path: Path, size: tuple[int, int]):
    """The slide scaled to fit ``size`` on a white canvas, as a numpy array."""
    import numpy as np
    from PIL import Image, ImageOps

    try:
        with Image.open(image_path) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except OSError as exc:
        raise MediaError("slide_unreadable", f"{image_path.name}: {exc}") from exc
    image.thumbnail(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", size, "white")
    canvas.paste(image, ((size[0] - image.width) // 2, (size[1] - image.height) // 2))
    return np.asarray(canvas)


def compose_slides(
    slides: Sequence[Path],
    starts: Sequence[float],
    narration: Path,
    output: Path,
    *,
    size: tuple[int, int] = (1280, 720),
    fps: int = 2,
    crf: int = 23,
    audio_bitrate: str = "96k",
    on_progress: Progress | None = None,
) -> MediaInfo:
    """A lesson video of ``slides``, each from its start, over ``narration``.

    A low frame rate suits still pictures: at 2 fps a slide costs almost nothing
    after its first frame. Returns the narration's ``MediaInfo``.
    """
    from moviepy import AudioFileClip, ImageClip, concatenate_videoclips
    from proglog import ProgressBarLogger

    info = probe(narration)
    if not info.has_audio:
        raise MediaError("no_audio")
    validate_timings(starts, slides=len(slides), audio_duration=info.duration)
    ends = [*starts[1:], info.duration]

    class _Logger(ProgressBarLogger):
        def bars_callback(self, bar, attr, value, old_value=None):
            total = self.bars[bar].get("total") or 0
            if bar == "frame_index" and attr == "index" and total and on_progress:
                on_progress(min(value / total, 1.0))

    audio = AudioFileClip(str(narration))
    clips = [
        ImageClip(_fit_on_canvas(path, size)).with_duration(end - start)
        for path, start, end in zip(slides, starts, ends, strict=True)
    ]
    video = concatenate_videoclips(clips).with_audio(audio)
    try:
        video.write_videofile(
            str(output),
            fps=fps,
            codec="libx264",
            audio_codec="aac",
            audio_bitrate=audio_bitrate,
            preset="veryfast",
            temp_audiofile_path=str(output.parent),
            ffmpeg_params=[
                "-crf",
                str(crf),
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart",
            ],
            logger=_Logger(),
        )
    except (OSError, ValueError) as exc:
        raise MediaError("compose_failed", str(exc)) from exc
    finally:
        video.close()
        audio.close()
    return info


# --- subtitles ---------------------------------------------------------------------

_CUE_TIME = r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"
_CUE_TIMING = re.compile(rf"^({_CUE_TIME})[ \t]+-->[ \t]+({_CUE_TIME})(?:[ \t].*)?$")


def _seconds(stamp: str) -> float:
    parts = stamp.split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def webvtt_clean(data: bytes) -> str:
    """The WebVTT text of ``data``, NFC, with ``\\n`` line ends; or ``MediaError``.

    Checks what a browser would reject silently: the ``WEBVTT`` signature,
    UTF-8, and that every cue timing parses with its end after its start.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MediaError("vtt_encoding", str(exc)) from exc
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    first = text.split("\n", 1)[0]
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise MediaError("vtt_signature", first[:40])
    cues = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if "-->" not in line:
            continue
        match = _CUE_TIMING.match(line.strip())
        if match is None:
            raise MediaError("vtt_timing", f"line {number}: {line[:60]}")
        start, end = (_seconds(g) for g in match.groups())
        if end <= start:
            raise MediaError("vtt_timing", f"line {number}: {line[:60]}")
        cues += 1
    if cues == 0:
        raise MediaError("vtt_empty")
    return text


# --- images --------------------------------------------------------------------------


def image_downscale(
    source: Path, output: Path, *, max_width: int = 1280
) -> tuple[int, int]:
    """A JPEG (or WebP/PNG by suffix) no wider than ``max_width``, upright, without
    EXIF (phones put the place a photo was taken there). Returns its size."""
    from PIL import Image, ImageOps

    try:
        with Image.open(source) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except (OSError, Image.DecompressionBombError) as exc:
        raise MediaError("image_unreadable", str(exc)) from exc
    if image.width > max_width:
        height = round(image.height * max_width / image.width)
        image = image.resize((max_width, max(height, 1)), Image.Resampling.LANCZOS)
    suffix = output.suffix.lower()
    # A new image from the pixels alone: no EXIF, XMP or ICC text carried over.
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if suffix == ".png":
        clean.save(output, format="PNG", optimize=True)
    else:
        clean = clean.convert("RGB")
        if suffix == ".webp":
            clean.save(output, format="WEBP", quality=78)
        else:
            clean.save(
                output, format="JPEG", quality=82, optimize=True, progressive=True
            )
    return clean.size
