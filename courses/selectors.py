"""Reads of the ``courses`` domain, narrowed to what the user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet

from courses.models import (
    BlockSummary,
    Course,
    Enrollment,
    Lesson,
    Module,
    PublishStatus,
)
from lms.models import Role, User
from lms.text import search_terms

AnyUser = User | AnonymousUser


def course_can_manage(*, user: AnyUser, course: Course) -> bool:
    """Trainers of the course and province administrators manage it."""
    if not user.is_authenticated:
        return False
    if user.is_province_admin:
        return True
    return user.role == Role.TRAINER and course.trainers.filter(pk=user.pk).exists()


def course_list_for_catalog(
    *,
    user: AnyUser,
    query: str = "",
    track: str = "",
    language: str = "",
    target_group: str = "",
) -> QuerySet[Course]:
    """Published courses matching the filters; diacritics folded in ``query``."""
    qs = Course.objects.filter(status=PublishStatus.PUBLISHED).select_related("program")
    if track:
        qs = qs.filter(program__track=track)
    if language:
        qs = qs.filter(language=language)
    if target_group:
        qs = qs.filter(Q(target_group=target_group) | Q(target_group="everyone"))
    terms = search_terms(query)
    if terms:
        whole = "".join(terms)
        each = Q()
        for term in terms:
            each &= Q(search_text__contains=term)
        # "tieng ede" also finds "Tiếng Ê Đê" through the space-free copy.
        qs = qs.filter(each | Q(search_text__contains=whole))
    return qs.annotate(
        lesson_count=Count("lessons", filter=Q(lessons__status=PublishStatus.PUBLISHED))
    ).order_by("program__track", "title")


def course_get_for_user(*, user: AnyUser, slug: str) -> Course | None:
    """A published course, or a draft for those who manage it."""
    course = Course.objects.select_related("program").filter(slug=slug).first()
    if course is None:
        return None
    if course.is_published or course_can_manage(user=user, course=course):
        return course
    return None


def enrollment_for(*, user: AnyUser, course: Course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


@dataclass
class LessonEntry:
    lesson: Lesson
    progress: float = 0.0  # share of its required blocks completed

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


@dataclass
class ModuleEntry:
    module: Module
    lessons: list[LessonEntry] = field(default_factory=list)
    progress: float = 0.0  # share of the module's required blocks completed

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


def course_outline(
    *, user: AnyUser, course: Course, drafts: bool = False
) -> list[ModuleEntry]:
    """Modules and lessons in order, each lesson with the user's progress.

    Four queries whatever the size of the course: modules, lessons, the
    counted blocks and the user's completed blocks.
    """
    lesson_filter = Q() if drafts else Q(status=PublishStatus.PUBLISHED)
    modules = Module.objects.filter(course=course).prefetch_related(
        Prefetch(
            "lessons",
            queryset=Lesson.objects.filter(lesson_filter).order_by("position", "id"),
        )
    )
    counts = _lesson_block_counts(user=user, course=course)
    outline = []
    for m in modules:
        lessons = m.lessons.all()
        done = sum(counts.get(le.pk, (0, 0))[0] for le in lessons)
        total = sum(counts.get(le.pk, (0, 0))[1] for le in lessons)
        outline.append(
            ModuleEntry(
                module=m,
                lessons=[
                    LessonEntry(lesson=le, progress=_share(counts.get(le.pk)))
                    for le in lessons
                ],
                progress=done / total if total else 0.0,
            )
        )
    return outline


def _share(count: tuple[int, int] | None) -> float:
    return count[0] / count[1] if count and count[1] else 0.0


def _lesson_block_counts(
    *, user: AnyUser, course: Course
) -> dict[int, tuple[int, int]]:
    """(completed, total) required blocks per lesson for the user; two queries."""
    from content_authoring.selectors import course_counted_blocks

    counted = course_counted_blocks(course_id=course.pk)
    if not counted:
        return {}
    done: set[int] = set()
    if user.is_authenticated:
        done = set(
            BlockSummary.objects.filter(
                user=user, course=course, completed_at__isnull=False
            ).values_list("block_id", flat=True)
        )
    totals: dict[int, int] = defaultdict(int)
    completed: dict[int, int] = defaultdict(int)
    for block in counted:
        totals[block.lesson_id] += 1
        if block.id in done:
            completed[block.lesson_id] += 1
    return {lesson_id: (completed[lesson_id], n) for lesson_id, n in totals.items()}


def lesson_progress_map(*, user: AnyUser, course: Course) -> dict[int, float]:
    """Share of each lesson's required blocks the user completed."""
    if not user.is_authenticated:
        return {}
    counts = _lesson_block_counts(user=user, course=course)
    return {lesson_id: _share(count) for lesson_id, count in counts.items()}


_UNSET = object()


def lesson_get_for_user(
    *,
    user: AnyUser,
    course: Course,
    lesson_id: int,
    enrollment: Enrollment | None | object = _UNSET,
) -> Lesson | None:
    """The lesson if the user may open it: enrolled learners see published ones.

    Pass the user's ``enrollment`` (or None) when the caller already has it.
    """
    lesson = (
        Lesson.objects.select_related("module", "course")
        .filter(pk=lesson_id, course=course)
        .first()
    )
    if lesson is None:
        return None
    if course_can_manage(user=user, course=course):
        return lesson
    if not user.is_authenticated or not (
        course.is_published and lesson.status == PublishStatus.PUBLISHED
    ):
        return None
    if enrollment is _UNSET:
        enrollment = enrollment_for(user=user, course=course)
    active = isinstance(enrollment, Enrollment) and (
        enrollment.status == Enrollment.Status.ACTIVE
    )
    return lesson if active else None


@dataclass(frozen=True)
class LessonLink:
    id: int
    title: str


def lesson_neighbours(*, lesson: Lesson) -> tuple[LessonLink | None, LessonLink | None]:
    """Previous and next published lessons of the course, in outline order."""
    ordered = [
        LessonLink(id=pk, title=title)
        for pk, title in Lesson.objects.filter(
            course_id=lesson.course_id, status=PublishStatus.PUBLISHED
        )
        .order_by("module__position", "module_id", "position", "id")
        .values_list("id", "title")
    ]
    ids = [link.id for link in ordered]
    if lesson.pk not in ids:
        return None, None
    i = ids.index(lesson.pk)
    previous = ordered[i - 1] if i > 0 else None
    following = ordered[i + 1] if i + 1 < len(ordered) else None
    return previous, following


def enrollments_for_home(*, user: User) -> QuerySet[Enrollment]:
    """A learner's courses with what the home page shows, in one query."""
    return (
        Enrollment.objects.filter(user=user)
        .exclude(status=Enrollment.Status.REJECTED)
        .select_related("course", "course__program", "last_lesson")
        .order_by("completed_at", "-last_activity_at", "-created_at")
    )


def first_lesson_id(*, course_ids: list[int]) -> dict[int, int]:
    """The first published lesson of each course, for "start learning"."""
    rows = (
        Lesson.objects.filter(course_id__in=course_ids, status=PublishStatus.PUBLISHED)
        .order_by("course_id", "module__position", "module_id", "position", "id")
        .values_list("course_id", "id")
    )
    first: dict[int, int] = {}
    for course_id, lesson_id in rows:
        first.setdefault(course_id, lesson_id)
    return first


def courses_taught(*, user: User) -> QuerySet[Course]:
    qs = Course.objects.all() if user.is_province_admin else user.courses_taught.all()
    return (
        qs.select_related("program")
        .annotate(
            learner_count=Count("enrollments", filter=Q(enrollments__status="active")),
            pending_count=Count("enrollments", filter=Q(enrollments__status="pending")),
        )
        .order_by("title")
    )


def course_learners(*, course: Course) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(course=course)
        .exclude(status=Enrollment.Status.REJECTED)
        .select_related("user", "user__profile", "user__profile__commune", "cohort")
        .order_by("status", "user__full_name", "user__username")
    )


@dataclass
class GradebookRow:
    enrollment: Enrollment
    cells: list[float | None]  # best fraction per graded block, None if unanswered


@dataclass
class Gradebook:
    columns: list[tuple[int, str]]  # (block id, label)
    rows: list[GradebookRow]


def gradebook(*, course: Course) -> Gradebook:
    """Every active learner against every graded block of the course."""
    from content_authoring.selectors import course_counted_blocks

    graded = [b for b in course_counted_blocks(course_id=course.pk) if b.graded]
    lessons = dict(Lesson.objects.filter(course=course).values_list("id", "title"))
    columns = [(b.id, f"{lessons.get(b.lesson_id, '')} · #{b.id}") for b in graded]
    enrollments = list(
        course_learners(course=course).filter(status=Enrollment.Status.ACTIVE)
    )
    best: dict[tuple[int, int], float | None] = {}
    for s in BlockSummary.objects.filter(
        course=course, block_id__in=[c[0] for c in columns]
    ).only("user_id", "block_id", "score", "max_score"):
        best[(s.user_id, s.block_id)] = s.fraction
    rows = [
        GradebookRow(
            enrollment=e,
            cells=[best.get((e.user_id, block_id)) for block_id, _ in columns],
        )
        for e in enrollments
    ]
    return Gradebook(columns=columns, rows=rows)


def block_summaries_for_user(
    *, user: AnyUser, block_ids: list[int]
) -> dict[int, BlockSummary]:
    """The user's standing on each of ``block_ids`` (absent: never touched)."""
    if not user.is_authenticated or not block_ids:
        return {}
    return {
        s.block_id: s
        for s in BlockSummary.objects.filter(user=user, block_id__in=block_ids).only(
            "block_id", "progress", "score", "max_score", "completed_at"
        )
    }


def lesson_get(*, lesson_id: int) -> Lesson | None:
    """A lesson with its course, whatever its state; callers check access."""
    return Lesson.objects.select_related("course").filter(pk=lesson_id).first()
