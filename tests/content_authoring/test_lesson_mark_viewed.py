"""Marking a lesson as done completes its non-graded blocks, once."""

from __future__ import annotations

import uuid

import pytest

from content_authoring.models import Block
from content_authoring.services import block_submit, lesson_mark_viewed
from courses.exceptions import NotEnrolled
from courses.models import Attempt, BlockSummary, Enrollment
from courses.signals import course_completed


def test_marks_non_graded_blocks_done_and_counts_them(
    enrolled, lesson, html_block, mcq
):
    image = Block.objects.create(
        lesson=lesson,
        block_type="image",
        position=3,
        fields={"src": "/media/a.jpg", "alt": "ảnh"},
    )
    count = lesson_mark_viewed(
        user=enrolled, lesson_id=lesson.pk, submission_id=uuid.uuid4()
    )
    assert count == 2
    completed = set(
        BlockSummary.objects.filter(
            user=enrolled, completed_at__isnull=False
        ).values_list("block_id", flat=True)
    )
    assert completed == {html_block.pk, image.pk}  # the question needs an answer


def test_retry_with_same_submission_id_counts_once(enrolled, lesson, html_block):
    submission_id = uuid.uuid4()
    assert (
        lesson_mark_viewed(
            user=enrolled, lesson_id=lesson.pk, submission_id=submission_id
        )
        == 1
    )
    assert (
        lesson_mark_viewed(
            user=enrolled, lesson_id=lesson.pk, submission_id=submission_id
        )
        == 0
    )
    assert Attempt.objects.filter(user=enrolled, block=html_block).count() == 1
    assert BlockSummary.objects.get(user=enrolled, block=html_block).attempts == 1


def test_marking_again_later_records_nothing_new(enrolled, lesson, html_block):
    lesson_mark_viewed(user=enrolled, lesson_id=lesson.pk, submission_id=uuid.uuid4())
    assert (
        lesson_mark_viewed(
            user=enrolled, lesson_id=lesson.pk, submission_id=uuid.uuid4()
        )
        == 0
    )
    assert Attempt.objects.filter(block=html_block).count() == 1


def test_block_ids_are_derived_from_the_submission_id(enrolled, lesson, html_block):
    submission_id = uuid.uuid4()
    lesson_mark_viewed(user=enrolled, lesson_id=lesson.pk, submission_id=submission_id)
    attempt = Attempt.objects.get(block=html_block)
    assert attempt.submission_id == uuid.uuid5(submission_id, str(html_block.pk))
    assert attempt.kind == "completion"


def test_a_video_already_played_through_is_not_counted_again(enrolled, lesson):
    video = Block.objects.create(
        lesson=lesson, block_type="video", position=3, fields={"src": "/media/v.mp4"}
    )
    from content_authoring.runtime import BlockRuntime

    runtime = BlockRuntime(user=enrolled, submission_id=uuid.uuid4())
    block = runtime.get_block(str(video.pk))
    block.emit_completion(1.0)
    assert (
        lesson_mark_viewed(
            user=enrolled, lesson_id=lesson.pk, submission_id=uuid.uuid4()
        )
        == 1
    )  # the text block only
    assert Attempt.objects.filter(block=video).count() == 1


def test_learner_not_enrolled_is_refused(learner, lesson):
    with pytest.raises(NotEnrolled):
        lesson_mark_viewed(
            user=learner, lesson_id=lesson.pk, submission_id=uuid.uuid4()
        )
    assert not Attempt.objects.exists()


def test_completing_every_block_completes_the_course_once(
    enrolled, course, lesson, mcq, django_capture_on_commit_callbacks
):
    sent = []

    def receiver(sender, **kwargs):
        sent.append(kwargs)

    course_completed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            lesson_mark_viewed(
                user=enrolled, lesson_id=lesson.pk, submission_id=uuid.uuid4()
            )
        assert Enrollment.objects.get(user=enrolled, course=course).completed_at is None
        with django_capture_on_commit_callbacks(execute=True):
            block_submit(
                user=enrolled,
                block_id=mcq.pk,
                submission_id=uuid.uuid4(),
                data={"selected": [1]},
            )
        with django_capture_on_commit_callbacks(execute=True):
            block_submit(
                user=enrolled,
                block_id=mcq.pk,
                submission_id=uuid.uuid4(),
                data={"selected": [1]},
            )
            lesson_mark_viewed(
                user=enrolled, lesson_id=lesson.pk, submission_id=uuid.uuid4()
            )
    finally:
        course_completed.disconnect(receiver)

    enrollment = Enrollment.objects.get(user=enrolled, course=course)
    assert enrollment.completed_at is not None
    assert enrollment.progress == 1.0
    assert len(sent) == 1
    assert sent[0]["enrollment_id"] == enrollment.pk
