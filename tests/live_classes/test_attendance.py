"""Attendance: time in the room within the scheduled time, the end of a class,
progress in the course, and the attendance page and CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content_authoring.models import Block
from courses.models import Attempt, BlockSummary, Lesson
from live_classes import services
from live_classes.models import AttendanceInterval, LiveSession, Participant
from lms.models import Role
from tests.factories import enroll, make_user

T = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 09:00 in Đắk Lắk


def at(minutes: float) -> datetime:
    return T + timedelta(minutes=minutes)


def signed_in(user) -> Client:
    user.preferred_language = "en"  # the expected words are the English ones
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    return client


# --- merging stays ------------------------------------------------------------------


def test_merged_seconds_of_nothing_is_zero():
    assert services._merged_seconds([]) == 0


def test_two_overlapping_tabs_count_once():
    assert services._merged_seconds([(at(0), at(30)), (at(10), at(40))]) == 40 * 60


def test_a_stay_inside_another_adds_nothing():
    assert services._merged_seconds([(at(0), at(60)), (at(5), at(6))]) == 60 * 60


def test_separate_stays_add_up_in_any_order():
    spans = [(at(50), at(55)), (at(0), at(10)), (at(20), at(21.5))]
    assert services._merged_seconds(spans) == (10 + 1.5 + 5) * 60


def test_stays_that_touch_join_and_empty_or_reversed_ones_count_nothing():
    spans = [(at(0), at(10)), (at(10), at(20)), (at(30), at(30)), (at(45), at(40))]
    assert services._merged_seconds(spans) == 20 * 60


# --- counting a class's attendance ----------------------------------------------------


@pytest.fixture
def past_class(room):
    """The room's class moved to 09:00–10:00 on a past day, everyone a
    participant as if they had joined."""
    LiveSession.objects.filter(pk=room.session.pk).update(starts_at=T, ends_at=at(60))
    room.session.refresh_from_db()
    for user, moderator in ((room.trainer, True), (room.learner, False)):
        Participant.objects.create(
            session=room.session, user=user, moderator=moderator, first_joined_at=T
        )
    Participant.objects.create(session=room.session, user=room.other)
    return room


def stay(room, user, joined, left, *, last_seen=None):
    return AttendanceInterval.objects.create(
        session=room.session,
        user=user,
        joined_at=joined,
        last_seen_at=last_seen or left or joined,
        left_at=left,
    )


def attended(room, user) -> int:
    return Participant.objects.get(session=room.session, user=user).attended_seconds


def test_attendance_counts_overlapping_tabs_once(past_class):
    room = past_class
    stay(room, room.learner, at(0), at(30))
    stay(room, room.learner, at(10), at(40))
    services.attendance_count(session=room.session)
    assert attended(room, room.learner) == 40 * 60


def test_time_before_the_start_and_after_the_end_is_not_counted(past_class):
    room = past_class
    stay(room, room.learner, at(-20), at(10))
    stay(room, room.learner, at(50), at(80))
    stay(room, room.other, at(-30), at(-5))  # left before it began
    services.attendance_count(session=room.session)
    assert attended(room, room.learner) == 20 * 60
    assert attended(room, room.other) == 0


def test_a_stay_left_open_counts_to_its_last_ping_and_a_grace(past_class):
    """The process holding the connection died: no close frame ever came."""
    room = past_class
    stay(room, room.learner, at(5), None, last_seen=at(15))
    services.attendance_count(session=room.session)
    grace = services.PING_GRACE.total_seconds()
    assert attended(room, room.learner) == 10 * 60 + grace


def test_counting_again_changes_nothing(past_class):
    room = past_class
    stay(room, room.learner, at(0), at(45))
    services.attendance_count(session=room.session)
    services.attendance_count(session=room.session)
    assert attended(room, room.learner) == 45 * 60


# --- ending a class, and progress in the course --------------------------------------


def _ended_class(room, django_capture_on_commit_callbacks):
    """A 60-minute class, 50 minutes in, needing 75% (45 minutes):

    - learner (Y Siu) was there from the start, in two tabs: enough;
    - other (H'Nhi) came 20 minutes ago: not enough;
    - late (Nay Blum) came at the start, but their phone died 30 minutes ago;
    - absent (Ksor Thu) is enrolled and never came.

    Returns (now when the set-up was made, the live_session block, late, absent).
    """
    now = timezone.now()
    starts = now - timedelta(minutes=50)
    LiveSession.objects.filter(pk=room.session.pk).update(
        starts_at=starts, ends_at=now + timedelta(minutes=10)
    )
    room.session.refresh_from_db()
    late = make_user(full_name="Nay Blum")
    absent = make_user(full_name="Ksor Thu")
    enroll(late, room.course)
    enroll(absent, room.course)
    lesson = Lesson.objects.filter(course=room.course).first()
    block = Block.objects.create(
        lesson=lesson,
        block_type="live_session",
        position=3,
        fields={"session_id": room.session.pk},
        required=True,
    )
    sid = room.session.pk
    for user in (room.trainer, room.learner, room.learner, room.other, late):
        services.room_join(user=user, session_id=sid, last_seq=None)
    tabs = AttendanceInterval.objects.filter(session_id=sid)
    first, second = tabs.filter(user=room.learner).order_by("pk")
    AttendanceInterval.objects.filter(pk=first.pk).update(joined_at=starts)
    AttendanceInterval.objects.filter(pk=second.pk).update(
        joined_at=now - timedelta(minutes=10)
    )
    tabs.filter(user=room.trainer).update(joined_at=starts)
    tabs.filter(user=room.other).update(joined_at=now - timedelta(minutes=20))
    tabs.filter(user=late).update(
        joined_at=starts, last_seen_at=now - timedelta(minutes=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.live_session_end(
            actor=room.trainer, session_id=sid, client_id=uuid.uuid4()
        )
    room.session.refresh_from_db()
    return now, block, late, absent


def test_ending_the_class_closes_stays_counts_time_and_records_progress(
    room, django_capture_on_commit_callbacks
):
    now, block, late, absent = _ended_class(room, django_capture_on_commit_callbacks)
    session = room.session
    assert session.status == LiveSession.Status.ENDED
    end = session.ended_at
    assert end >= now
    assert not AttendanceInterval.objects.filter(
        session=session, left_at__isnull=True
    ).exists()
    # Fresh connections are closed at the end; the dead one at its last ping.
    for interval in AttendanceInterval.objects.filter(session=session).exclude(
        user=late
    ):
        assert interval.left_at == end
    dead = AttendanceInterval.objects.get(session=session, user=late)
    assert dead.left_at == now - timedelta(minutes=30) + services.PING_GRACE

    elapsed = (end - now).total_seconds()
    assert 50 * 60 <= attended(room, room.learner) <= 50 * 60 + elapsed + 1
    assert 20 * 60 <= attended(room, room.other) <= 20 * 60 + elapsed + 1
    assert attended(room, late) == 20 * 60 + services.PING_GRACE.total_seconds()
    assert not Participant.objects.filter(session=session, user=absent).exists()

    # Only the learner who attended 75% has the live class done in the course.
    attempts = Attempt.objects.filter(block=block)
    assert [(a.user_id, a.kind, a.progress) for a in attempts] == [
        (room.learner.pk, "attendance", 1.0)
    ]
    summary = BlockSummary.objects.get(user=room.learner, block=block)
    assert summary.progress == 1.0
    assert not BlockSummary.objects.filter(block=block, user=room.other).exists()
    assert not BlockSummary.objects.filter(block=block, user=late).exists()

    # Recording again (a retried task) makes no second attempt.
    assert services.attendance_progress_record(session_id=session.pk) == 1
    assert Attempt.objects.filter(block=block).count() == 1


def test_a_block_not_naming_the_session_is_left_alone(
    room, django_capture_on_commit_callbacks
):
    lesson = Lesson.objects.filter(course=room.course).first()
    elsewhere = Block.objects.create(
        lesson=lesson,
        block_type="live_session",
        position=4,
        fields={"session_id": room.session.pk + 1000},
        required=True,
    )
    _now, block, _late, _absent = _ended_class(room, django_capture_on_commit_callbacks)
    assert Attempt.objects.filter(block=block).count() == 1
    assert not Attempt.objects.filter(block=elsewhere).exists()


def test_attendance_page_and_csv_for_the_trainer(
    room, django_capture_on_commit_callbacks
):
    _now, _block, late, absent = _ended_class(room, django_capture_on_commit_callbacks)
    client = signed_in(room.trainer)
    page = client.get(
        reverse("live_classes:attendance", kwargs={"session_id": room.session.pk})
    )
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("Giảng viên H&#x27;Hen", "Y Siu Êban", "H&#x27;Nhi Niê", "Nay Blum"):
        assert name in html
    assert "Ksor Thu" in html
    assert "Counted as attended: at least 75% of the scheduled time." in html

    response = client.get(
        reverse("live_classes:attendance_csv", kwargs={"session_id": room.session.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == [
        "Name",
        "Username",
        "Role",
        "First joined",
        "Last left",
        "Minutes",
        "Attended enough",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert len(rows) == 1 + 5  # trainer, three who came, one who never did
    assert set(by_name) == {
        "Giảng viên H'Hen",
        "Y Siu Êban",
        "H'Nhi Niê",
        "Nay Blum",
        "Ksor Thu",
    }
    assert rows[1][0] == "Giảng viên H'Hen"  # trainers first
    trainer = by_name["Giảng viên H'Hen"]
    assert trainer[1:3] == [room.trainer.username, "Trainer"] and trainer[6] == ""
    assert by_name["Y Siu Êban"][2] == "Learner"
    assert by_name["Y Siu Êban"][5:] == ["50", "yes"]
    assert by_name["H'Nhi Niê"][5:] == ["20", "no"]
    assert by_name["Nay Blum"][5:] == ["21", "no"]
    assert by_name["Ksor Thu"][1:] == [absent.username, "Learner", "", "", "0", "no"]
    # Local (Vietnam) times, day first.
    first_joined = Participant.objects.get(
        session=room.session, user=room.learner
    ).first_joined_at
    assert (
        by_name["Y Siu Êban"][3] == f"{timezone.localtime(first_joined):%d/%m/%Y %H:%M}"
    )
    # Who stayed to the end left when it ended; a dead phone at its last ping.
    assert by_name["Y Siu Êban"][4] == (
        f"{timezone.localtime(room.session.ended_at):%d/%m/%Y %H:%M}"
    )
    dead = AttendanceInterval.objects.get(session=room.session, user=late)
    assert (
        by_name["Nay Blum"][4] == f"{timezone.localtime(dead.left_at):%d/%m/%Y %H:%M}"
    )


def test_attendance_of_an_open_class_counts_so_far(room):
    sid = room.session.pk
    services.room_join(user=room.trainer, session_id=sid, last_seq=None)
    services.room_join(user=room.learner, session_id=sid, last_seq=None)
    AttendanceInterval.objects.filter(session_id=sid, user=room.learner).update(
        joined_at=room.session.starts_at
    )
    rows = list(
        csv.reader(
            io.StringIO(
                signed_in(room.trainer)
                .get(reverse("live_classes:attendance_csv", kwargs={"session_id": sid}))
                .content.decode("utf-8-sig")
            )
        )
    )
    minutes = {r[0]: r[5] for r in rows[1:]}
    assert minutes["Y Siu Êban"] == "5"  # the class began five minutes ago
    assert minutes["H'Nhi Niê"] == "0"


def test_learners_may_not_see_attendance(room):
    client = signed_in(room.learner)
    for name in ("live_classes:attendance", "live_classes:attendance_csv"):
        url = reverse(name, kwargs={"session_id": room.session.pk})
        assert client.get(url).status_code == 403
    assert (
        signed_in(make_user(Role.TRAINER))
        .get(reverse("live_classes:attendance", kwargs={"session_id": room.session.pk}))
        .status_code
        == 403
    )
