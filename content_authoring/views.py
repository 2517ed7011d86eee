"""Block handlers and "mark as done": parse, call one service, answer.

Answers suit the caller: htmx requests (``HX-Request``) get an HTML fragment,
JSON callers get JSON, and a plain form post (no JavaScript) is redirected back
to the page it came from.
"""

from __future__ import annotations

import json
import mimetypes
import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from xblock.core import XBlock

from content_authoring import selectors, services
from content_authoring.runtime import django_response
from lms.models import User

_NOT_ANSWER_FIELDS = {"csrfmiddlewaretoken", "submission_id", "next"}


# --- request parsing -------------------------------------------------------------


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _is_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json"


def _wants_json(request: HttpRequest) -> bool:
    return _is_json(request) or (
        not _is_htmx(request)
        and "application/json" in request.headers.get("Accept", "")
    )


def _json_value(request: HttpRequest) -> object:
    try:
        return json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(_("The request is not valid JSON.")) from exc


def _json_body(request: HttpRequest) -> dict:
    body = _json_value(request)
    if not isinstance(body, dict):
        raise ValidationError(_("The request must be a JSON object."))
    return body


def _submission_id(request: HttpRequest) -> uuid.UUID:
    """The id from the form or JSON object, else the ``X-Submission-Id`` header.

    Third-party XBlocks post their own JSON (not always an object) to their
    handlers; the client runtime (xblock-runtime.js) adds the header to each call.
    """
    value = None
    if _is_json(request):
        body = _json_value(request)
        if isinstance(body, dict):
            value = body.get("submission_id")
    else:
        value = request.POST.get("submission_id")
    value = value or request.headers.get("X-Submission-Id", "")
    return services.submission_uuid(value if isinstance(value, str) else "")


def _answer(request: HttpRequest) -> dict:
    if _is_json(request):
        body = _json_body(request)
        return {k: v for k, v in body.items() if k not in _NOT_ANSWER_FIELDS}
    return {
        key: request.POST.getlist(key)
        for key in request.POST
        if key not in _NOT_ANSWER_FIELDS
    }


def _user(request: HttpRequest) -> User:
    # Every view here is behind _guarded, which lets only signed-in users through.
    return cast(User, request.user)


def _safe_next(request: HttpRequest) -> str:
    """Where a plain form post goes back to: ``next``, else the Referer."""
    for candidate in (request.POST.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            return candidate
    return ""


# --- answers ------------------------------------------------------------------------


def _refusal(
    request: HttpRequest, status: int, message: str, *, sign_in: bool = False
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    if _is_htmx(request):
        # blocks.js shows this inside the block's form.
        return HttpResponse(
            render_to_string(
                "content_authoring/_refusal.html",
                {
                    "message": message,
                    "login_url": _login_url(request) if sign_in else "",
                },
            ),
            status=status,
        )
    return render(
        request,
        "content_authoring/refusal.html",
        {"message": message, "back": _safe_next(request)},
        status=status,
    )


def _login_url(request: HttpRequest) -> str:
    """The sign-in page, coming back to the page the learner was on."""
    from lms.views import login_url_back_to

    return login_url_back_to(request)


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error.args[0]) if error.args and error.args[0] else ""


def _guarded(view):
    """Turn the services' refusals into 400/403/404 answers with their message."""

    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            if _is_htmx(request) or _wants_json(request):
                return _refusal(
                    request,
                    403,
                    _("Your session has ended. Sign in again."),
                    sign_in=True,
                )
            return redirect_to_login(_safe_next(request) or request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except services.BlockNotFound as exc:
            return _refusal(request, 404, exc.message)
        except PermissionDenied as exc:
            return _refusal(request, 403, _message(exc) or _("You may not do this."))
        except ValidationError as exc:
            return _refusal(request, 400, _message(exc))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_POST
@_guarded
def block_handler(
    request: HttpRequest, usage_id: int, handler_name: str, suffix: str = ""
) -> HttpResponse:
    """POST /blocks/<usage_id>/handler/<handler_name>/: call a block's handler.

    Every call carries a ``submission_id`` (form field, JSON field or
    ``X-Submission-Id`` header) so that a resent request counts once. The
    ``submit`` handler of answerable blocks goes through
    ``services.block_submit``, as the REST API does.
    """
    placement = selectors.block_placement(block_id=usage_id)
    if placement is None:
        raise services.BlockNotFound(_("This part of the lesson does not exist."))
    submission_id = _submission_id(request)
    if handler_name == "submit" and selectors.block_type_answerable(
        block_type=placement.block_type
    ):
        result = services.block_submit(
            user=_user(request),
            block_id=usage_id,
            submission_id=submission_id,
            data=_answer(request),
        )
        return _answered(request, usage_id, result)
    response = services.block_handle(
        user=_user(request),
        block_id=usage_id,
        handler_name=handler_name,
        submission_id=submission_id,
        request=request,
        suffix=suffix,
    )
    return django_response(response)


def _answered(request: HttpRequest, usage_id: int, result: dict) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(result)
    back = _safe_next(request)
    if _is_htmx(request):
        rendered = selectors.block_render(
            request=request, user=_user(request), block_id=usage_id, return_url=back
        )
        if rendered is None:
            return HttpResponse("")
        # The page's course progress bar moves with the answer (htmx out-of-band).
        progress = selectors.lesson_progress(
            user=_user(request), lesson_id=rendered.block.lesson_id
        )
        oob = render_to_string(
            "content_authoring/_course_progress_oob.html", {"progress": progress}
        )
        return HttpResponse(rendered.html + oob)
    if back:
        return HttpResponseRedirect(f"{back.split('#')[0]}#block-{usage_id}")
    rendered = selectors.block_render(
        request=request, user=_user(request), block_id=usage_id
    )
    return render(request, "content_authoring/block_page.html", {"rendered": rendered})


@require_POST
@_guarded
def lesson_viewed(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """POST /blocks/lessons/<lesson_id>/viewed/: the learner marks a lesson done."""
    count = services.lesson_mark_viewed(
        user=_user(request), lesson_id=lesson_id, submission_id=_submission_id(request)
    )
    progress = selectors.lesson_progress(user=_user(request), lesson_id=lesson_id)
    message = (
        _("Marked as done. Well done!")
        if count
        else _("Nothing new to mark: this lesson's reading is already done.")
    )
    if _wants_json(request):
        return JsonResponse(
            {
                "newly_completed": count,
                "lesson_percent": progress.lesson_percent,
                "course_percent": progress.course_percent,
                "course_completed": progress.course_completed,
            }
        )
    if _is_htmx(request):
        return render(
            request,
            "content_authoring/_lesson_done.html",
            {"progress": progress, "newly_completed": count, "message": message},
        )
    messages.success(request, message)
    return HttpResponseRedirect(_safe_next(request) or "/")


@require_GET
@cache_control(max_age=60 * 60 * 24, public=True)
def block_resource(request: HttpRequest, block_type: str, uri: str) -> FileResponse:
    """GET /blocks/resource/<block_type>/<uri>: a file from an XBlock's ``public/``."""
    try:
        cls = XBlock.load_class(block_type)
        handle = cls.open_local_resource(uri)
    except Exception as exc:
        raise Http404(_("No such file.")) from exc
    content_type = mimetypes.guess_type(uri)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=content_type)
