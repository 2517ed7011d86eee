"""Pages and posts of coursework: thin, each calls one service or selector.

Refusals (400/403/404) come back as the block handlers' do: inside the
block's form for htmx, JSON for JSON callers, a page otherwise.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from content_authoring import selectors as block_selectors
from content_authoring.coursework import selectors, services
from content_authoring.coursework.models import AssignmentSubmission
from content_authoring.models import Block
from content_authoring.uploads import UploadTooLarge, check_uploads, limited_upload_view
from content_authoring.views import (
    _guarded,
    _is_htmx,
    _refusal,
    _safe_next,
    _user,
    _wants_json,
)
from courses import selectors as course_selectors
from courses.models import Course


def _block_answer(request: HttpRequest, block_id: int) -> HttpResponse:
    """After a learner's post: the block again (htmx) or back to the lesson."""
    back = _safe_next(request)
    if _is_htmx(request):
        rendered = block_selectors.block_render(
            request=request, user=_user(request), block_id=block_id, return_url=back
        )
        return HttpResponse(rendered.html if rendered else "")
    if back:
        return HttpResponseRedirect(f"{back.split('#')[0]}#block-{block_id}")
    rendered = block_selectors.block_render(
        request=request, user=_user(request), block_id=block_id
    )
    return render(request, "content_authoring/block_page.html", {"rendered": rendered})


def _upload_limit() -> int:
    return settings.ASSIGNMENT_UPLOAD_MAX_BYTES


@limited_upload_view(_upload_limit)
@require_POST
@_guarded
def assignment_submit(request: HttpRequest, block_id: int) -> HttpResponse:
    """POST /blocks/coursework/assignments/<block_id>/submit/: a learner's upload."""
    try:
        check_uploads(request)
    except UploadTooLarge as exc:
        return _refusal(request, 413, exc.message)
    submission, _created = services.assignment_submit(
        user=_user(request),
        block_id=block_id,
        submission_id=request.POST.get("submission_id", ""),
        upload=request.FILES.get("file"),
        note=request.POST.get("note", ""),
    )
    if _wants_json(request):
        return JsonResponse(
            {"submission": str(submission.uuid), "status": submission.status}
        )
    return _block_answer(request, block_id)


@require_GET
@_guarded
def submission_file(request: HttpRequest, submission_uuid: uuid.UUID) -> FileResponse:
    """GET .../submissions/<uuid>/file/: the file, to its learner and trainers only."""
    submission = selectors.submission_for_file(
        user=_user(request), submission_uuid=submission_uuid
    )
    if submission is None:
        raise Http404(_("No such file."))
    response = FileResponse(
        submission.file.open("rb"),
        content_type=submission.content_type,
        as_attachment=submission.kind != AssignmentSubmission.Kind.PHOTO,
        filename=f"{submission.uuid}{'.jpg' if submission.kind == 'photo' else '.pdf'}",
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@_guarded
def grading_queue(request: HttpRequest, course_id: int) -> HttpResponse:
    """GET .../courses/<id>/grading/: submissions of a course, waiting ones first."""
    course = get_object_or_404(Course, pk=course_id)
    submissions = selectors.submissions_for_grading(user=_user(request), course=course)
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coursework/grading_queue.html",
        {
            "course": course,
            "page": page,
            "waiting": submissions.filter(
                status=AssignmentSubmission.Status.SUBMITTED
            ).count(),
        },
    )


def _criteria(submission: AssignmentSubmission) -> list[dict]:
    return services._assignment_settings(submission.block)["criteria"]


@require_http_methods(["GET", "POST"])
@_guarded
def submission_grade(request: HttpRequest, submission_uuid: uuid.UUID) -> HttpResponse:
    """GET/POST .../submissions/<uuid>/grade/: the rubric form for one submission."""
    submission = selectors.submission_for_grading(
        user=_user(request), submission_uuid=submission_uuid
    )
    if submission is None:
        raise Http404(_("This submission does not exist."))
    criteria = _criteria(submission)
    error = ""
    if request.method == "POST":
        try:
            grade_number = int(request.POST.get("grade_number", ""))
        except ValueError:
            grade_number = -1
        try:
            submission, _changed = services.assignment_grade(
                actor=_user(request),
                submission_uuid=submission.uuid,
                points={
                    i: request.POST.get(f"points-{i}") for i in range(len(criteria))
                },
                feedback=request.POST.get("feedback", ""),
                grade_number=grade_number,
                return_for_retry=request.POST.get("action") == "return",
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return HttpResponseRedirect(
                reverse(
                    "content_authoring:coursework:grading_queue",
                    kwargs={"course_id": submission.block.lesson.course_id},
                )
            )
    scores = submission.rubric_scores or {}
    rows = [
        {
            **c,
            "index": i,
            "given": request.POST.get(f"points-{i}")
            if error
            else scores.get(str(i), ""),
        }
        for i, c in enumerate(criteria)
    ]
    return render(
        request,
        "coursework/grade.html",
        {
            "submission": submission,
            "rows": rows,
            "error": error,
            "feedback": request.POST.get("feedback", "")
            if error
            else submission.feedback,
            "grade_number": submission.grade_count + 1,
            "file_url": reverse(
                "content_authoring:coursework:submission_file",
                kwargs={"submission_uuid": submission.uuid},
            ),
        },
        status=400 if error else 200,
    )


@require_POST
@_guarded
def discussion_post(request: HttpRequest, block_id: int) -> HttpResponse:
    """POST .../discussions/<block_id>/posts/: a learner's reply."""
    post, _created = services.discussion_post_create(
        user=_user(request),
        block_id=block_id,
        submission_id=request.POST.get("submission_id", ""),
        body=request.POST.get("body", ""),
    )
    if _wants_json(request):
        return JsonResponse({"post": post.pk, "created": _created})
    return _block_answer(request, block_id)


@require_GET
@_guarded
def discussion_posts(request: HttpRequest, block_id: int) -> HttpResponse:
    """GET .../discussions/<block_id>/?page=N: every post, 20 a page, newest first."""
    block = get_object_or_404(
        Block.objects.select_related("lesson__course"), pk=block_id
    )
    user = _user(request)
    course = block.lesson.course
    manager = course_selectors.course_can_manage(user=user, course=course)
    if (
        not manager
        and course_selectors.lesson_get_for_user(
            user=user, course=course, lesson_id=block.lesson_id
        )
        is None
    ):
        raise PermissionDenied(_("You are not enrolled in this course."))
    posts = selectors.discussion_posts(block_id=block_id, include_hidden=manager)
    page = Paginator(posts, selectors.POSTS_SHOWN).get_page(request.GET.get("page"))
    return render(
        request,
        "coursework/discussion_posts.html",
        {"discussion": block, "page": page, "can_moderate": manager},
    )


@require_POST
@_guarded
def post_hide(request: HttpRequest, post_id: int) -> HttpResponse:
    """POST .../posts/<id>/hide/: a trainer hides a post (``hidden=0`` shows it)."""
    post = services.discussion_post_hide(
        actor=_user(request),
        post_id=post_id,
        hidden=request.POST.get("hidden", "1") != "0",
    )
    if _wants_json(request):
        return JsonResponse({"post": post.pk, "hidden": post.hidden})
    return _block_answer(request, post.block_id)
