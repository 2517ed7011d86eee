from __future__ import annotations

import uuid

from content_authoring.models import Block
from courses.models import Enrollment, Lesson
from tests.api.support import NOT_SIGNED_IN, refused
from tests.factories import enroll, make_course


def url(course) -> str:
    return f"/api/progress/courses/{course.slug}/"


def test_progress_starts_at_zero(learner, as_learner):
    course = make_course(lessons=2)
    enroll(learner, course)
    body = as_learner.get(url(course)).json()
    assert body["course"]["slug"] == course.slug
    assert (body["status"], body["progress"], body["completed_at"]) == (
        "active",
        0,
        None,
    )
    lessons = Lesson.objects.filter(course=course).order_by("id")
    assert body["lessons"] == [{"lesson": le.pk, "progress": 0.0} for le in lessons]


def test_progress_follows_answers_and_views_to_completion(learner, as_learner):
    course = make_course(lessons=1)
    enroll(learner, course)
    lesson = Lesson.objects.get(course=course)
    question = Block.objects.get(lesson=lesson, block_type="mcq")

    as_learner.post(
        f"/api/blocks/{question.pk}/submissions/",
        {"submission_id": str(uuid.uuid4()), "answer": {"selected": [1]}},
        format="json",
    )
    half = as_learner.get(url(course)).json()
    assert half["progress"] == 0.5
    assert half["lessons"] == [{"lesson": lesson.pk, "progress": 0.5}]
    assert half["completed_at"] is None

    as_learner.post(
        f"/api/lessons/{lesson.pk}/viewed/",
        {"submission_id": str(uuid.uuid4())},
        format="json",
    )
    done = as_learner.get(url(course)).json()
    assert done["progress"] == 1
    assert done["score"] == 1
    assert done["completed_at"] is not None
    assert done["last_lesson"] is None or done["last_lesson"] == lesson.pk


def test_progress_needs_an_active_enrollment(learner, as_learner):
    course = make_course()
    refused(as_learner.get(url(course)), 403, "not_enrolled")
    Enrollment.objects.create(
        user=learner, course=course, status="pending", source="self"
    )
    refused(as_learner.get(url(course)), 403, "not_enrolled")


def test_progress_of_an_unknown_course_is_not_found(as_learner, db):
    refused(as_learner.get("/api/progress/courses/nope/"), 404, "not_found")


def test_anonymous_has_no_progress(anon, db):
    assert anon.get(url(make_course())).status_code in NOT_SIGNED_IN
