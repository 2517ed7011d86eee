from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from content_authoring.models import Block
from courses.models import Lesson
from tests.api.support import NOT_SIGNED_IN, keys_anywhere
from tests.factories import enroll, make_course

SECRET_KEYS = {"correct", "answers", "solution"}


def url(lesson: Lesson) -> str:
    return f"/api/lessons/{lesson.pk}/"


def first_lesson(course) -> Lesson:
    return Lesson.objects.filter(course=course).order_by("position").first()


def test_enrolled_learner_gets_the_lesson_and_its_blocks(learner, as_learner):
    course = make_course(lessons=2)
    enroll(learner, course)
    lesson = first_lesson(course)
    response = as_learner.get(url(lesson))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == lesson.title
    assert body["course"] == {"slug": course.slug, "title": course.title}
    html, mcq = body["blocks"]
    assert (html["block_type"], html["required"], html["graded"]) == (
        "html",
        True,
        False,
    )
    assert "Nội dung bài 1" in html["fields"]["html"]
    assert (mcq["block_type"], mcq["graded"]) == ("mcq", True)
    assert mcq["fields"]["question"] == "Cà phê trồng ở đâu?"
    assert mcq["fields"]["choices"] == ["Biển", "Đắk Lắk", "Sa mạc"]


def test_lesson_never_reveals_the_correct_answers(learner, as_learner):
    course = make_course()
    enroll(learner, course)
    lesson = first_lesson(course)
    Block.objects.create(
        lesson=lesson,
        block_type="mcq",
        position=3,
        fields={
            "question": "Thổ cẩm dệt bằng gì?",
            "choices": ["Khung cửi", "Máy in"],
            "correct": [0],
            "answers": [0],
            "solution": "Khung cửi",
        },
        graded=True,
    )
    response = as_learner.get(url(lesson))
    assert response.status_code == 200
    assert not keys_anywhere(response.json()) & SECRET_KEYS
    assert "Khung cửi" in str(response.json())  # the choice is shown...
    assert '"solution"' not in response.content.decode()  # ...the solution is not


def test_learner_not_enrolled_cannot_open_a_lesson(as_learner, db):
    lesson = first_lesson(make_course())
    assert as_learner.get(url(lesson)).status_code in (403, 404)


def test_pending_learner_cannot_open_a_lesson(learner, as_learner):
    course = make_course(enrollment_mode="approval")
    course.enrollments.create(user=learner, status="pending", source="self")
    assert as_learner.get(url(first_lesson(course))).status_code in (403, 404)


def test_anonymous_cannot_open_a_lesson(anon, db):
    lesson = first_lesson(make_course())
    assert anon.get(url(lesson)).status_code in NOT_SIGNED_IN


def test_draft_lesson_is_hidden_from_enrolled_learners(learner, as_learner):
    course = make_course()
    enroll(learner, course)
    lesson = first_lesson(course)
    Lesson.objects.filter(pk=lesson.pk).update(status="draft")
    assert as_learner.get(url(lesson)).status_code == 404


def test_course_trainer_previews_a_draft_lesson_without_enrolling(trainer, as_trainer):
    course = make_course(status="draft", trainers=(trainer,))
    lesson = first_lesson(course)
    Lesson.objects.filter(pk=lesson.pk).update(status="draft")
    response = as_trainer.get(url(lesson))
    assert response.status_code == 200
    assert not keys_anywhere(response.json()) & SECRET_KEYS


def test_unknown_lesson_is_not_found(as_learner, db):
    assert as_learner.get("/api/lessons/999999/").status_code == 404
    assert as_learner.get(f"/api/lessons/{2**70}/").status_code == 404


def test_lesson_runs_the_same_queries_for_5_and_50_blocks(learner, as_learner):
    def lesson_with(blocks: int) -> Lesson:
        course = make_course(with_question=False)
        enroll(learner, course)
        lesson = first_lesson(course)
        Block.objects.bulk_create(
            Block(
                lesson=lesson,
                block_type="mcq",
                position=10 + i,
                fields={"question": f"Câu {i}", "choices": ["a", "b"], "correct": [1]},
                graded=True,
            )
            for i in range(blocks - 1)
        )
        assert lesson.blocks.count() == blocks
        return lesson

    def count(lesson: Lesson) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert as_learner.get(url(lesson)).status_code == 200
        return len(queries)

    small, large = lesson_with(5), lesson_with(50)
    assert count(large) == count(small)
    assert count(small) <= 6
