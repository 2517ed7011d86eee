import csv
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content_authoring.models import Block
from courses import services
from courses.models import Lesson
from lms.models import Role
from tests.factories import enroll, make_course, make_user

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _lesson_url(course, index=0):
    lesson = Lesson.objects.filter(course=course).order_by("position")[index]
    return reverse("courses:lesson", args=[course.slug, lesson.pk])


def test_lesson_page_queries_do_not_grow_with_course_size(client, learner):
    small, large = make_course(lessons=5), make_course(lessons=200)
    enroll(learner, small)
    enroll(learner, large)
    client.force_login(learner)
    # Answer a question in each so that summaries and user state exist.
    for course in (small, large):
        mcq = Block.objects.filter(lesson__course=course, graded=True).first()
        services.block_result_record(
            user=learner,
            block_id=mcq.pk,
            submission_id=uuid.uuid4(),
            score=1,
            max_score=1,
        )
    _queries(client, _lesson_url(small))  # warm caches (sessions, content types)
    small_count = _queries(client, _lesson_url(small, 2))
    large_count = _queries(client, _lesson_url(large, 150))
    assert small_count == large_count
    assert small_count <= 20


def test_learner_home_queries_do_not_grow_with_courses(client, learner):
    client.force_login(learner)
    enroll(learner, make_course(lessons=5))
    _queries(client, reverse("home"))
    few = _queries(client, reverse("home"))
    for _ in range(15):
        enroll(learner, make_course(lessons=200 if _ == 0 else 3))
    many = _queries(client, reverse("home"))
    assert few == many
    assert many <= 10


def test_home_shows_progress_and_continue_link(client, learner):
    course = make_course(lessons=3, title="Dùng điện thoại an toàn")
    enroll(learner, course)
    client.force_login(learner)
    second = Lesson.objects.filter(course=course).order_by("position")[1]
    client.get(reverse("courses:lesson", args=[course.slug, second.pk]))
    body = client.get(reverse("home")).content.decode()
    assert "Dùng điện thoại an toàn" in body
    assert reverse("courses:lesson", args=[course.slug, second.pk]) in body
    assert "<progress" in body


def test_continue_goes_to_the_last_lesson_visited(client, learner):
    course = make_course(lessons=3)
    enroll(learner, course)
    client.force_login(learner)
    third = Lesson.objects.filter(course=course).order_by("position")[2]
    client.get(reverse("courses:lesson", args=[course.slug, third.pk]))
    response = client.get(reverse("courses:continue", args=[course.slug]))
    assert response["Location"] == reverse(
        "courses:lesson", args=[course.slug, third.pk]
    )


def test_not_enrolled_learner_is_sent_to_the_course_page(client, learner):
    course = make_course()
    client.force_login(learner)
    response = client.get(_lesson_url(course))
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:detail", args=[course.slug])


def test_draft_lesson_is_hidden_from_enrolled_learner(client, learner):
    course = make_course(lessons=2)
    enroll(learner, course)
    lesson = Lesson.objects.filter(course=course).last()
    lesson.status = "draft"
    lesson.save()
    client.force_login(learner)
    assert client.get(_lesson_url(course, 1)).status_code == 404


def test_expired_session_on_lesson_page_goes_to_sign_in(client):
    course = make_course()
    response = client.get(_lesson_url(course))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "name", ["courses:manage", "courses:gradebook", "courses:gradebook_csv"]
)
@pytest.mark.parametrize("role", [Role.LEARNER, Role.ORGANISER, Role.TRAINER])
def test_trainer_pages_refuse_other_roles(client, name, role):
    course = make_course()  # its trainers are not this user
    client.force_login(make_user(role))
    assert client.get(reverse(name, args=[course.slug])).status_code == 403


def test_gradebook_csv_lists_learners_with_scores(client, trainer):
    course = make_course(lessons=1, trainers=(trainer,))
    learner = make_user(full_name="H'Hơ̆n Ê Ban")
    enroll(learner, course)
    mcq = Block.objects.get(lesson__course=course, graded=True)
    services.block_result_record(
        user=learner, block_id=mcq.pk, submission_id=uuid.uuid4(), score=1, max_score=1
    )
    client.force_login(trainer)
    response = client.get(reverse("courses:gradebook_csv", args=[course.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[1][1] == "H'Hơ̆n Ê Ban"
    assert rows[1][3] == "50" and rows[1][4] == "100" and rows[1][6] == "100"


def test_trainer_approves_a_request_from_the_page(client, trainer):
    course = make_course(enrollment_mode="approval", trainers=(trainer,))
    learner = make_user()
    enrollment = services.enrollment_request(user=learner, course=course)
    client.force_login(trainer)
    page = client.get(reverse("courses:manage", args=[course.slug]))
    assert learner.display_name in page.content.decode()
    client.post(
        reverse("courses:decide", args=[course.slug, enrollment.pk]),
        {"decision": "approve"},
    )
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


def test_interface_is_vietnamese_by_default_and_switches_to_english(client):
    body = client.get(reverse("courses:catalog")).content.decode()
    assert 'lang="vi"' in body and "Danh mục khoá học" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("courses:catalog")).content.decode()
    assert 'lang="en"' in body and "Course catalog" in body


def test_english_browser_still_gets_vietnamese_until_the_switch(client):
    body = client.get(reverse("courses:catalog"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Danh mục khoá học" in body.content.decode()


def test_profile_language_preference_applies_without_cookie(client, learner):
    learner.preferred_language = "en"
    learner.save()
    client.force_login(learner)
    assert "Course catalog" in client.get(reverse("courses:catalog")).content.decode()


def test_language_switch_is_remembered_on_the_profile(client, learner):
    client.force_login(learner)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    learner.refresh_from_db()
    assert learner.preferred_language == "en"
    client.cookies.clear()
    client.force_login(learner)
    assert "Course catalog" in client.get(reverse("courses:catalog")).content.decode()


def test_reloading_a_lesson_extends_the_visit_instead_of_logging_another(
    client, learner
):
    from courses.models import LessonVisit

    course = make_course(lessons=2)
    enroll(learner, course)
    client.force_login(learner)
    client.get(_lesson_url(course))
    client.get(_lesson_url(course))
    client.get(_lesson_url(course, 1))
    assert LessonVisit.objects.filter(user=learner).count() == 2


def test_pending_learner_is_sent_to_the_course_page(client, learner):
    from courses.models import Enrollment

    course = make_course()
    Enrollment.objects.create(
        user=learner, course=course, status="pending", source="self"
    )
    client.force_login(learner)
    response = client.get(_lesson_url(course))
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:detail", args=[course.slug])


def test_answering_on_the_lesson_page_moves_the_course_progress_bar(client, learner):
    course = make_course(lessons=2)
    enroll(learner, course)
    client.force_login(learner)
    page = client.get(_lesson_url(course)).content.decode()
    assert 'id="course-progress" max="100" value="0"' in page
    mcq = Block.objects.filter(lesson__course=course, graded=True).first()
    answer = client.post(
        reverse("content_authoring:block_handler", args=[mcq.pk, "submit"]),
        {"submission_id": str(uuid.uuid4()), "selected": "1"},
        HTTP_HX_REQUEST="true",
    )
    body = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="course-progress" hx-swap-oob="true" max="100" value="25"' in body
