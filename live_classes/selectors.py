"""Reads of live classes, narrowed to what the person may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from courses import selectors as course_selectors
from courses.models import Course, Enrollment
from live_classes.events import event_text
from live_classes.models import LiveSession, Participant, Poll, RoomEvent, Slide

# Home pages show classes from this long ago (still running or just ended).
RECENT = timedelta(hours=3)
# A reminder shows this long before the start.
REMIND = timedelta(hours=24)


def event_texts(*, session_id: int, after: int, upto: int | None = None) -> list[str]:
    """The frames of the room's events numbered ``after + 1 .. upto``, in order."""
    events = RoomEvent.objects.filter(session_id=session_id, seq__gt=after)
    if upto is not None:
        events = events.filter(seq__lte=upto)
    return [event_text(e) for e in events.order_by("seq")]


def live_session_get(*, session_id: int) -> LiveSession | None:
    return (
        LiveSession.objects.select_related("course", "cohort")
        .filter(pk=session_id)
        .first()
    )


def live_session_can_manage(*, user, session: LiveSession) -> bool:
    return course_selectors.course_can_manage(user=user, course=session.course)


def live_session_can_view(*, user, session: LiveSession) -> bool:
    """Trainers and admins; learners enrolled (and in the cohort, if any)."""
    if not user.is_authenticated:
        return False
    if live_session_can_manage(user=user, session=session):
        return True
    if not Enrollment.objects.filter(
        user=user, course_id=session.course_id, status=Enrollment.Status.ACTIVE
    ).exists():
        return False
    cohort = session.cohort
    return cohort is None or cohort.members.filter(pk=user.pk).exists()


def _visible_to_learner(user) -> Q:
    return Q(
        course__enrollments__user=user,
        course__enrollments__status=Enrollment.Status.ACTIVE,
    ) & (Q(cohort__isnull=True) | Q(cohort__members=user))


def upcoming_for_user(*, user, now: datetime | None = None) -> list[LiveSession]:
    """Open sessions of the person's courses (learning or teaching) that have not
    ended long ago, soonest first: for the home page."""
    now = now or timezone.now()
    taught = Q(course__trainers=user)
    sessions = (
        LiveSession.objects.filter(_visible_to_learner(user) | taught)
        .filter(
            status__in=[LiveSession.Status.SCHEDULED, LiveSession.Status.LIVE],
            ends_at__gte=now - RECENT,
        )
        .select_related("course")
        .distinct()
        .order_by("starts_at")
    )
    return list(sessions[:10])


def sessions_for_course(*, user, course: Course) -> list[LiveSession]:
    sessions = LiveSession.objects.filter(course=course).exclude(
        status=LiveSession.Status.CANCELLED
    )
    if not course_selectors.course_can_manage(user=user, course=course):
        if not user.is_authenticated:
            return []
        sessions = sessions.filter(Q(cohort__isnull=True) | Q(cohort__members=user))
    return list(sessions.select_related("cohort").order_by("starts_at").distinct())


def is_reminder_due(session: LiveSession, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return session.is_open and session.starts_at - REMIND <= now <= session.ends_at


@dataclass
class AttendanceRow:
    name: str
    username: str
    role: str
    first_joined_at: datetime | None
    last_left_at: datetime | None
    minutes: int
    enough: bool
    removed: bool


def attendance_rows(*, session: LiveSession) -> list[AttendanceRow]:
    """Everyone who entered, then the course's learners who never came."""
    from live_classes.services import attended_enough

    rows = []
    came = set()
    for p in (
        Participant.objects.filter(session=session)
        .select_related("user")
        .order_by("-moderator", "user__full_name", "user__username")
    ):
        came.add(p.user_id)
        rows.append(
            AttendanceRow(
                name=p.user.display_name,
                username=p.user.username,
                role="trainer" if p.moderator else "learner",
                first_joined_at=p.first_joined_at,
                last_left_at=p.last_left_at,
                minutes=p.attended_seconds // 60,
                enough=(not p.moderator)
                and attended_enough(session=session, seconds=p.attended_seconds),
                removed=p.removed_at is not None,
            )
        )
    expected = Enrollment.objects.filter(
        course_id=session.course_id, status=Enrollment.Status.ACTIVE
    ).select_related("user")
    if session.cohort_id:
        expected = expected.filter(user__cohorts=session.cohort_id)
    for e in expected.order_by("user__full_name", "user__username"):
        if e.user_id not in came:
            rows.append(
                AttendanceRow(
                    name=e.user.display_name,
                    username=e.user.username,
                    role="learner",
                    first_joined_at=None,
                    last_left_at=None,
                    minutes=0,
                    enough=False,
                    removed=False,
                )
            )
    return rows


@dataclass
class TimelineItem:
    seconds: int  # from the start of the class
    type: str
    by: str
    text: str
    slide_url: str = ""
    counts: list | None = None
    options: list | None = None
    correct: list | None = None

    @property
    def clock(self) -> str:
        minutes, seconds = divmod(self.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return (
            f"{hours}:{minutes:02d}:{seconds:02d}"
            if hours
            else f"{minutes}:{seconds:02d}"
        )


REPLAY_TYPES = (
    "chat.message",
    "slide.changed",
    "poll.opened",
    "poll.closed",
    "session.ended",
)


def replay_timeline(*, session: LiveSession) -> list[TimelineItem]:
    """Chat, polls and slide changes on one timeline, for the replay page."""
    start = session.started_at or session.starts_at
    polls = {p.pk: p for p in Poll.objects.filter(session=session)}
    slides = {s.position: s.image.url for s in Slide.objects.filter(session=session)}
    items = []
    for event in RoomEvent.objects.filter(
        session=session, type__in=REPLAY_TYPES
    ).order_by("seq"):
        data = event.data
        by = (data.get("_by") or {}).get("name", "")
        item = TimelineItem(
            seconds=max(0, int((event.created_at - start).total_seconds())),
            type=event.type,
            by=by,
            text=data.get("text", ""),
        )
        if event.type == "slide.changed":
            item.slide_url = slides.get(data.get("slide", 0), "")
            item.text = str(data.get("slide", 0) + 1)
        elif event.type == "poll.opened":
            poll = data.get("poll", {})
            item.text = poll.get("question", "")
            item.options = poll.get("options", [])
        elif event.type == "poll.closed":
            poll = polls.get(data.get("poll_id"))
            item.text = poll.question if poll else ""
            item.options = poll.options if poll else []
            item.counts = data.get("counts", [])
            item.correct = data.get("correct", [])
        items.append(item)
    return items


@dataclass
class Attendance:
    minutes: int
    needed: int
    enough: bool


def attendance_for(*, session: LiveSession, user) -> Attendance | None:
    """The person's attendance so far (None if they never entered)."""
    from live_classes.services import attended_enough

    if user is None or not user.is_authenticated:
        return None
    participant = Participant.objects.filter(session=session, user=user).first()
    if participant is None:
        return None
    needed = session.scheduled_seconds * session.attendance_percent / 100
    return Attendance(
        minutes=participant.attended_seconds // 60,
        needed=int(needed // 60),
        enough=attended_enough(session=session, seconds=participant.attended_seconds),
    )
