"""Writes of the ``courses`` domain. Each service checks permissions itself."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from content_authoring import selectors as content_selectors
from courses import selectors
from courses.exceptions import (
    AlreadyEnrolled,
    AlreadyRequested,
    CohortOnly,
    CourseClosed,
    NotEnrolled,
    PrerequisiteMissing,
    WrongRole,
)
from courses.models import (
    Attempt,
    BlockSummary,
    Course,
    Enrollment,
    EnrollmentMode,
    Lesson,
    LessonVisit,
    PublishStatus,
)
from courses.signals import course_completed
from lms.models import Cohort, Role, User
from lms.text import canonical, search_document

# --- courses -----------------------------------------------------------------


def course_save(*, course: Course) -> Course:
    """Save a course with its text normalised and its search document refreshed."""
    course.title = canonical(course.title)
    course.summary = canonical(course.summary)
    course.description = canonical(course.description)
    course.search_text = search_document(
        course.title, course.summary, course.description, course.get_language_display()
    )
    if course.status == PublishStatus.PUBLISHED and course.published_at is None:
        course.published_at = timezone.now()
    course.full_clean(exclude=["search_text", "prerequisites", "trainers"])
    course.save()
    return course


def course_publish(*, actor: User, course: Course) -> Course:
    if not selectors.course_can_manage(user=actor, course=course):
        raise PermissionDenied(_("Only the course's trainers may publish it."))
    course.status = PublishStatus.PUBLISHED
    return course_save(course=course)


# --- enrollment --------------------------------------------------------------


def _missing_prerequisites(*, user: User, course: Course) -> list[str]:
    required = list(course.prerequisites.values_list("id", "title"))
    if not required:
        return []
    done = set(
        Enrollment.objects.filter(
            user=user,
            course_id__in=[pk for pk, _t in required],
            completed_at__isnull=False,
        ).values_list("course_id", flat=True)
    )
    return [title for pk, title in required if pk not in done]


@transaction.atomic
def enrollment_request(*, user: User, course: Course) -> Enrollment:
    """A learner enrolls (open course) or asks to (approval course)."""
    if not user.is_authenticated or user.role != Role.LEARNER:
        raise WrongRole()
    if not course.is_published:
        raise CourseClosed()
    if course.enrollment_mode == EnrollmentMode.COHORT:
        raise CohortOnly()
    existing = (
        Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    )
    if existing and existing.status == Enrollment.Status.ACTIVE:
        raise AlreadyEnrolled()
    if existing and existing.status == Enrollment.Status.PENDING:
        raise AlreadyRequested()
    missing = _missing_prerequisites(user=user, course=course)
    if missing:
        raise PrerequisiteMissing(missing)
    status = (
        Enrollment.Status.ACTIVE
        if course.enrollment_mode == EnrollmentMode.OPEN
        else Enrollment.Status.PENDING
    )
    if existing:  # a refused request asked again
        existing.status = status
        existing.decided_by = None
        existing.save(update_fields=["status", "decided_by"])
        return existing
    try:
        with transaction.atomic():
            return Enrollment.objects.create(
                user=user, course=course, status=status, source=Enrollment.Source.SELF
            )
    except IntegrityError as exc:  # a double click that raced the first request
        raise AlreadyEnrolled() from exc


@transaction.atomic
def enrollment_decide(
    *, actor: User, enrollment: Enrollment, approve: bool
) -> Enrollment:
    if not selectors.course_can_manage(user=actor, course=enrollment.course):
        raise PermissionDenied(_("Only the course's trainers may decide on requests."))
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    enrollment.status = (
        Enrollment.Status.ACTIVE if approve else Enrollment.Status.REJECTED
    )
    enrollment.decided_by = actor
    enrollment.save(update_fields=["status", "decided_by"])
    return enrollment


@dataclass(frozen=True)
class CohortEnrollmentResult:
    enrolled: list[str]
    already: list[str]
    skipped: dict[str, str]  # name -> reason


@transaction.atomic
def enrollment_create_for_cohort(
    *, actor: User, course: Course, cohort: Cohort
) -> CohortEnrollmentResult:
    """Enroll every learner of a cohort; re-running it changes nothing."""
    if not selectors.course_can_manage(user=actor, course=course):
        raise PermissionDenied(
            _("Only the course's trainers or an administrator may do this.")
        )
    if not course.is_published:
        raise ValidationError(_("Publish the course before enrolling a cohort."))
    members = list(cohort.members.all())
    existing = {
        e.user_id: e
        for e in Enrollment.objects.select_for_update().filter(
            course=course, user__in=members
        )
    }
    prerequisite_ids = list(course.prerequisites.values_list("id", flat=True))
    completed: set[tuple[int, int]] = set()
    if prerequisite_ids:
        completed = set(
            Enrollment.objects.filter(
                user__in=members,
                course_id__in=prerequisite_ids,
                completed_at__isnull=False,
            ).values_list("user_id", "course_id")
        )
    enrolled, already, skipped = [], [], {}
    to_create = []
    for member in members:
        name = member.display_name
        if member.role != Role.LEARNER:
            skipped[name] = _("not a learner")
            continue
        current = existing.get(member.pk)
        if current and current.status == Enrollment.Status.ACTIVE:
            already.append(name)
            continue
        if any((member.pk, pk) not in completed for pk in prerequisite_ids):
            skipped[name] = _("prerequisite missing")
            continue
        if current:
            current.status = Enrollment.Status.ACTIVE
            current.source = Enrollment.Source.COHORT
            current.cohort = cohort
            current.decided_by = actor
            current.save(update_fields=["status", "source", "cohort", "decided_by"])
        else:
            to_create.append(
                Enrollment(
                    user=member,
                    course=course,
                    status=Enrollment.Status.ACTIVE,
                    source=Enrollment.Source.COHORT,
                    cohort=cohort,
                    decided_by=actor,
                )
            )
        enrolled.append(name)
    Enrollment.objects.bulk_create(to_create)
    return CohortEnrollmentResult(enrolled=enrolled, already=already, skipped=skipped)


# --- progress ----------------------------------------------------------------


def _active_enrollment(*, user: User, course_id: int, lock: bool = False) -> Enrollment:
    qs = Enrollment.objects.filter(
        user=user, course_id=course_id, status=Enrollment.Status.ACTIVE
    ).select_related("course")
    if lock:
        # Lock the learner's enrollment row only, not the course everyone shares.
        qs = qs.select_for_update(of=("self",))
    enrollment = qs.first()
    if enrollment is None:
        raise NotEnrolled(_("Enroll in the course first."))
    return enrollment


VISIT_GAP = timedelta(minutes=30)


def lesson_visit_record(
    *, user: User, lesson: Lesson, enrollment: Enrollment | None = None
) -> LessonVisit | None:
    """Log a visit and remember the lesson for "continue where you left off".

    Views within ``VISIT_GAP`` of the last one (a reload, the next block) extend
    that visit rather than start a new one. Trainers previewing and
    administrators leave no trace.
    """
    if enrollment is None:
        enrollment = (
            Enrollment.objects.filter(user=user, course_id=lesson.course_id)
            .only("id", "status")
            .first()
        )
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        return None
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(
        last_lesson=lesson, last_activity_at=now
    )
    extended = LessonVisit.objects.filter(
        user=user, lesson=lesson, last_seen_at__gte=now - VISIT_GAP
    ).update(last_seen_at=now)
    if extended:
        return None
    return LessonVisit.objects.create(user=user, lesson=lesson)


@dataclass(frozen=True)
class ResultRecorded:
    attempt: Attempt
    summary: BlockSummary
    created: bool  # False when the submission id had been seen: nothing changed


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError(_("The submission id is not valid.")) from exc


def block_result_record(
    *,
    user: User,
    block_id: int,
    submission_id: uuid.UUID | str,
    progress: float = 1.0,
    score: float | None = None,
    max_score: float | None = None,
    answer: dict | None = None,
    kind: str = "grade",
) -> ResultRecorded:
    """Record a learner's result on a block, once per ``submission_id``.

    A retry of the same submission (a flaky phone resending) returns the first
    record and changes nothing. The block summary keeps the best score and the
    highest progress; the course summary follows, and completing the course
    emits ``course_completed`` after commit.
    """
    submission = _as_uuid(submission_id)
    if not 0 <= progress <= 1:
        raise ValidationError(_("Progress must be between 0 and 1."))
    if score is not None and (max_score is None or not 0 <= score <= max_score):
        raise ValidationError(_("A score must lie between 0 and its maximum."))
    placement = content_selectors.block_placement(block_id=block_id)
    if placement is None:
        raise ValidationError(_("This block does not exist."))
    with transaction.atomic():
        # Locking the enrollment serialises one learner's submissions per course,
        # so the summaries below cannot lose an update.
        enrollment = _active_enrollment(
            user=user, course_id=placement.course_id, lock=True
        )
        if not placement.published:
            raise PermissionDenied(_("This lesson is not published."))
        seen = (
            Attempt.objects.filter(user=user, submission_id=submission)
            .select_related("block")
            .first()
        )
        if seen is not None:
            if seen.block_id != block_id:
                raise ValidationError(
                    _("This submission id was used for another block.")
                )
            summary = BlockSummary.objects.get(user=user, block_id=block_id)
            return ResultRecorded(attempt=seen, summary=summary, created=False)
        attempt = Attempt.objects.create(
            user=user,
            block_id=block_id,
            submission_id=submission,
            kind=kind,
            answer=answer or {},
            score=score,
            max_score=max_score,
            progress=progress,
        )
        summary, _created = BlockSummary.objects.get_or_create(
            user=user,
            block_id=block_id,
            defaults={
                "lesson_id": placement.lesson_id,
                "course_id": placement.course_id,
            },
        )
        summary.attempts = F("attempts") + 1
        summary.progress = max(summary.progress, progress)
        if (
            score is not None
            and max_score
            and (summary.score is None or score / max_score > (summary.fraction or 0))
        ):
            summary.score, summary.max_score = score, max_score
        if summary.progress >= 1 and summary.completed_at is None:
            summary.completed_at = timezone.now()
        summary.save()
        summary.refresh_from_db()
        enrollment_progress_refresh(enrollment=enrollment)
    return ResultRecorded(attempt=attempt, summary=summary, created=True)


def enrollment_progress_refresh(*, enrollment: Enrollment) -> Enrollment:
    """Derive course progress and score from block summaries; complete if due.

    Progress is the share of required blocks completed. The score is the
    weighted mean of the best result on each required graded block (a block not
    yet answered counts as 0). The course completes when every required block is
    done and the score reaches the pass mark.
    """
    course = enrollment.course  # loaded with the enrollment by the callers' lock
    counted = content_selectors.course_counted_blocks(course_id=course.pk)
    summaries = {
        s.block_id: s
        for s in BlockSummary.objects.filter(
            user_id=enrollment.user_id, block_id__in=[b.id for b in counted]
        )
    }
    done = sum(1 for b in counted if (s := summaries.get(b.id)) and s.completed_at)
    progress = done / len(counted) if counted else 0.0
    graded = [b for b in counted if b.graded]
    score = None
    if graded:
        total_weight = sum(b.weight for b in graded) or 1
        score = (
            sum(
                b.weight * ((s.fraction or 0) if (s := summaries.get(b.id)) else 0)
                for b in graded
            )
            / total_weight
        )
    enrollment.progress = progress
    enrollment.score = score
    fields = ["progress", "score"]
    newly_completed = (
        enrollment.completed_at is None
        and counted
        and done == len(counted)
        and (score is None or score + 1e-9 >= course.pass_mark)
    )
    if newly_completed:
        enrollment.completed_at = timezone.now()
        fields.append("completed_at")
    enrollment.save(update_fields=fields)
    if newly_completed:
        ids = {
            "enrollment_id": enrollment.pk,
            "user_id": enrollment.user_id,
            "course_id": enrollment.course_id,
        }
        transaction.on_commit(
            lambda: course_completed.send(sender=Enrollment, **ids), robust=False
        )
    return enrollment


def course_progress_recompute(*, course_id: int) -> int:
    """Re-derive every active enrollment's progress (after the course's required
    blocks changed). Returns how many enrollments were refreshed."""
    refreshed = 0
    for enrollment_id in Enrollment.objects.filter(
        course_id=course_id, status=Enrollment.Status.ACTIVE
    ).values_list("id", flat=True):
        with transaction.atomic():
            enrollment = (
                Enrollment.objects.select_related("course")
                .select_for_update(of=("self",))
                .get(pk=enrollment_id)
            )
            enrollment_progress_refresh(enrollment=enrollment)
        refreshed += 1
    return refreshed
