"""Live classes where people meet them: the home page, the course page, a
lesson block that counts attendance, and the overdue-room sweep."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from content_authoring.models import Block
from courses.models import BlockSummary, Enrollment
from live_classes import services
from live_classes.models import AttendanceInterval, LiveSession, Participant
from lms.models import Role
from tests.factories import PASSWORD, enroll, make_cohort, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    trainer = make_user(Role.TRAINER)
    learner = make_user(preferred_language="en")
    course = make_course(trainers=(trainer,), title="Tiếng Êđê giao tiếp")
    enroll(learner, course)
    return trainer, learner, course


def _session(trainer, course, start, minutes=60, **kw):
    return services.live_session_create(
        actor=trainer,
        course=course,
        title=kw.pop("title", "Lớp trực tiếp Ơ năng"),
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        **kw,
    )


def test_home_shows_a_class_starting_soon_in_vietnam_time_with_a_reminder(
    client, setup
):
    trainer, learner, course = setup
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=40)
    _session(trainer, course, start)
    client.login(username=learner.username, password=PASSWORD)
    html = client.get("/").content.decode()
    assert "Lớp trực tiếp Ơ năng" in html
    local = timezone.localtime(start, timezone.get_fixed_timezone(7 * 60))
    assert local.strftime("%H:%M") in html
    assert "Starts in" in html and 'class="reminder"' in html


def test_home_shows_a_running_class_with_a_join_button(client, setup):
    trainer, learner, course = setup
    _session(trainer, course, timezone.now() - timedelta(minutes=5))
    client.login(username=learner.username, password=PASSWORD)
    html = client.get("/").content.decode()
    assert "Join the class now" in html


def test_home_hides_classes_of_other_courses_other_cohorts_and_cancelled(client, setup):
    trainer, learner, course = setup
    other_course = make_course(trainers=(trainer,))
    soon = timezone.now() + timedelta(hours=1)
    _session(trainer, other_course, soon, title="Không phải của tôi")
    outsider = make_user()
    enroll(outsider, course)
    cohort = make_cohort(outsider)
    _session(trainer, course, soon, title="Chỉ cho nhóm khác", cohort=cohort)
    cancelled = _session(trainer, course, soon, title="Đã huỷ")
    services.live_session_cancel(actor=trainer, session=cancelled)
    client.login(username=learner.username, password=PASSWORD)
    html = client.get("/").content.decode()
    for title in ("Không phải của tôi", "Chỉ cho nhóm khác", "Đã huỷ"):
        assert title not in html


def test_home_query_count_does_not_grow_with_live_classes(
    client, setup, django_assert_max_num_queries
):
    trainer, learner, course = setup
    client.login(username=learner.username, password=PASSWORD)
    for n in range(8):
        _session(trainer, course, timezone.now() + timedelta(hours=n + 1))
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200


def test_course_page_lists_classes_and_offers_scheduling_to_trainers(client, setup):
    trainer, learner, course = setup
    _session(trainer, course, timezone.now() + timedelta(days=1))
    client.login(username=learner.username, password=PASSWORD)
    html = client.get(f"/courses/{course.slug}/").content.decode()
    assert "Lớp trực tiếp Ơ năng" in html
    assert f"/live/courses/{course.pk}/new/" not in html
    client.login(username=trainer.username, password=PASSWORD)
    html = client.get(f"/courses/{course.slug}/").content.decode()
    assert f"/live/courses/{course.pk}/new/" in html


def _lesson_block(course, session):
    lesson = course.lessons.first()
    return Block.objects.create(
        lesson=lesson,
        block_type="live_session",
        position=99,
        fields={"display_name": "Lớp trực tiếp", "session_id": session.pk},
        required=True,
    )


def test_live_block_shows_the_class_and_completes_with_attendance(
    client, setup, django_capture_on_commit_callbacks
):
    trainer, learner, course = setup
    start = timezone.now() - timedelta(minutes=60)
    session = _session(trainer, course, start, minutes=60, attendance_percent=50)
    block = _lesson_block(course, session)
    client.login(username=learner.username, password=PASSWORD)
    lesson = course.lessons.first()
    html = client.get(f"/courses/{course.slug}/lessons/{lesson.pk}/").content.decode()
    assert "Lớp trực tiếp Ơ năng" in html and f"/live/{session.pk}/" in html
    # 40 minutes of 60 in the room, then the trainer ends the class.
    services.room_join(user=learner, session_id=session.pk, last_seq=None)
    AttendanceInterval.objects.filter(user=learner).update(
        joined_at=start + timedelta(minutes=5),
        last_seen_at=start + timedelta(minutes=45),
        left_at=start + timedelta(minutes=45),
    )
    services.room_join(user=trainer, session_id=session.pk, last_seq=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.live_session_end(
            actor=trainer, session_id=session.pk, client_id=uuid.uuid4()
        )
    assert Participant.objects.get(user=learner).attended_seconds == 40 * 60
    summary = BlockSummary.objects.get(user=learner, block=block)
    assert summary.completed_at is not None
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.progress > 0
    html = client.get(f"/courses/{course.slug}/lessons/{lesson.pk}/").content.decode()
    assert "You attended 40 minutes" in html


def test_live_block_in_another_course_does_not_show_that_class(client, setup):
    trainer, learner, course = setup
    other = make_course(trainers=(trainer,))
    foreign = _session(trainer, other, timezone.now() + timedelta(hours=1))
    _lesson_block(course, foreign)
    client.login(username=learner.username, password=PASSWORD)
    lesson = course.lessons.first()
    html = client.get(f"/courses/{course.slug}/lessons/{lesson.pk}/").content.decode()
    assert foreign.title not in html
    assert "no longer exists" in html


def test_overdue_rooms_are_ended_by_the_command(setup):
    trainer, learner, course = setup
    old = _session(trainer, course, timezone.now() - timedelta(hours=5))
    fresh = _session(trainer, course, timezone.now() - timedelta(minutes=30))
    call_command("close_overdue_live_classes")
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == LiveSession.Status.ENDED
    assert fresh.status == LiveSession.Status.SCHEDULED


def test_demo_has_a_class_running_now_with_slides_and_a_block(db):
    from lms.demo.loader import load_demo

    load_demo()
    load_demo()  # loading twice keeps one of each
    running = LiveSession.objects.get(title__startswith="Giải đáp trực tiếp")
    now = timezone.now()
    assert running.starts_at <= now <= running.ends_at
    assert running.slides.count() == 4
    assert LiveSession.objects.count() == 2
    assert Block.objects.filter(block_type="live_session").count() == 1
    from certificates.models import Certificate

    assert Certificate.objects.filter(user__username="canbo2").count() == 1


def test_author_picks_a_class_of_the_course_and_not_of_another(setup):
    from django.core.exceptions import ValidationError
    from django.http import QueryDict

    from content_authoring import services as content_services

    trainer, learner, course = setup
    mine = _session(trainer, course, timezone.now() + timedelta(days=1))
    other_course = make_course(trainers=(trainer,))
    foreign = _session(trainer, other_course, timezone.now() + timedelta(days=1))
    block = content_services.block_add(
        actor=trainer, lesson=course.lessons.first(), block_type="live_session"
    )
    with pytest.raises(ValidationError):
        content_services.block_author_save(
            actor=trainer,
            block_id=block.pk,
            data=QueryDict(f"display_name=L&session_id={foreign.pk}"),
        )
    content_services.block_author_save(
        actor=trainer,
        block_id=block.pk,
        data=QueryDict(f"display_name=L&session_id={mine.pk}"),
    )
    block.refresh_from_db()
    assert block.fields["session_id"] == mine.pk
