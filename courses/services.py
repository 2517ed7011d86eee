"""Writes of the ``courses`` domain. Each service checks permissions itself."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
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
    Module,
    Program,
    PublishStatus,
)
from courses.signals import course_completed
from lms.models import Cohort, Role, User
from lms.text import canonical, fold, search_document

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


def course_can_create(*, user: User | AnonymousUser) -> bool:
    """Trainers and administrators create courses."""
    return bool(
        user.is_authenticated and (user.is_province_admin or user.role == Role.TRAINER)
    )


_COURSE_EDITABLE = (
    "title",
    "summary",
    "description",
    "language",
    "target_group",
    "enrollment_mode",
    "hours",
    "pass_mark",
)


@transaction.atomic
def course_create(*, actor: User, program: Program, title: str, **details) -> Course:
    """A new draft course; its creator becomes one of its trainers."""
    if not course_can_create(user=actor):
        raise PermissionDenied(_("Only trainers and administrators create courses."))
    unknown = set(details) - set(_COURSE_EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    title = canonical(title).strip()
    base = slugify(fold(title))[:40].strip("-") or "khoa-hoc"
    slug, n = base, 1
    while Course.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    course = Course(program=program, title=title, slug=slug, **details)
    course = course_save(course=course)
    if actor.role == Role.TRAINER:
        course.trainers.add(actor)
    return course


@transaction.atomic
def course_update(*, actor: User, course: Course, **details) -> Course:
    """Change a course's description and settings (not its slug or trainers)."""
    if not selectors.course_can_manage(user=actor, course=course):
        raise PermissionDenied(_("Only the course's trainers may change it."))
    unknown = set(details) - set(_COURSE_EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    for name, value in details.items():
        setattr(course, name, value)
    return course_save(course=course)


def _can_change(*, actor: User, course: Course) -> None:
    if not selectors.course_can_manage(user=actor, course=course):
        raise PermissionDenied(_("Only the course's trainers may change it."))


def _title(value: str) -> str:
    title = canonical(value or "").strip()
    if not title:
        raise ValidationError(_("Give it a title."))
    if len(title) > 200:
        raise ValidationError(_("Keep the title under 200 characters."))
    return title


@transaction.atomic
def module_create(*, actor: User, course: Course, title: str) -> Module:
    _can_change(actor=actor, course=course)
    last = course.modules.order_by("-position").values_list("position", flat=True)
    return Module.objects.create(
        course=course, title=_title(title), position=(last.first() or 0) + 1
    )


@transaction.atomic
def module_rename(*, actor: User, module: Module, title: str) -> Module:
    _can_change(actor=actor, course=module.course)
    module.title = _title(title)
    module.save(update_fields=["title"])
    return module


def _move(items: list, item, offset: int) -> None:
    """Move ``item`` ``offset`` places in ``items`` and renumber them 1..n."""
    index = items.index(item)
    target = max(0, min(len(items) - 1, index + offset))
    items.insert(target, items.pop(index))
    for position, each in enumerate(items, start=1):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])


@transaction.atomic
def module_move(*, actor: User, module: Module, offset: int) -> None:
    _can_change(actor=actor, course=module.course)
    modules = list(module.course.modules.select_for_update().order_by("position", "id"))
    _move(modules, next(m for m in modules if m.pk == module.pk), offset)


@transaction.atomic
def module_delete(*, actor: User, module: Module) -> None:
    """Delete an empty module; a module with lessons must be emptied first."""
    _can_change(actor=actor, course=module.course)
    if module.lessons.exists():
        raise ValidationError(_("Move or delete this module's lessons first."))
    module.delete()


@transaction.atomic
def lesson_create(
    *, actor: User, module: Module, title: str, estimated_minutes: int = 10
) -> Lesson:
    """A new draft lesson at the end of the module (learners see it once
    published)."""
    _can_change(actor=actor, course=module.course)
    last = module.lessons.order_by("-position").values_list("position", flat=True)
    return Lesson.objects.create(
        module=module,
        course_id=module.course_id,
        title=_title(title),
        position=(last.first() or 0) + 1,
        status=PublishStatus.DRAFT,
        estimated_minutes=max(1, min(600, int(estimated_minutes))),
    )


@transaction.atomic
def lesson_update(
    *,
    actor: User,
    lesson: Lesson,
    title: str,
    estimated_minutes: int,
    module: Module | None = None,
) -> Lesson:
    """Rename a lesson, change its duration, or move it to another module of
    the same course."""
    _can_change(actor=actor, course=lesson.course)
    lesson.title = _title(title)
    lesson.estimated_minutes = max(1, min(600, int(estimated_minutes)))
    fields = ["title", "estimated_minutes"]
    if module is not None and module.pk != lesson.module_id:
        if module.course_id != lesson.course_id:
            raise ValidationError(_("A lesson stays in its own course."))
        last = module.lessons.order_by("-position").values_list("position", flat=True)
        lesson.module, lesson.position = module, (last.first() or 0) + 1
        fields += ["module", "position"]
    lesson.save(update_fields=fields)
    return lesson


@transaction.atomic
def lesson_move(*, actor: User, lesson: Lesson, offset: int) -> None:
    _can_change(actor=actor, course=lesson.course)
    lessons = list(
        Lesson.objects.select_for_update()
        .filter(module_id=lesson.module_id)
        .order_by("position", "id")
    )
    _move(lessons, next(x for x in lessons if x.pk == lesson.pk), offset)


@transaction.atomic
def lesson_unpublish(*, actor: User, lesson: Lesson) -> Lesson:
    """Take a lesson away from learners (their records stay)."""
    _can_change(actor=actor, course=lesson.course)
    lesson.status = PublishStatus.DRAFT
    lesson.save(update_fields=["status"])
    course_id = lesson.course_id
    transaction.on_commit(lambda: _recompute_later(course_id))
    return lesson


@transaction.atomic
def lesson_delete(*, actor: User, lesson: Lesson) -> None:
    """Delete a lesson nobody has worked in; otherwise unpublish it instead."""
    _can_change(actor=actor, course=lesson.course)
    if BlockSummary.objects.filter(lesson=lesson).exists():
        raise ValidationError(
            _(
                "Learners have worked in this lesson: unpublish it instead, so "
                "their records stay."
            )
        )
    lesson.delete()


def _recompute_later(course_id: int) -> None:
    from courses.tasks import course_progress_recompute as task

    task.enqueue(course_id=course_id)


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
