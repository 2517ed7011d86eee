"""Reads of the H5P sub-app."""

from __future__ import annotations

from django.db.models import QuerySet

from content_authoring.h5p.models import H5PPackage
from courses import selectors as course_selectors
from courses.models import Course, Enrollment, Lesson
from lms.models import User


def package_list_for_course(*, course_id: int) -> QuerySet[H5PPackage]:
    return H5PPackage.objects.filter(course_id=course_id).order_by("-created_at")


def package_for_lesson(*, package_id: int | None, lesson_id: int) -> H5PPackage | None:
    """The package if it belongs to the lesson's course (one query)."""
    if not isinstance(package_id, int):
        return None
    return H5PPackage.objects.filter(
        pk=package_id,
        course_id__in=Lesson.objects.filter(pk=lesson_id).values("course_id"),
    ).first()


def package_get_for_player(*, user: User, package_id: int) -> H5PPackage | None:
    """The package if ``user`` may play it: the course's trainers and
    administrators, and its actively enrolled learners."""
    if not user.is_authenticated:
        return None
    package = H5PPackage.objects.select_related("course").filter(pk=package_id).first()
    if package is None:
        return None
    if course_selectors.course_can_manage(user=user, course=package.course):
        return package
    enrollment = course_selectors.enrollment_for(user=user, course=package.course)
    if enrollment is not None and enrollment.status == Enrollment.Status.ACTIVE:
        return package
    return None


def course_for_upload(*, course_id: int) -> Course | None:
    return Course.objects.filter(pk=course_id).first()
