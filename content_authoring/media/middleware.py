"""Gzip for pages, not for media files.

Video, audio and pictures are compressed already, and a byte-range answer
(206) must carry exactly the bytes it names: gzip would waste the server's
time on the first and break the second (a resumed download, a seek).
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware

_COMPRESSED: tuple[str, ...] = (
    "video/",
    "audio/",
    "image/jpeg",
    "image/png",
    "image/webp",
)
_COMPRESSED += ("image/gif", "application/pdf", "application/octet-stream")


class GZipExceptMediaMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.status_code == 206 or response.has_header("Content-Range"):
            return response
        if response.get("Content-Type", "").startswith(_COMPRESSED):
            return response
        return super().process_response(request, response)
