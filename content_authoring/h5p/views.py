"""Pages of the H5P sub-app: upload, the sandboxed player, the package's files.

The player page and the files it loads are the only places a package's own
JavaScript runs: the page answers with ``Content-Security-Policy: sandbox
allow-scripts`` (an opaque origin even when opened directly), and the files
are served with ``Access-Control-Allow-Origin: *`` because that opaque origin
fetches them. Package files hold no private data: they are addressed by the
package's SHA-256 and read without a session.
"""

from __future__ import annotations

import mimetypes
import re
from typing import cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from content_authoring.h5p import selectors, services, storage
from content_authoring.h5p.validation import (
    CONTENT_EXTENSIONS,
    LIBRARY_EXTRA_EXTENSIONS,
)
from content_authoring.uploads import UploadTooLarge, check_uploads, limited_upload_view
from courses import selectors as course_selectors
from lms.models import User

PLAYER_CSP = "sandbox allow-scripts"
# Opened directly, a package file is inert: no script, no same origin.
FILE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_YEAR = 60 * 60 * 24 * 365
_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "vtt": "text/vtt; charset=utf-8",
    "webvtt": "text/vtt; charset=utf-8",
    "md": "text/plain; charset=utf-8",
    "textile": "text/plain; charset=utf-8",
    "diff": "text/plain; charset=utf-8",
    "patch": "text/plain; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/plain; charset=utf-8",
    "xml": "text/plain; charset=utf-8",  # never rendered as a document
    "m4a": "audio/mp4",
    "glb": "model/gltf-binary",
    "gltf": "model/gltf+json",
}
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _max_upload() -> int:
    return settings.H5P_UPLOAD_MAX_BYTES


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@require_http_methods(["GET", "POST"])
@limited_upload_view(_max_upload)
def upload(request: HttpRequest, course_id: int) -> HttpResponse:
    """GET/POST /blocks/h5p/courses/<course_id>/upload/: a course's packages."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = cast(User, request.user)
    course = selectors.course_for_upload(course_id=course_id)
    if course is None:
        raise Http404(_("This course does not exist."))
    if not course_selectors.course_can_manage(user=user, course=course):
        raise PermissionDenied(_("Only the course's trainers may add H5P packages."))
    context: dict = {
        "course": course,
        "max_bytes": settings.H5P_UPLOAD_MAX_BYTES,
        "next": _safe_next(request),
    }
    status = 200
    if request.method == "POST":
        try:
            check_uploads(request)
            file = request.FILES.get("package")
            if file is None:
                raise ValidationError(_("Choose an .h5p file to upload."))
            result = services.h5p_package_upload(actor=user, course=course, upload=file)
        except UploadTooLarge as exc:
            context["error"], status = exc.message, 413
        except ValidationError as exc:
            context["error"], status = " ".join(exc.messages), 400
        else:
            context.update(uploaded=result.package, created=result.created)
            status = 201 if result.created else 200
    context["packages"] = selectors.package_list_for_course(course_id=course.pk)
    return render(request, "h5p/upload.html", context, status=status)


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


@require_GET
@xframe_options_sameorigin
def player(request: HttpRequest, package_id: int) -> HttpResponse:
    """GET /blocks/h5p/play/<package_id>/: the page inside the block's frame."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    package = selectors.package_get_for_player(
        user=cast(User, request.user), package_id=package_id
    )
    if package is None:
        raise Http404(_("This H5P content is not available."))
    site = urlsplit(_absolute(request, "/"))
    options = {
        "id": f"package-{package.pk}",
        # Absolute URLs: h5p-standalone resolves "/..." against
        # window.location.origin, which is "null" in the sandbox.
        "h5pJsonPath": _absolute(
            request,
            reverse(
                "content_authoring:h5p:file_root", kwargs={"sha256": package.sha256}
            ),
        ).rstrip("/"),
        "frameJs": _absolute(request, static("vendor/h5p-standalone/frame.bundle.js")),
        "frameCss": _absolute(request, static("vendor/h5p-standalone/styles/h5p.css")),
        # The frame is already ours and sandboxed: no second iframe inside it.
        "embedType": "div",
        "frame": False,
        "copyright": False,
        "export": False,
        "embed": False,
        "icon": False,
        "fullScreen": False,
        "xAPIObjectIRI": _absolute(request, request.path),
        "parentOrigin": f"{site.scheme}://{site.netloc}",
    }
    response = render(
        request, "h5p/player.html", {"package": package, "options": options}
    )
    response["Content-Security-Policy"] = PLAYER_CSP
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _file_allowed(path: str) -> bool:
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path:
        return False
    if any(part in ("", ".", "..") or part[:1] in (".", "_") for part in parts):
        return False
    ext = path.rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
    return ext in CONTENT_EXTENSIONS or ext in LIBRARY_EXTRA_EXTENSIONS


@require_GET
def package_file(request: HttpRequest, sha256: str, path: str) -> FileResponse:
    """GET /blocks/h5p/files/<sha256>/<path>: a file of an unpacked package."""
    if not _SHA.match(sha256) or not _file_allowed(path):
        raise Http404(_("No such file."))
    if not storage.file_exists(sha256, path):
        raise Http404(_("No such file."))
    ext = path.rsplit(".", 1)[-1].lower()
    content_type = (
        _TYPES.get(ext) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    )
    response = FileResponse(storage.open_file(sha256, path), content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    # The address holds the package's hash: the file never changes.
    response["Cache-Control"] = f"public, max-age={_YEAR}, immutable"
    return response


@require_GET
def file_root(request: HttpRequest, sha256: str) -> HttpResponse:
    """The base of a package's file URLs (the player appends ``/h5p.json``)."""
    return HttpResponseRedirect(
        reverse(
            "content_authoring:h5p:file", kwargs={"sha256": sha256, "path": "h5p.json"}
        )
    )
