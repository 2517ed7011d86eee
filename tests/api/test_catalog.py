from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from content_authoring.models import Block
from courses.models import Lesson, Track
from tests.api.support import refused
from tests.factories import make_course, make_program

LIST = "/api/catalog/courses/"


def detail(slug: str) -> str:
    return f"/api/catalog/courses/{slug}/"


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["slug"] for c in response.json()["results"]]


def test_anonymous_visitor_lists_published_courses_only(anon, db):
    shown = make_course(lessons=2)
    make_course(status="draft")
    body = anon.get(LIST).json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["slug"] == shown.slug
    assert item["lesson_count"] == 2
    assert item["track"] == shown.program.track
    assert item["program"]["slug"] == shown.program.slug


def test_search_ignores_accents_and_case(anon, db):
    ede = make_course(title="Tiếng Ê Đê cơ bản", language="rad")
    make_course(title="Trồng cà phê")
    assert slugs(anon.get(LIST, {"q": "tieng ede"})) == [ede.slug]
    assert slugs(anon.get(LIST, {"q": "TIẾNG Ê ĐÊ"})) == [ede.slug]


def test_filters_by_track_language_and_target_group(anon, db):
    language = make_course(
        program=make_program(Track.ETHNIC_LANGUAGE),
        language="jra",
        target_group="officials",
    )
    youth = make_course(program=make_program(Track.VOCATIONAL), target_group="youth")
    everyone = make_course(program=make_program(Track.VOCATIONAL))
    assert slugs(anon.get(LIST, {"track": "ethnic_language"})) == [language.slug]
    assert slugs(anon.get(LIST, {"language": "jra"})) == [language.slug]
    assert set(slugs(anon.get(LIST, {"target_group": "youth"}))) == {
        youth.slug,
        everyone.slug,
    }


def test_unknown_filter_value_is_refused(anon, db):
    body = refused(anon.get(LIST, {"track": "astrology"}), 400, "invalid")
    assert set(body["errors"]) == {"track"}


def test_catalog_list_runs_the_same_queries_for_5_and_50_courses(anon, db):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert anon.get(LIST).status_code == 200
        return len(queries)

    for _ in range(5):
        make_course(lessons=2, with_question=False)
    small = count()
    for _ in range(45):
        make_course(lessons=2, with_question=False)
    assert count() == small
    assert small <= 3


def test_course_outline_lists_modules_and_published_lessons(anon, db):
    course = make_course(lessons=2)
    draft = Lesson.objects.filter(course=course).last()
    draft.status = "draft"
    draft.save()
    body = anon.get(detail(course.slug)).json()
    assert body["slug"] == course.slug
    [module] = body["modules"]
    assert [lesson["title"] for lesson in module["lessons"]] == ["Bài 1"]
    assert module["lessons"][0]["progress"] == 0


def test_course_outline_shows_prerequisites(anon, db):
    first = make_course()
    second = make_course()
    second.prerequisites.add(first)
    body = anon.get(detail(second.slug)).json()
    assert body["prerequisites"] == [{"slug": first.slug, "title": first.title}]


def test_course_trainer_sees_draft_lessons_in_the_outline(trainer, as_trainer):
    course = make_course(lessons=2, trainers=(trainer,))
    Lesson.objects.filter(course=course, position=2).update(status="draft")
    body = as_trainer.get(detail(course.slug)).json()
    assert [le["status"] for le in body["modules"][0]["lessons"]] == [
        "published",
        "draft",
    ]


def test_draft_course_is_hidden_from_learners_and_shown_to_its_trainer(
    trainer, as_trainer, as_learner, anon
):
    course = make_course(status="draft", trainers=(trainer,))
    assert anon.get(detail(course.slug)).status_code == 404
    assert as_learner.get(detail(course.slug)).status_code == 404
    response = as_trainer.get(detail(course.slug))
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_another_trainer_does_not_see_a_draft_course(as_trainer, db):
    course = make_course(status="draft")
    assert as_trainer.get(detail(course.slug)).status_code == 404


def test_unknown_course_is_not_found(anon, db):
    refused(anon.get(detail("no-such-course")), 404, "not_found")


def test_course_outline_runs_the_same_queries_whatever_the_size(anon, db):
    def count(slug: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert anon.get(detail(slug)).status_code == 200
        return len(queries)

    small = make_course(lessons=5)
    large = make_course(lessons=50)
    assert Block.objects.filter(lesson__course=large).count() == 100
    assert count(large.slug) == count(small.slug)
