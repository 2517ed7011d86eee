"""Uploaded files served under /media/ with byte ranges, safely."""

from __future__ import annotations

import pytest

BODY = bytes(range(256)) * 40  # 10,240 bytes
NAME = "media_assets/7/360p-0123456789abcdef.mp4"


@pytest.fixture
def video_file(media_root):
    path = media_root / NAME
    path.parent.mkdir(parents=True)
    path.write_bytes(BODY)
    return path


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_whole_file_is_served_with_its_type_and_a_years_cache(client, video_file):
    response = client.get(f"/media/{NAME}")
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(BODY))
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    assert _body(response) == BODY


def test_a_byte_range_is_answered_206_with_its_content_range(client, video_file):
    response = client.get(f"/media/{NAME}", HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(BODY)}"
    assert response["Content-Length"] == "100"
    assert _body(response) == BODY[100:200]


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=0-99999", 0, 10239),
    ],
)
def test_open_and_suffix_ranges(client, video_file, header, first, last):
    response = client.get(f"/media/{NAME}", HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(BODY)}"
    assert _body(response) == BODY[first : last + 1]


def test_a_range_past_the_end_is_416(client, video_file):
    response = client.get(f"/media/{NAME}", HTTP_RANGE="bytes=20000-20100")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BODY)}"


def test_a_range_for_a_changed_file_gets_the_whole_file(client, video_file):
    response = client.get(
        f"/media/{NAME}", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"stale-etag"'
    )
    assert response.status_code == 200


def test_a_byte_range_is_not_gzipped(client, video_file):
    response = client.get(
        f"/media/{NAME}", HTTP_RANGE="bytes=0-4095", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 206
    assert "Content-Encoding" not in response
    assert _body(response) == BODY[:4096]


def test_an_unchanged_file_is_304(client, video_file):
    etag = client.get(f"/media/{NAME}")["ETag"]
    assert client.get(f"/media/{NAME}", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "../settings.py",
        "media_assets/../../secret.txt",
        "media_assets/%2e%2e/%2e%2e/secret.txt",
        "media_assets/..%2f..%2fsecret.txt",
        ".processing/asset-x/360p.mp4",
        "media_assets//7/x.mp4",
        "missing.mp4",
    ],
)
def test_paths_outside_the_media_folder_or_hidden_are_404(
    client, media_root, video_file, path
):
    (media_root.parent / "secret.txt").write_text("secret")
    hidden = media_root / ".processing" / "asset-x"
    hidden.mkdir(parents=True)
    (hidden / "360p.mp4").write_bytes(b"half made")
    response = client.get(f"/media/{path}")
    assert response.status_code == 404


def test_a_symbolic_link_out_of_the_media_folder_is_404(client, media_root):
    (media_root.parent / "secret.txt").write_text("secret")
    (media_root / "link.txt").symlink_to(media_root.parent / "secret.txt")
    assert client.get("/media/link.txt").status_code == 404


def test_an_uploaded_page_is_downloaded_never_shown_as_a_page(client, media_root):
    (media_root / "x.html").write_text("<script>alert(1)</script>")
    (media_root / "y.svg").write_text("<svg onload='alert(1)'/>")
    for name in ("x.html", "y.svg"):
        response = client.get(f"/media/{name}")
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == "attachment"
        assert "sandbox" in response["Content-Security-Policy"]


def test_subtitles_are_served_as_webvtt_and_a_plain_name_revalidates(
    client, media_root
):
    (media_root / "vi.vtt").write_text("WEBVTT\n")
    response = client.get("/media/vi.vtt")
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert "must-revalidate" in response["Cache-Control"]


def test_only_reading_is_allowed(client, video_file):
    assert client.post(f"/media/{NAME}").status_code == 405
    assert client.head(f"/media/{NAME}").status_code == 200
