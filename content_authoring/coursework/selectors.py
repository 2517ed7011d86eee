"""Reads of coursework, narrowed to what the user may see."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from content_authoring.coursework.models import AssignmentSubmission, DiscussionPost
from courses import selectors as course_selectors
from courses.models import Course
from lms.models import User

Status = AssignmentSubmission.Status
POSTS_SHOWN = 20


def submission_latest(*, user: User, block_id: int) -> AssignmentSubmission | None:
    """The learner's current submission for an assignment (not a replaced one)."""
    if not user.is_authenticated:
        return None
    return (
        AssignmentSubmission.objects.filter(user=user, block_id=block_id)
        .exclude(status=Status.REPLACED)
        .first()
    )


def submissions_for_grading(
    *, user: User, course: Course
) -> QuerySet[AssignmentSubmission]:
    """A course's current submissions, waiting ones first (oldest first).

    Only the course's trainers and administrators may list them.
    """
    if not course_selectors.course_can_manage(user=user, course=course):
        raise PermissionDenied(_("Only the course's trainers may grade its work."))
    return (
        AssignmentSubmission.objects.filter(block__lesson__course=course)
        .exclude(status=Status.REPLACED)
        .select_related("user", "block__lesson")
        .annotate(
            waiting=Case(
                When(status=Status.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "created_at", "id")
    )


def submission_for_grading(
    *, user: User, submission_uuid: uuid.UUID
) -> AssignmentSubmission | None:
    """One submission, for a trainer of its course; ``PermissionDenied`` otherwise."""
    submission = (
        AssignmentSubmission.objects.select_related(
            "user", "block__lesson__course", "graded_by"
        )
        .filter(uuid=submission_uuid)
        .first()
    )
    if submission is None:
        return None
    if not course_selectors.course_can_manage(
        user=user, course=submission.block.lesson.course
    ):
        raise PermissionDenied(_("Only the course's trainers may grade this work."))
    return submission


def submission_for_file(
    *, user: User, submission_uuid: uuid.UUID
) -> AssignmentSubmission | None:
    """A submission whose file ``user`` may see: their own, or as the course's
    trainer or an administrator. ``PermissionDenied`` for anyone else."""
    submission = (
        AssignmentSubmission.objects.select_related("block__lesson__course")
        .filter(uuid=submission_uuid)
        .first()
    )
    if submission is None or not submission.file:
        return None
    if submission.user_id == user.pk or course_selectors.course_can_manage(
        user=user, course=submission.block.lesson.course
    ):
        return submission
    raise PermissionDenied(
        _("Only the learner and the course's trainers see this file.")
    )


def discussion_posts(
    *, block_id: int, include_hidden: bool = False
) -> QuerySet[DiscussionPost]:
    """A discussion's posts, newest first."""
    qs = DiscussionPost.objects.filter(block_id=block_id).select_related("author")
    if not include_hidden:
        qs = qs.filter(hidden=False)
    return qs.order_by("-created_at", "-id")


def discussion_posted(*, user: User, block_id: int) -> bool:
    return user.is_authenticated and (
        DiscussionPost.objects.filter(author=user, block_id=block_id).exists()
    )
