"""Serving uploaded files from ``MEDIA_ROOT``, with byte ranges.

Phones seek in a video by asking for byte ranges (``Range: bytes=N-``) and
stop playing when the answer is not 206. This view answers ranges, refuses
paths that leave ``MEDIA_ROOT`` (``..``, absolute paths, symbolic links out,
hidden folders such as the processing scratch space), and lets browsers keep
files whose names never change content (``name-<16 hex>.ext``) for a year.

Files people uploaded are served so that a browser never runs them as a page
of this site: only media, pictures, subtitles and PDFs are shown inline; all
else is a download; every answer carries a sandboxing CSP. A deployment that
puts media behind a web server or object storage bypasses this view.
"""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

IMMUTABLE_NAME = re.compile(r"-[0-9a-f]{16}\.[A-Za-z0-9]{1,8}$")

_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".vtt": "text/vtt; charset=utf-8",
    ".pdf": "application/pdf",
}
_CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _resolve(path: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    parts = path.split("/")
    if (
        not path
        or path.startswith("/")
        or "\\" in path
        or "\x00" in path
        or any(p in ("", ".", "..") or p.startswith(".") for p in parts)
    ):
        raise Http404
    candidate = (root / path).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        raise Http404
    return candidate


def _byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """``(first, last)`` for one satisfiable range, ``None`` to send the whole
    file (no range, or one this view does not do), ``False`` if unsatisfiable."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # several ranges or another unit: the whole file is allowed
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def _read(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


@require_safe
def media_file(request: HttpRequest, path: str) -> HttpResponseBase:
    file = _resolve(path)
    stat = file.stat()
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    modified = http_date(stat.st_mtime)
    content_type = _TYPES.get(file.suffix.lower())

    if request.headers.get("If-None-Match") == etag or (
        "If-None-Match" not in request.headers
        and (
            since := parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        )
        and int(stat.st_mtime) <= since
    ):
        response: HttpResponseBase = HttpResponseNotModified()
        _common_headers(response, path, etag, modified)
        return response

    wanted = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if wanted and if_range and if_range not in (etag, modified):
        wanted = ""  # the file changed since the client's first part
    chosen = _byte_range(wanted, size) if wanted else None
    if chosen is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif chosen:
        start, end = chosen  # type: ignore[misc]
        response = StreamingHttpResponse(
            _read(file, start, end - start + 1), status=206
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(file.open("rb"))
        response["Content-Length"] = str(size)
    if chosen is not False:
        if content_type:
            response["Content-Type"] = content_type
        else:
            response["Content-Type"] = "application/octet-stream"
            guessed = mimetypes.guess_type(file.name)[0] or ""
            if not guessed.startswith(("video/", "audio/")):
                response["Content-Disposition"] = "attachment"
    _common_headers(response, path, etag, modified)
    return response


def _common_headers(response: HttpResponseBase, path: str, etag: str, modified: str):
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = modified
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if IMMUTABLE_NAME.search(os.path.basename(path)):
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
