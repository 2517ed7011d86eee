"""Reads of lesson content, for pages and for other apps."""

from __future__ import annotations

from dataclasses import dataclass

from content_authoring.models import Block


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


def _placement(row: dict) -> BlockPlacement:
    return BlockPlacement(
        id=row["id"],
        lesson_id=row["lesson_id"],
        course_id=row["lesson__course_id"],
        block_type=row["block_type"],
        required=row["required"],
        graded=row["graded"],
        weight=row["weight"],
    )


_FIELDS = ("id", "lesson_id", "lesson__course_id", "block_type", "required", "graded", "weight")


def block_placement(*, block_id: int) -> BlockPlacement | None:
    row = Block.objects.filter(pk=block_id).values(*_FIELDS).first()
    return _placement(row) if row else None


def course_counted_blocks(*, course_id: int) -> list[BlockPlacement]:
    """Required blocks of the course's published lessons: what completion counts."""
    rows = (
        Block.objects.filter(
            lesson__course_id=course_id, lesson__status="published", required=True
        )
        .order_by()
        .values(*_FIELDS)
    )
    return [_placement(r) for r in rows]


def lesson_blocks(*, lesson_id: int) -> list[Block]:
    return list(Block.objects.filter(lesson_id=lesson_id).order_by("position", "id"))
