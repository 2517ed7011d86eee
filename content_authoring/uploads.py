"""Uploads that cannot fill the disk.

Django streams a multipart upload to a temporary file before a view sees it;
a size check in the view would come after the disk had been filled. The
handler here refuses a request whose declared length is too large before
reading its body, and stops reading as soon as a file grows past the limit
(a client may lie about, or omit, the length).

Use::

    limit_uploads(request, max_bytes=settings.VIDEO_UPLOAD_MAX_BYTES)
    try:
        upload = request.FILES["file"]
    except UploadTooLarge as exc:
        ... show exc.message ...

``limit_uploads`` must run before anything touches ``request.POST`` or
``request.FILES``, and the CSRF middleware reads ``request.POST``: decorate
upload views with :func:`limited_upload_view`, which sets the limit and then
checks CSRF.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.files.uploadhandler import (
    FileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class UploadTooLarge(Exception):
    """The upload was larger than allowed; nothing of it is kept."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.message = _("The file is too large: the limit is %(size)s.") % {
            "size": filesizeformat(max_bytes)
        }
        super().__init__(self.message)


class _SizeLimitHandler(FileUploadHandler):
    """Counts bytes as they arrive and stops the upload past the limit."""

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request: HttpRequest, *, max_bytes: int) -> _SizeLimitHandler:
    """Cap the request's file uploads at ``max_bytes`` in all.

    Files go to temporary files on disk (never memory for large ones) and are
    deleted when the request ends. After ``request.FILES`` is read, call
    :func:`check_uploads` to raise :class:`UploadTooLarge` if the cap was hit.
    """
    limiter = _SizeLimitHandler(request, max_bytes)
    request.upload_handlers = [limiter, TemporaryFileUploadHandler(request)]
    request._upload_limiter = limiter  # type: ignore[attr-defined]
    return limiter


def check_uploads(request: HttpRequest) -> None:
    """Read the upload (if not yet read) and raise ``UploadTooLarge`` if it was cut."""
    request.FILES  # noqa: B018 - parses the body through the handlers
    limiter = getattr(request, "_upload_limiter", None)
    if limiter is not None and limiter.exceeded:
        # Whatever part arrived is dropped with the request.
        for files in request.FILES.lists():
            for f in files[1]:
                f.close()
        raise UploadTooLarge(limiter.max_bytes)


# Multipart framing and the form's other fields, beyond the files themselves.
_FRAMING_BYTES = 64 * 1024


def declared_too_large(request: HttpRequest, *, max_bytes: int) -> bool:
    """Whether the request says, before sending it, that its body is too large."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes + _FRAMING_BYTES


def _too_large_response(request: HttpRequest, error: UploadTooLarge) -> HttpResponse:
    accept = request.headers.get("Accept", "")
    if "application/json" in accept or request.content_type == "application/json":
        return JsonResponse({"error": error.message}, status=413)
    if request.headers.get("HX-Request"):
        return HttpResponse(
            format_html('<p class="error" role="alert">{}</p>', error.message),
            status=413,
        )
    return render(
        request,
        "content_authoring/refusal.html",
        {"message": error.message, "back": ""},
        status=413,
    )


def limited_upload_view(
    max_bytes: int | Callable[[], int],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view so its uploads are capped, then CSRF-checked.

    A request that declares a body over the cap is answered 413 at once, with
    a clear message and without reading the body. Otherwise the body streams
    to temporary files and stops at the cap; the view calls
    :func:`check_uploads` where it reads its files, and shows the
    ``UploadTooLarge`` message itself. ``max_bytes`` may be a callable (read a
    setting at request time, not at import).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @csrf_exempt  # checked by csrf_protect above, after the limit is set
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            limit = max_bytes() if callable(max_bytes) else max_bytes
            if request.method == "POST" and declared_too_large(
                request, max_bytes=limit
            ):
                return _too_large_response(request, UploadTooLarge(limit))
            limit_uploads(request, max_bytes=limit)
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator
