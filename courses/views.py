"""Pages of the learner's path and the trainer's course view. Thin: parse, call
one selector or service, render."""

from __future__ import annotations

import csv
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from content_authoring.selectors import lesson_render
from courses import selectors, services
from courses.exceptions import EnrollmentRefused
from courses.forms import CatalogFilterForm, CohortEnrollForm
from courses.models import Course, Enrollment
from lms.models import User


def _user(request: HttpRequest) -> User:
    """The signed-in user (views behind ``login_required``)."""
    return cast(User, request.user)


def _course_or_404(request: HttpRequest, slug: str) -> Course:
    course = selectors.course_get_for_user(user=_user(request), slug=slug)
    if course is None:
        raise Http404(_("No such course."))
    return course


def _managed_course_or_403(request: HttpRequest, slug: str) -> Course:
    course = _course_or_404(request, slug)
    if not selectors.course_can_manage(user=_user(request), course=course):
        raise PermissionDenied(
            _("Only the course's trainers and administrators see this.")
        )
    return course


def catalog(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = selectors.course_list_for_catalog(
        user=_user(request),
        query=filters.get("q", ""),
        track=filters.get("track", ""),
        language=filters.get("language", ""),
        target_group=filters.get("target_group", ""),
    )
    template = (
        "courses/_catalog_results.html"
        if request.headers.get("HX-Request")
        else "courses/catalog.html"
    )
    return render(request, template, {"form": form, "courses": courses})


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(request, slug)
    enrollment = selectors.enrollment_for(user=_user(request), course=course)
    can_manage = selectors.course_can_manage(user=_user(request), course=course)
    outline = selectors.course_outline(
        user=_user(request), course=course, drafts=can_manage
    )
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "enrollment": enrollment,
            "outline": outline,
            "can_manage": can_manage,
            "prerequisites": list(course.prerequisites.all()),
        },
    )


@login_required
@require_POST
def course_enroll(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(request, slug)
    try:
        enrollment = services.enrollment_request(user=_user(request), course=course)
    except EnrollmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if enrollment.status == Enrollment.Status.ACTIVE:
            messages.success(
                request, _("You are enrolled. Start with the first lesson.")
            )
        else:
            messages.success(
                request, _("Your request was sent to the course's trainers.")
            )
    return redirect("courses:detail", slug=course.slug)


@login_required
def course_continue(request: HttpRequest, slug: str) -> HttpResponse:
    """Go to where the learner left off, or to the first lesson."""
    course = _course_or_404(request, slug)
    enrollment = selectors.enrollment_for(user=_user(request), course=course)
    lesson_id = enrollment.last_lesson_id if enrollment else None
    if lesson_id is None:
        lesson_id = selectors.first_lesson_id(course_ids=[course.pk]).get(course.pk)
    if lesson_id is None:
        return redirect("courses:detail", slug=course.slug)
    return redirect("courses:lesson", slug=course.slug, lesson_id=lesson_id)


@login_required
def lesson_detail(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course = _course_or_404(request, slug)
    user = _user(request)
    enrollment = selectors.enrollment_for(user=user, course=course)
    lesson = selectors.lesson_get_for_user(
        user=user, course=course, lesson_id=lesson_id, enrollment=enrollment
    )
    if lesson is None:
        if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
            messages.error(request, _("Enroll in the course to open its lessons."))
            return redirect("courses:detail", slug=course.slug)
        raise Http404(_("No such lesson."))
    services.lesson_visit_record(user=user, lesson=lesson, enrollment=enrollment)
    rendered = lesson_render(request=request, user=user, lesson=lesson)
    previous, following = selectors.lesson_neighbours(lesson=lesson)
    return render(
        request,
        "courses/lesson_detail.html",
        {
            "course": course,
            "lesson": lesson,
            "rendered": rendered,
            "previous": previous,
            "next": following,
            "enrollment": enrollment,
        },
    )


@login_required
def course_manage(request: HttpRequest, slug: str) -> HttpResponse:
    course = _managed_course_or_403(request, slug)
    learners = list(selectors.course_learners(course=course))
    return render(
        request,
        "courses/course_manage.html",
        {
            "course": course,
            "pending": [e for e in learners if e.status == Enrollment.Status.PENDING],
            "active": [e for e in learners if e.status == Enrollment.Status.ACTIVE],
            "cohort_form": CohortEnrollForm(),
        },
    )


@login_required
@require_POST
def course_enroll_cohort(request: HttpRequest, slug: str) -> HttpResponse:
    course = _managed_course_or_403(request, slug)
    form = CohortEnrollForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a cohort."))
        return redirect("courses:manage", slug=course.slug)
    try:
        result = services.enrollment_create_for_cohort(
            actor=_user(request), course=course, cohort=form.cleaned_data["cohort"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("courses:manage", slug=course.slug)
    messages.success(
        request,
        _("Enrolled %(new)d; %(already)d were already enrolled; %(skipped)d skipped.")
        % {
            "new": len(result.enrolled),
            "already": len(result.already),
            "skipped": len(result.skipped),
        },
    )
    for name, reason in result.skipped.items():
        messages.warning(request, f"{name}: {reason}")
    return redirect("courses:manage", slug=course.slug)


@login_required
@require_POST
def enrollment_decide(
    request: HttpRequest, slug: str, enrollment_id: int
) -> HttpResponse:
    course = _managed_course_or_403(request, slug)
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, course=course)
    try:
        services.enrollment_decide(
            actor=_user(request),
            enrollment=enrollment,
            approve=request.POST.get("decision") == "approve",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("courses:manage", slug=course.slug)


@login_required
def course_gradebook(request: HttpRequest, slug: str) -> HttpResponse:
    course = _managed_course_or_403(request, slug)
    book = selectors.gradebook(course=course)
    return render(request, "courses/gradebook.html", {"course": course, "book": book})


@login_required
def course_gradebook_csv(request: HttpRequest, slug: str) -> HttpResponse:
    course = _managed_course_or_403(request, slug)
    book = selectors.gradebook(course=course)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{course.slug}-gradebook.csv"'
    )
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Username"),
            _("Full name"),
            _("Commune"),
            _("Progress %"),
            _("Score %"),
            _("Completed at"),
            *[label for _id, label in book.columns],
        ]
    )
    for row in book.rows:
        e = row.enrollment
        profile = getattr(e.user, "profile", None)
        writer.writerow(
            [
                e.user.username,
                e.user.display_name,
                profile.commune.name if profile and profile.commune else "",
                e.progress_percent,
                "" if e.score is None else round(e.score * 100),
                e.completed_at.isoformat() if e.completed_at else "",
                *["" if c is None else round(c * 100) for c in row.cells],
            ]
        )
    return response
