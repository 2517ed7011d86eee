"""Pages of the media sub-app: a course's media library, uploads, progress.

Thin views: parse, call one service or selector, render. Uploads are capped by
``content_authoring.uploads`` before they can fill the disk. Forms work as
plain posts (no JavaScript needed); the progress fragment polls itself with
htmx while an asset is processed.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from content_authoring.media import selectors, services
from content_authoring.media.models import MediaAsset
from content_authoring.media.serving import media_file  # noqa: F401 - re-exported
from content_authoring.uploads import UploadTooLarge, check_uploads, limited_upload_view
from courses import selectors as course_selectors
from courses.models import Course
from lms.models import User


def _user(request: HttpRequest) -> User:
    # Every view here is behind ``_signed_in``.
    return cast(User, request.user)


def _managed_asset(request: HttpRequest, asset_id: int) -> MediaAsset:
    """The asset if the user manages its course: 403 if not, 404 if none."""
    asset = selectors.media_asset_for_author(user=_user(request), asset_id=asset_id)
    if asset is None:
        if MediaAsset.objects.filter(pk=asset_id).exists():
            raise PermissionDenied(
                _("Only the course's trainers may manage its media.")
            )
        raise Http404
    return asset


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") and not (
        request.headers.get("HX-Request")
    )


def _refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(
        request,
        "content_authoring/refusal.html",
        {"message": message, "back": ""},
        status=status,
    )


def _managed_course(request: HttpRequest, course_id: int) -> Course:
    course = get_object_or_404(Course, pk=course_id)
    if not course_selectors.course_can_manage(user=_user(request), course=course):
        raise PermissionDenied(_("Only the course's trainers may manage its media."))
    return course


def _library(
    request: HttpRequest,
    course: Course,
    *,
    errors: dict | None = None,
    form: str = "",
    status: int = 200,
) -> HttpResponse:
    assets = selectors.media_assets_for_course(user=_user(request), course=course)
    return render(
        request,
        "media/library.html",
        {
            "course": course,
            "assets": assets,
            "errors": errors or {},
            "form": form,
            "kinds": [MediaAsset.Kind.VIDEO, MediaAsset.Kind.AUDIO],
            "upload_limit": settings.MEDIA_UPLOAD_MAX_BYTES,
            "slides_limit": settings.MEDIA_SLIDES_UPLOAD_MAX_BYTES,
        },
        status=status,
    )


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _signed_in(view):
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            if _wants_json(request):
                return JsonResponse({"error": _("Sign in first.")}, status=401)
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _refuse(request, str(exc) or _("You may not do this."))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
@_signed_in
def library(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course's media: uploads and their progress, with the upload forms."""
    return _library(request, _managed_course(request, course_id))


def _upload_answer(
    request: HttpRequest, course: Course, asset: MediaAsset
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(_status_json(asset), status=201)
    if request.headers.get("HX-Request"):
        return render(request, "media/_asset_status.html", {"asset": asset}, status=201)
    return redirect(reverse("content_authoring:media:library", args=[course.pk]))


def _upload_refused(
    request: HttpRequest, course: Course, errors: dict, form: str, status: int = 400
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"errors": errors}, status=status)
    if request.headers.get("HX-Request"):
        return render(
            request, "media/_form_errors.html", {"errors": errors}, status=status
        )
    return _library(request, course, errors=errors, form=form, status=status)


@require_POST
@limited_upload_view(lambda: settings.MEDIA_UPLOAD_MAX_BYTES)
@_signed_in
def upload(request: HttpRequest, course_id: int) -> HttpResponse:
    """A video or audio upload; processing continues in the background."""
    course = _managed_course(request, course_id)
    try:
        check_uploads(request)
    except UploadTooLarge as exc:
        return _upload_refused(request, course, {"file": [exc.message]}, "upload", 413)
    file = request.FILES.get("file")
    if file is None:
        return _upload_refused(
            request, course, {"file": [_("Choose a file to upload.")]}, "upload"
        )
    try:
        asset = services.media_asset_upload(
            actor=_user(request),
            course=course,
            kind=request.POST.get("kind", ""),
            upload=file,
            title=request.POST.get("title", ""),
        )
    except ValidationError as exc:
        return _upload_refused(request, course, _errors(exc), "upload")
    return _upload_answer(request, course, asset)


@require_POST
@limited_upload_view(lambda: settings.MEDIA_SLIDES_UPLOAD_MAX_BYTES)
@_signed_in
def slides_upload(request: HttpRequest, course_id: int) -> HttpResponse:
    """Slides (pictures or a PDF), a narration and start times: a lesson video."""
    course = _managed_course(request, course_id)
    try:
        check_uploads(request)
    except UploadTooLarge as exc:
        return _upload_refused(
            request, course, {"slides": [exc.message]}, "slides", 413
        )
    narration = request.FILES.get("narration")
    if narration is None:
        return _upload_refused(
            request,
            course,
            {"narration": [_("Choose the narration recording.")]},
            "slides",
        )
    try:
        asset = services.media_slides_upload(
            actor=_user(request),
            course=course,
            narration=narration,
            slides=request.FILES.getlist("slides"),
            starts=request.POST.get("starts", ""),
            title=request.POST.get("title", ""),
        )
    except ValidationError as exc:
        return _upload_refused(request, course, _errors(exc), "slides")
    return _upload_answer(request, course, asset)


def _status_json(asset: MediaAsset) -> dict:
    return {
        "id": asset.pk,
        "kind": asset.kind,
        "status": asset.status,
        "progress": asset.progress,
        "error": asset.error_message,
        "status_url": reverse("content_authoring:media:asset_status", args=[asset.pk]),
    }


def _status_fragment(request: HttpRequest, asset: MediaAsset) -> HttpResponse:
    """The asset's progress fragment; never cached, since it polls itself."""
    response = render(request, "media/_asset_status.html", {"asset": asset})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@_signed_in
def asset_status(request: HttpRequest, asset_id: int) -> HttpResponse:
    """The asset's progress: an htmx fragment (polling itself until finished),
    or JSON ``{"status", "progress", "error"}`` for ``Accept: application/json``."""
    asset = _managed_asset(request, asset_id)
    if _wants_json(request):
        return JsonResponse(_status_json(asset))
    return _status_fragment(request, asset)


@require_POST
@limited_upload_view(lambda: settings.MEDIA_SUBTITLES_MAX_BYTES)
@_signed_in
def subtitles_attach(request: HttpRequest, asset_id: int) -> HttpResponse:
    """Attach a WebVTT subtitles file to a video."""
    asset = _managed_asset(request, asset_id)
    course = asset.course
    try:
        check_uploads(request)
    except UploadTooLarge as exc:
        return _upload_refused(
            request, course, {"subtitles": [exc.message]}, f"subtitles-{asset.pk}", 413
        )
    file = request.FILES.get("subtitles")
    if file is None:
        return _upload_refused(
            request,
            course,
            {"subtitles": [_("Choose a WebVTT (.vtt) file.")]},
            f"subtitles-{asset.pk}",
        )
    try:
        services.media_subtitles_attach(
            actor=_user(request),
            asset=asset,
            upload=file,
            lang=request.POST.get("lang", ""),
        )
    except ValidationError as exc:
        return _upload_refused(request, course, _errors(exc), f"subtitles-{asset.pk}")
    return _upload_answer(request, course, asset)


@require_POST
@_signed_in
def asset_delete(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = _managed_asset(request, asset_id)
    course_id = asset.course_id
    services.media_asset_delete(actor=_user(request), asset=asset)
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    return redirect(reverse("content_authoring:media:library", args=[course_id]))


@require_POST
@_signed_in
def asset_retry(request: HttpRequest, asset_id: int) -> HttpResponse:
    """Process a failed or stalled asset again; answers with its status."""
    asset = _managed_asset(request, asset_id)
    try:
        asset = services.media_asset_retry(actor=_user(request), asset=asset)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=409)
    return _status_fragment(request, asset)


@require_POST
@limited_upload_view(lambda: settings.MEDIA_IMAGE_UPLOAD_MAX_BYTES)
@_signed_in
def image_upload(request: HttpRequest, course_id: int) -> HttpResponse:
    """A picture for an image block: JSON ``{"url", "width", "height"}``."""
    course = _managed_course(request, course_id)
    try:
        check_uploads(request)
    except UploadTooLarge as exc:
        return JsonResponse({"errors": {"image": [exc.message]}}, status=413)
    file = request.FILES.get("image")
    if file is None:
        return JsonResponse(
            {"errors": {"image": [_("Choose a picture to upload.")]}}, status=400
        )
    try:
        url, width, height = services.media_image_upload(
            actor=_user(request), course=course, upload=file
        )
    except ValidationError as exc:
        return JsonResponse({"errors": _errors(exc)}, status=400)
    return JsonResponse({"url": url, "width": width, "height": height}, status=201)
