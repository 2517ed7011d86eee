"""ffmpeg and moviepy processing on real generated clips (no Django models)."""

from __future__ import annotations

import struct
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from content_authoring.media import processing
from content_authoring.media.processing import MediaError


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order."""
    boxes = []
    with path.open("rb") as f:
        while header := f.read(8):
            size, kind = struct.unpack(">I4s", header)
            boxes.append(kind.decode("latin-1"))
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0] - 8
            f.seek(size - 8, 1)
    return boxes


def test_renditions_are_h264_aac_at_360_and_240_lines_with_the_index_first(
    clips, tmp_path
):
    out360, out240 = tmp_path / "360.mp4", tmp_path / "240.mp4"
    processing.transcode_video(
        clips["video"],
        [(processing.RENDITION_360P, out360), (processing.RENDITION_240P, out240)],
    )
    first = processing.probe(out360)
    assert (first.width, first.height) == (480, 360)
    assert (first.video_codec, first.audio_codec) == ("h264", "aac")
    assert abs(first.duration - 3.0) < 0.2
    second = processing.probe(out240)
    assert (second.width, second.height) == (320, 240)
    for path in (out360, out240):
        boxes = top_level_boxes(path)
        assert boxes.index("moov") < boxes.index("mdat"), boxes
    assert out240.stat().st_size < out360.stat().st_size


def test_a_source_smaller_than_the_rendition_is_not_upscaled(clips, tmp_path):
    out = tmp_path / "360.mp4"
    processing.transcode_video(clips["tiny"], [(processing.RENDITION_360P, out)])
    info = processing.probe(out)
    assert (info.width, info.height) == (320, 180)


def test_progress_rises_to_one(clips, tmp_path):
    seen: list[float] = []
    processing.transcode_video(
        clips["video"],
        [(processing.RENDITION_240P, tmp_path / "240.mp4")],
        on_progress=seen.append,
    )
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    assert all(0 <= v <= 1 for v in seen)


def test_audio_becomes_a_small_mono_aac_file(clips, tmp_path):
    out = tmp_path / "a.m4a"
    processing.transcode_audio(clips["narration"], out)
    info = processing.probe(out)
    assert info.audio_codec == "aac" and not info.has_video
    # 4 s of 48 kbit/s mono: about 24 kB, far below the 350 kB WAV.
    assert out.stat().st_size < 40_000
    assert top_level_boxes(out).index("moov") < top_level_boxes(out).index("mdat")


def test_poster_is_a_jpeg_frame_no_higher_than_360(clips, tmp_path):
    info = processing.probe(clips["video"])
    poster = tmp_path / "poster.jpg"
    processing.make_poster(clips["video"], poster, info=info)
    with Image.open(poster) as image:
        assert image.format == "JPEG"
        assert image.height == 360


@pytest.mark.parametrize("name", ["text", "truncated"])
def test_a_text_file_or_a_truncated_mp4_is_unreadable(clips, name):
    with pytest.raises(MediaError) as caught:
        processing.probe(clips[name])
    assert caught.value.code == "unreadable"


def test_a_clip_cut_after_its_index_fails_the_transcode(clips, tmp_path):
    # The index (moov) is whole, so probing succeeds; the frames stop halfway.
    processing.probe(clips["cut_after_index"])
    with pytest.raises(MediaError) as caught:
        processing.transcode_video(
            clips["cut_after_index"],
            [(processing.RENDITION_240P, tmp_path / "240.mp4")],
        )
    assert caught.value.code == "transcode_failed"


def test_a_playlist_named_mp4_is_not_opened(tmp_path):
    playlist = tmp_path / "evil.mp4"
    playlist.write_text(
        "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\nfile:///etc/passwd\n"
        "#EXT-X-ENDLIST\n"
    )
    with pytest.raises(MediaError):
        processing.probe(playlist)


@pytest.mark.parametrize(
    ("starts", "slides", "duration", "code"),
    [
        ([0, 2], 3, 10, "timings_count"),
        ([1, 2], 2, 10, "timings_first"),
        ([0, 5, 5], 3, 10, "timings_order"),
        ([0, 6, 3], 3, 10, "timings_order"),
        ([0, 12], 2, 10, "timings_beyond_audio"),
        ([0, -1], 2, 10, "timings_invalid"),
    ],
)
def test_slide_timings_are_refused(starts, slides, duration, code):
    with pytest.raises(MediaError) as caught:
        processing.validate_timings(starts, slides=slides, audio_duration=duration)
    assert caught.value.code == code


def test_slide_timings_parse_seconds_and_minutes():
    assert processing.parse_timings("0, 12.5; 1:05  2:00") == [0, 12.5, 65, 120]
    with pytest.raises(MediaError):
        processing.parse_timings("0, mười")


def _slides(folder: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        path = folder / f"slide{i}.png"
        Image.new("RGB", (800, 600), (40 * i, 120, 200)).save(path)
        paths.append(path)
    return paths


def test_moviepy_composes_slides_over_the_narration(clips, tmp_path):
    seen: list[float] = []
    out = tmp_path / "lesson.mp4"
    processing.compose_slides(
        _slides(tmp_path, 2),
        [0, 2],
        clips["narration"],
        out,
        size=(640, 360),
        on_progress=seen.append,
    )
    info = processing.probe(out)
    assert (info.width, info.height) == (640, 360)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert abs(info.duration - 4.0) < 0.6
    assert seen and seen[-1] == pytest.approx(1.0, abs=0.1)


def test_pdf_pages_become_pictures(tmp_path):
    pdf = tmp_path / "slides.pdf"
    pages = [Image.new("RGB", (400, 300), c) for c in ("white", "yellow")]
    pages[0].save(pdf, save_all=True, append_images=pages[1:])
    assert processing.pdf_page_count(pdf) == 2
    out = tmp_path / "pages"
    out.mkdir()
    rendered = processing.render_pdf_pages(pdf, out, width=640)
    assert len(rendered) == 2
    with Image.open(rendered[1]) as image:
        assert image.width == 640
        assert image.getpixel((320, 240))[:2] == (255, 255)  # yellow page


VTT = (
    "WEBVTT\n\n00:00.000 --> 00:01.500\nCà phê\u0301\n\n"
    "1\n00:00:01.500 --> 00:00:03.000 align:start\nĐắk Lắk\n"
)


def test_webvtt_is_accepted_and_stored_as_nfc():
    text = processing.webvtt_clean(VTT.replace("\n", "\r\n").encode("utf-8-sig"))
    assert text.startswith("WEBVTT\n")
    assert "\r" not in text
    assert unicodedata.is_normalized("NFC", text)
    assert "Cà phế" in text


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"1\n00:00.000 --> 00:01.000\nx\n", "vtt_signature"),
        (b"WEBVTTX\n\n00:00.000 --> 00:01.000\nx\n", "vtt_signature"),
        (b"WEBVTT\n\n00:00,000 --> 00:01,000\nx\n", "vtt_timing"),
        (b"WEBVTT\n\n00:02.000 --> 00:01.000\nx\n", "vtt_timing"),
        (b"WEBVTT\n\nno cues\n", "vtt_empty"),
        ("WEBVTT\n\n00:00.000 --> 00:01.000\nCà\n".encode("cp1258"), "vtt_encoding"),
    ],
)
def test_webvtt_problems_are_named(data, code):
    with pytest.raises(MediaError) as caught:
        processing.webvtt_clean(data)
    assert caught.value.code == code


def test_pictures_are_downscaled_and_lose_their_exif(tmp_path):
    source = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90° clockwise
    Image.new("RGB", (3000, 2000), "green").save(source, exif=exif.tobytes())
    out = tmp_path / "small.jpg"
    width, height = processing.image_downscale(source, out, max_width=1280)
    with Image.open(out) as image:
        assert image.size == (width, height)
        assert width == 1280
        assert height == round(3000 * 1280 / 2000)  # turned upright first
        assert not image.getexif()
        assert b"PhoneMaker" not in out.read_bytes()


def test_an_ffmpeg_run_past_its_time_limit_is_stopped(tmp_path):
    """A hung conversion does not hold the worker: it fails with its own code."""
    endless = [
        "-f",
        "lavfi",
        "-re",
        "-i",
        "sine=frequency=440",
        str(tmp_path / "x.m4a"),
    ]
    with pytest.raises(MediaError) as exc:
        processing.run_ffmpeg(endless, duration=1, limit_s=1.0)
    assert exc.value.code == "too_slow"
    assert "too long" in str(processing_messages("too_slow"))


def processing_messages(code: str) -> str:
    from django.utils import translation

    from content_authoring.media.messages import error_message

    with translation.override("en"):
        return error_message(code)
