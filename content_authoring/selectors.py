"""Reads of lesson content, for pages and for other apps."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock

from content_authoring.blocks import BLOCKS_CSS, BLOCKS_JS, AnswerableBlock
from content_authoring.models import Block, BlockTypePreference, BlockUserState
from content_authoring.runtime import (
    BlockRuntime,
    BlockTypeUnavailable,
    resources_html,
)
from courses import selectors as course_selectors
from courses.models import BlockSummary, Lesson
from lms.models import User


@dataclass(frozen=True, slots=True)
class BlockPlacement:
    """Where a block sits and how it counts; all other apps need to know of it."""

    id: int
    lesson_id: int
    course_id: int
    block_type: str
    required: bool
    graded: bool
    weight: float
    # Whether learners can reach it: its lesson and course are published.
    published: bool = True


def _placement(row: dict) -> BlockPlacement:
    return BlockPlacement(
        id=row["id"],
        lesson_id=row["lesson_id"],
        course_id=row["lesson__course_id"],
        block_type=row["block_type"],
        required=row["required"],
        graded=row["graded"],
        weight=row["weight"],
        published=row.get("live", True)
        and row.get("lesson__status", "published") == "published"
        and row.get("lesson__course__status", "published") == "published",
    )


_FIELDS = (
    "id",
    "lesson_id",
    "lesson__course_id",
    "block_type",
    "required",
    "graded",
    "weight",
)


def block_placement(*, block_id: int) -> BlockPlacement | None:
    row = (
        Block.objects.filter(pk=block_id)
        .values(*_FIELDS, "live", "lesson__status", "lesson__course__status")
        .first()
    )
    return _placement(row) if row else None


def course_counted_blocks(*, course_id: int) -> list[BlockPlacement]:
    """Required blocks of the course's published lessons: what completion counts."""
    rows = (
        Block.objects.filter(
            lesson__course_id=course_id,
            lesson__status="published",
            required=True,
            live=True,
        )
        .order_by()
        .values(*_FIELDS)
    )
    return [_placement(r) for r in rows]


def blocks_pointing_at(
    *, course_id: int, block_type: str, field: str, value: object
) -> list[BlockPlacement]:
    """Published blocks of ``block_type`` in the course whose content field
    ``field`` equals ``value`` (a live-session block naming its session)."""
    rows = (
        Block.objects.filter(
            lesson__course_id=course_id, block_type=block_type, live=True
        )
        .order_by()
        .values(*_FIELDS, "fields", "live", "lesson__status", "lesson__course__status")
    )
    return [_placement(r) for r in rows if (r["fields"] or {}).get(field) == value]


def lesson_blocks(*, lesson_id: int) -> list[Block]:
    """The published blocks of a lesson, in order: what learners see."""
    return list(
        Block.objects.filter(lesson_id=lesson_id, live=True).order_by("position", "id")
    )


# --- drafts ------------------------------------------------------------------------

_DRAFTABLE = ("fields", "position", "required", "graded", "weight")


def block_draft(block: Block) -> Block:
    """The block as its draft stands: an unsaved copy with the draft's values.

    The copy has the same primary key, so the runtime reads its draft fields
    and the learner's state alike. Save the original row, never the copy.
    """
    copy = Block(
        pk=block.pk,
        lesson_id=block.lesson_id,
        block_type=block.block_type,
        live=block.live,
        draft=block.draft,
        updated_at=block.updated_at,
    )
    draft = block.draft or {}
    for name in _DRAFTABLE:
        setattr(copy, name, draft.get(name, getattr(block, name)))
    return copy


def block_is_removed_in_draft(block: Block) -> bool:
    return bool(block.draft and block.draft.get("removed"))


def block_has_changes(block: Block) -> bool:
    """Whether publishing would change this block for learners."""
    return not block.live or bool(block.draft)


def lesson_blocks_draft(*, lesson_id: int) -> list[Block]:
    """The lesson's blocks as the draft stands (removed ones left out), in order."""
    rows = Block.objects.filter(lesson_id=lesson_id)
    drafts = [block_draft(b) for b in rows if not block_is_removed_in_draft(b)]
    return sorted(drafts, key=lambda b: (b.position, b.pk))


def lesson_blocks_for_authoring(*, lesson_id: int) -> list[Block]:
    """Every block row of the lesson (live, new and removed in the draft)."""
    return list(Block.objects.filter(lesson_id=lesson_id).order_by("position", "id"))


# --- rendering for learners ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderedBlock:
    """A block rendered for one learner, with their standing on it."""

    block: Block
    html: SafeString
    available: bool  # False: its type cannot load or it failed; html says so
    completed: bool = False
    progress: float = 0.0
    score: float | None = None
    max_score: float | None = None


@dataclass(frozen=True, slots=True)
class RenderedLesson:
    """A lesson's blocks in order, and what the page must include once."""

    blocks: list[RenderedBlock]
    head_html: SafeString  # CSS links, for the page's <head>
    foot_html: SafeString  # scripts, for the end of <body>
    # A fresh id for the "mark as done" form (content_authoring:lesson_viewed).
    viewed_submission_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def completed(self) -> bool:
        return bool(self.blocks) and all(
            b.completed for b in self.blocks if b.block.required
        )


def lesson_render(
    *, request: HttpRequest, user: User, lesson: Lesson, draft: bool = False
) -> RenderedLesson:
    """Render every block of ``lesson`` for ``user`` (the learner's student_view).

    Four queries whatever the number of blocks: the blocks, the user's block
    states, their block-type preferences and their block summaries. The caller
    has already checked that the user may see the lesson
    (``courses.selectors.lesson_get_for_user``), or, with ``draft``, that the
    user may author it: the draft is then rendered exactly as learners will
    see it once published.
    """
    blocks = (
        lesson_blocks_draft(lesson_id=lesson.pk)
        if draft
        else lesson_blocks(lesson_id=lesson.pk)
    )
    runtime = BlockRuntime(
        user=user, request=request, return_url=request.get_full_path()
    )
    _prime(runtime, user=user, blocks=blocks)
    _prefetch(runtime, blocks)
    summaries = course_selectors.block_summaries_for_user(
        user=user, block_ids=[b.pk for b in blocks]
    )
    page = Fragment()
    if blocks:
        # blocks.js also serves the lesson's "mark as done" form.
        page.add_css_url(runtime.resource_url(BLOCKS_CSS))
        page.add_javascript_url(runtime.resource_url(BLOCKS_JS))
    rendered = []
    for block in blocks:
        fragment, available = runtime.render_usage(block.pk, "student_view", {})
        page.add_fragment_resources(fragment)
        rendered.append(_rendered(block, fragment, available, summaries.get(block.pk)))
    return RenderedLesson(
        blocks=rendered,
        head_html=resources_html(page, "head"),
        foot_html=resources_html(page, "foot"),
    )


def block_render(
    *, request: HttpRequest, user: User, block_id: int, return_url: str = ""
) -> RenderedBlock | None:
    """One block rendered for ``user`` (after a handler changed it), or None."""
    block = Block.objects.filter(pk=block_id, live=True).first()
    if block is None:
        return None
    runtime = BlockRuntime(user=user, request=request, return_url=return_url)
    _prime(runtime, user=user, blocks=[block])
    fragment, available = runtime.render_usage(block.pk, "student_view", {})
    summary = course_selectors.block_summaries_for_user(
        user=user, block_ids=[block.pk]
    ).get(block.pk)
    return _rendered(block, fragment, available, summary)


def _prefetch(runtime: BlockRuntime, blocks: list[Block]) -> None:
    """Let each block type read what all its blocks on the page need at once:
    a class may define ``prefetch_for_lesson(runtime, rows)`` (media players
    read every asset in two queries instead of two per player)."""
    by_type: dict[str, list[Block]] = {}
    for block in blocks:
        by_type.setdefault(block.block_type, []).append(block)
    for block_type, rows in by_type.items():
        try:
            cls = runtime.load_block_type(block_type)
        except BlockTypeUnavailable:
            continue
        prefetch = getattr(cls, "prefetch_for_lesson", None)
        if prefetch is not None:
            prefetch(runtime, rows)


def _prime(runtime: BlockRuntime, *, user: User, blocks: list[Block]) -> None:
    if not user.is_authenticated:
        runtime.kvs.prime(blocks=blocks)
        return
    ids = [b.pk for b in blocks]
    types = sorted({b.block_type for b in blocks})
    runtime.kvs.prime(
        blocks=blocks,
        states=BlockUserState.objects.filter(user=user, block_id__in=ids).only(
            "block_id", "state"
        ),
        preferences=BlockTypePreference.objects.filter(
            user=user, block_type__in=types
        ).only("block_type", "state"),
    )


def _rendered(
    block: Block, fragment: Fragment, available: bool, summary: BlockSummary | None
) -> RenderedBlock:
    return RenderedBlock(
        block=block,
        html=mark_safe(fragment.body_html()),  # noqa: S308 - blocks escape their own
        available=available,
        completed=bool(summary and summary.completed_at),
        progress=summary.progress if summary else 0.0,
        score=summary.score if summary else None,
        max_score=summary.max_score if summary else None,
    )


def completed_block_ids(*, user: User, block_ids: list[int]) -> set[int]:
    """Which of ``block_ids`` the user has completed."""
    return {
        block_id
        for block_id, s in course_selectors.block_summaries_for_user(
            user=user, block_ids=block_ids
        ).items()
        if s.completed_at
    }


def block_type_answerable(*, block_type: str) -> bool:
    """Whether blocks of this type are graded from an answer (``block_submit``)."""
    try:
        cls = XBlock.load_class(block_type)
    except Exception:
        return False
    return issubclass(cls, AnswerableBlock)


def block_type_scored(*, block_type: str) -> bool:
    """Whether blocks of this type give a score (so count towards the course
    score by default): answered on the server, graded by a trainer, or a
    third-party block with ``has_score``."""
    try:
        cls = XBlock.load_class(block_type)
    except Exception:
        return False
    return issubclass(cls, AnswerableBlock) or bool(getattr(cls, "has_score", False))


def block_type_viewable(cls: type) -> bool:
    """Whether viewing a block of this class completes it ("mark as done").

    Blocks with a score complete by being answered; aggregators and excluded
    blocks never complete on their own.
    """
    return (
        not getattr(cls, "has_score", False)
        # XBlock's flag for blocks that publish their own completion (a
        # discussion completes on the learner's first post).
        and not getattr(cls, "has_custom_completion", False)
        and XBlockCompletionMode.get_mode(cls) == XBlockCompletionMode.COMPLETABLE
    )


@dataclass(frozen=True, slots=True)
class LessonProgress:
    lesson: Lesson
    lesson_percent: int  # share of the lesson's required blocks completed
    course_percent: int
    course_completed: bool


def lesson_progress(*, user: User, lesson_id: int) -> LessonProgress:
    """The learner's progress in a lesson and its course, after "mark as done"."""
    lesson = course_selectors.lesson_get(lesson_id=lesson_id)
    if lesson is None:
        raise Lesson.DoesNotExist(lesson_id)
    per_lesson = course_selectors.lesson_progress_map(user=user, course=lesson.course)
    enrollment = course_selectors.enrollment_for(user=user, course=lesson.course)
    return LessonProgress(
        lesson=lesson,
        lesson_percent=round(per_lesson.get(lesson_id, 0.0) * 100),
        course_percent=enrollment.progress_percent if enrollment else 0,
        course_completed=bool(enrollment and enrollment.completed_at),
    )
