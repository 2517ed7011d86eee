"""Answers graded on the server through ``block_submit``, recorded once each."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from content_authoring.models import Block, BlockUserState
from content_authoring.services import BlockNotFound, block_submit
from courses.exceptions import NotEnrolled
from courses.models import Attempt, BlockSummary
from tests import factories


def _submit(user, block, selected, submission_id=None):
    return block_submit(
        user=user,
        block_id=block.pk,
        submission_id=submission_id or uuid.uuid4(),
        data={"selected": selected},
    )


def test_right_answer_scores_full_marks(enrolled, mcq):
    result = _submit(enrolled, mcq, [1])
    assert result["correct"] is True
    assert result["score"] == 1.0 and result["max_score"] == 1.0
    assert result["duplicate"] is False
    assert "✓" in result["feedback_html"]
    summary = BlockSummary.objects.get(user=enrolled, block=mcq)
    assert summary.score == 1.0 and summary.completed_at is not None


def test_wrong_answer_scores_zero_and_still_completes_the_block(enrolled, mcq):
    result = _submit(enrolled, mcq, ["0"])  # form posts send strings
    assert result["correct"] is False and result["score"] == 0.0
    summary = BlockSummary.objects.get(user=enrolled, block=mcq)
    assert summary.score == 0.0 and summary.completed_at is not None


def test_multiple_answer_question_needs_exactly_the_right_set(enrolled, lesson):
    block = Block.objects.create(
        lesson=lesson,
        block_type="mcq",
        position=3,
        graded=True,
        fields={
            "question": "Cây nào trồng ở Đắk Lắk?",
            "choices": ["Cà phê", "Hồ tiêu", "Lúa mì"],
            "correct": [0, 1],
        },
    )
    assert _submit(enrolled, block, [0])["correct"] is False
    assert _submit(enrolled, block, [0, 1, 2])["correct"] is False
    assert _submit(enrolled, block, [1, 0])["correct"] is True


def test_single_answer_question_refuses_two_choices(enrolled, mcq):
    with pytest.raises(ValidationError):
        _submit(enrolled, mcq, [0, 1])
    assert not Attempt.objects.exists()


def test_retry_with_same_submission_id_counts_once(enrolled, mcq):
    submission_id = uuid.uuid4()
    first = _submit(enrolled, mcq, [0], submission_id)
    again = _submit(enrolled, mcq, [0], submission_id)
    assert first["duplicate"] is False and again["duplicate"] is True
    assert again["correct"] is False and again["score"] == 0.0
    assert Attempt.objects.filter(user=enrolled, block=mcq).count() == 1
    assert BlockSummary.objects.get(user=enrolled, block=mcq).attempts == 1
    assert BlockUserState.objects.get(user=enrolled, block=mcq).state["attempts"] == 1


def test_resend_changes_nothing_even_with_a_different_answer(enrolled, mcq):
    submission_id = uuid.uuid4()
    _submit(enrolled, mcq, [0], submission_id)
    again = _submit(enrolled, mcq, [1], submission_id)
    assert again["duplicate"] is True and again["correct"] is False
    summary = BlockSummary.objects.get(user=enrolled, block=mcq)
    assert summary.score == 0.0 and summary.attempts == 1
    state = BlockUserState.objects.get(user=enrolled, block=mcq).state
    assert state["selected"] == [0]


def test_new_submission_id_counts_again(enrolled, mcq):
    _submit(enrolled, mcq, [0])
    _submit(enrolled, mcq, [0])
    assert Attempt.objects.filter(user=enrolled, block=mcq).count() == 2
    assert BlockSummary.objects.get(user=enrolled, block=mcq).attempts == 2


def test_best_score_is_kept(enrolled, mcq):
    _submit(enrolled, mcq, [1])
    _submit(enrolled, mcq, [2])
    summary = BlockSummary.objects.get(user=enrolled, block=mcq)
    assert summary.score == 1.0 and summary.attempts == 2
    state = BlockUserState.objects.get(user=enrolled, block=mcq).state
    assert state["best_score"] == 1.0 and state["last_correct"] is False


def test_learner_not_enrolled_is_refused_and_nothing_recorded(learner, mcq):
    with pytest.raises(NotEnrolled):
        _submit(learner, mcq, [1])
    assert not Attempt.objects.exists()
    assert not BlockUserState.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"selected": [7]},
        {"selected": [-1]},
        {"selected": ["một"]},
        {"selected": [1.5]},
        {"selected": [True]},
        {"selected": []},
        {"selected": {"a": 1}},
        {},
    ],
)
def test_malformed_answer_is_refused_and_nothing_recorded(enrolled, mcq, data):
    with pytest.raises(ValidationError):
        block_submit(
            user=enrolled, block_id=mcq.pk, submission_id=uuid.uuid4(), data=data
        )
    assert not Attempt.objects.exists()
    assert not BlockSummary.objects.exists()
    assert not BlockUserState.objects.exists()


@pytest.mark.parametrize("submission_id", ["", "not-a-uuid", None])
def test_malformed_submission_id_is_refused(enrolled, mcq, submission_id):
    with pytest.raises(ValidationError):
        block_submit(
            user=enrolled,
            block_id=mcq.pk,
            submission_id=submission_id,
            data={"selected": [1]},
        )
    assert not Attempt.objects.exists()


def test_unknown_block_is_not_found(enrolled):
    with pytest.raises(BlockNotFound):
        block_submit(
            user=enrolled,
            block_id=999_999,
            submission_id=uuid.uuid4(),
            data={"selected": [1]},
        )


def test_blocks_without_answers_refuse_submissions(enrolled, html_block):
    with pytest.raises(ValidationError):
        block_submit(
            user=enrolled,
            block_id=html_block.pk,
            submission_id=uuid.uuid4(),
            data={"selected": [1]},
        )


def test_unpublished_lesson_refuses_answers(enrolled, mcq, lesson):
    lesson.status = "draft"
    lesson.save()
    with pytest.raises(PermissionDenied) as caught:
        _submit(enrolled, mcq, [1])
    assert not isinstance(caught.value, NotEnrolled)
    assert not Attempt.objects.exists()


def test_same_submission_id_on_another_block_is_refused(enrolled, mcq, lesson):
    other = Block.objects.create(
        lesson=lesson,
        block_type="mcq",
        position=3,
        graded=True,
        fields={"question": "?", "choices": ["a", "b"], "correct": [0]},
    )
    submission_id = uuid.uuid4()
    _submit(enrolled, mcq, [1], submission_id)
    with pytest.raises(ValidationError):
        _submit(enrolled, other, [0], submission_id)
    assert not Attempt.objects.filter(block=other).exists()


def test_answer_works_for_each_learner_separately(enrolled, mcq, course, db):
    other = factories.make_user()
    factories.enroll(other, course)
    _submit(enrolled, mcq, [1])
    _submit(other, mcq, [0])
    assert BlockSummary.objects.get(user=enrolled, block=mcq).score == 1.0
    assert BlockSummary.objects.get(user=other, block=mcq).score == 0.0
