from __future__ import annotations

import uuid

import pytest

from content_authoring.models import Block
from courses.models import Attempt, BlockSummary, Enrollment, Lesson
from tests.api.support import NOT_SIGNED_IN, refused
from tests.factories import enroll, make_course


def submissions(block: Block | int) -> str:
    return f"/api/blocks/{getattr(block, 'pk', block)}/submissions/"


def viewed(lesson: Lesson) -> str:
    return f"/api/lessons/{lesson.pk}/viewed/"


def answer(selected: list[int], submission_id: str | None = None) -> dict:
    return {
        "submission_id": submission_id or str(uuid.uuid4()),
        "answer": {"selected": selected},
    }


@pytest.fixture
def course(learner):
    course = make_course(lessons=1)
    enroll(learner, course)
    return course


@pytest.fixture
def question(course) -> Block:
    return Block.objects.get(lesson__course=course, block_type="mcq")


def test_right_answer_is_graded_on_the_server(as_learner, question):
    response = as_learner.post(submissions(question), answer([1]), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["correct"] is True
    assert body["score"] == body["max_score"] > 0
    assert body["duplicate"] is False


def test_wrong_answer_scores_nothing(as_learner, question):
    response = as_learner.post(submissions(question), answer([0]), format="json")
    assert response.status_code == 201
    assert response.json()["correct"] is False
    assert response.json()["score"] == 0


def test_replayed_submission_is_counted_once(learner, as_learner, question):
    payload = answer([1])
    first = as_learner.post(submissions(question), payload, format="json")
    replay = as_learner.post(submissions(question), payload, format="json")
    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.json()["duplicate"] is True
    assert replay.json()["score"] == first.json()["score"]
    assert Attempt.objects.filter(user=learner, block=question).count() == 1
    assert BlockSummary.objects.get(user=learner, block=question).attempts == 1


def test_new_submission_id_is_a_new_attempt(learner, as_learner, question):
    as_learner.post(submissions(question), answer([0]), format="json")
    as_learner.post(submissions(question), answer([1]), format="json")
    assert Attempt.objects.filter(user=learner, block=question).count() == 2


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"answer": {"selected": [1]}},
        {"submission_id": "not-a-uuid", "answer": {"selected": [1]}},
        {"submission_id": str(uuid.uuid4())},
        {"submission_id": str(uuid.uuid4()), "answer": [1]},
    ],
    ids=["empty", "no-id", "bad-id", "no-answer", "answer-not-object"],
)
def test_malformed_submission_is_refused(learner, as_learner, question, payload):
    response = as_learner.post(submissions(question), payload, format="json")
    refused(response, 400, "invalid")
    assert not Attempt.objects.filter(user=learner).exists()


@pytest.mark.parametrize(
    ("selected", "code"),
    [([7], "out_of_range"), (["one"], "invalid"), ({"a": 1}, "invalid"), ([], "empty")],
    ids=["out-of-range", "not-a-number", "not-a-list", "empty"],
)
def test_answer_the_block_cannot_read_is_refused(
    learner, as_learner, question, selected, code
):
    response = as_learner.post(submissions(question), answer(selected), format="json")
    refused(response, 400, code)
    assert not Attempt.objects.filter(user=learner).exists()


def test_text_block_takes_no_answers(learner, as_learner, course):
    text = Block.objects.get(lesson__course=course, block_type="html")
    response = as_learner.post(submissions(text), answer([1]), format="json")
    refused(response, 400, "invalid")
    assert not Attempt.objects.filter(user=learner).exists()


def test_learner_not_enrolled_cannot_submit(learner, as_learner):
    block = Block.objects.get(lesson__course=make_course(), block_type="mcq")
    response = as_learner.post(submissions(block), answer([1]), format="json")
    refused(response, 403, "not_enrolled")
    assert not Attempt.objects.exists()


def test_pending_learner_cannot_submit(learner, as_learner):
    course = make_course(enrollment_mode="approval")
    Enrollment.objects.create(
        user=learner, course=course, status="pending", source="self"
    )
    block = Block.objects.get(lesson__course=course, block_type="mcq")
    response = as_learner.post(submissions(block), answer([1]), format="json")
    refused(response, 403, "not_enrolled")


def test_anonymous_cannot_submit(anon, question):
    response = anon.post(submissions(question), answer([1]), format="json")
    assert response.status_code in NOT_SIGNED_IN
    assert not Attempt.objects.exists()


def test_submitting_to_an_unknown_block_is_not_found(as_learner, course):
    response = as_learner.post(submissions(999_999), answer([1]), format="json")
    refused(response, 404, "not_found")


def test_viewing_a_lesson_completes_its_text_blocks(learner, as_learner, course):
    lesson = Lesson.objects.get(course=course)
    response = as_learner.post(
        viewed(lesson), {"submission_id": str(uuid.uuid4())}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["recorded"] >= 1
    html = Block.objects.get(lesson=lesson, block_type="html")
    assert BlockSummary.objects.get(user=learner, block=html).completed_at is not None
    question = Block.objects.get(lesson=lesson, block_type="mcq")
    assert not BlockSummary.objects.filter(user=learner, block=question).exists()


def test_replayed_view_is_counted_once(learner, as_learner, course):
    lesson = Lesson.objects.get(course=course)
    payload = {"submission_id": str(uuid.uuid4())}
    as_learner.post(viewed(lesson), payload, format="json")
    response = as_learner.post(viewed(lesson), payload, format="json")
    assert response.status_code == 200
    assert response.json()["recorded"] == 0
    html = Block.objects.get(lesson=lesson, block_type="html")
    assert Attempt.objects.filter(user=learner, block=html).count() == 1


def test_viewed_without_submission_id_is_refused(as_learner, course):
    lesson = Lesson.objects.get(course=course)
    refused(as_learner.post(viewed(lesson), {}, format="json"), 400, "invalid")


def test_learner_not_enrolled_cannot_mark_a_lesson_viewed(as_learner, db):
    lesson = Lesson.objects.get(course=make_course())
    response = as_learner.post(
        viewed(lesson), {"submission_id": str(uuid.uuid4())}, format="json"
    )
    assert response.status_code in (403, 404)
    assert not Attempt.objects.exists()
