"""Writes of live classes: scheduling, the room's actions, attendance, replay.

Every room action is a service here, so the WebSocket consumer, the pages and
the tests behave alike; each checks its own permission and runs in one
transaction that locks the session row, numbers its room event
(``live_classes.events``) and broadcasts after the commit. A frame re-sent with
the same client ``id`` finds the event it made the first time and changes
nothing.
"""

from __future__ import annotations

import functools
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses import selectors as course_selectors
from courses.models import Course, Enrollment
from live_classes import events, selectors
from live_classes.models import (
    AttendanceInterval,
    LiveSession,
    Participant,
    Poll,
    PollAnswer,
    RoomEvent,
    Slide,
)
from lms.models import Cohort, User
from lms.text import canonical

REACTIONS = ("👍", "👏", "❤️", "😂", "😮", "❓")
RTC_KINDS = ("offer", "answer", "ice")
# Learners may enter this long before the start (trainers at any time).
LOBBY = timedelta(minutes=30)
# A room nobody ended is closed this long after its scheduled end.
OVERDUE = timedelta(hours=2)
# A connection lost without a close frame counts until its last ping, plus this.
PING_GRACE = timedelta(seconds=60)
RESULTS_EVERY = timedelta(seconds=1)


class RoomError(Exception):
    """An action the room refuses; ``code`` for programs, ``message`` for people."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = str(message)
        super().__init__(f"{code}: {self.message}")


class Refused(RoomError):
    """Refused at connect; the connection closes with ``close_code``."""

    def __init__(self, code: str, message: str, close_code: int) -> None:
        super().__init__(code, message)
        self.close_code = close_code


# --- scheduling --------------------------------------------------------------------


def _require_manager(*, actor: User, course: Course) -> None:
    if not course_selectors.course_can_manage(user=actor, course=course):
        raise PermissionDenied(
            _("Only the course's trainers and administrators manage live classes.")
        )


def _clean_schedule(
    *, course: Course, title: str, starts_at: datetime, ends_at: datetime, cohort
) -> str:
    title = canonical((title or "").strip())
    if not title:
        raise ValidationError({"title": _("Give the live class a title.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The class must end after it starts.")})
    if ends_at - starts_at > timedelta(hours=8):
        raise ValidationError({"ends_at": _("A live class lasts at most 8 hours.")})
    if (
        cohort is not None
        and not cohort.members.filter(enrollments__course=course).exists()
    ):
        raise ValidationError(
            {"cohort": _("Nobody in this cohort is enrolled in the course.")}
        )
    return title


def live_session_create(
    *,
    actor: User,
    course: Course,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    cohort: Cohort | None = None,
    description: str = "",
    attendance_percent: int = 75,
) -> LiveSession:
    _require_manager(actor=actor, course=course)
    title = _clean_schedule(
        course=course, title=title, starts_at=starts_at, ends_at=ends_at, cohort=cohort
    )
    if not 0 <= attendance_percent <= 100:
        raise ValidationError(
            {"attendance_percent": _("Give a share between 0 and 100.")}
        )
    return LiveSession.objects.create(
        course=course,
        cohort=cohort,
        title=title,
        description=canonical(description.strip()),
        starts_at=starts_at,
        ends_at=ends_at,
        attendance_percent=attendance_percent,
        created_by=actor,
    )


def live_session_update(
    *, actor: User, session: LiveSession, **details: Any
) -> LiveSession:
    _require_manager(actor=actor, course=session.course)
    if not session.is_open:
        raise ValidationError(_("An ended or cancelled class cannot be changed."))
    allowed = {
        "title",
        "starts_at",
        "ends_at",
        "cohort",
        "description",
        "attendance_percent",
    }
    for name, value in details.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(session, name, value)
    session.title = _clean_schedule(
        course=session.course,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        cohort=session.cohort,
    )
    session.description = canonical(session.description.strip())
    session.save()
    return session


def live_session_cancel(*, actor: User, session: LiveSession) -> LiveSession:
    _require_manager(actor=actor, course=session.course)
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != LiveSession.Status.SCHEDULED:
            raise ValidationError(
                _("Only a class that has not started can be cancelled.")
            )
        locked.status = LiveSession.Status.CANCELLED
        locked.save(update_fields=["status"])
        events.room_event_append(
            session=locked, type="session.ended", actor=actor, close="all"
        )
    return locked


# --- joining -----------------------------------------------------------------------


@dataclass
class Joined:
    interval_id: int
    user_id: int
    moderator: bool
    seq: int  # the last event the client has after the frames below
    frames: list[str] = field(default_factory=list)  # welcome, then missed events


def _may_join(*, user, session: LiveSession) -> bool:
    """Whether ``user`` may enter; True for moderators, raises ``Refused`` else."""
    if selectors.live_session_can_manage(user=user, session=session):
        return True
    enrolled = Enrollment.objects.filter(
        user=user, course_id=session.course_id, status=Enrollment.Status.ACTIVE
    ).exists()
    if not enrolled:
        raise Refused(
            "not_allowed",
            _("Only the learners and trainers of this course can join this class."),
            4403,
        )
    cohort = session.cohort
    if cohort is not None and not cohort.members.filter(pk=user.pk).exists():
        raise Refused(
            "not_allowed",
            _("This class is for the cohort “%(cohort)s”.") % {"cohort": cohort.name},
            4403,
        )
    return False


def _refuse_if_closed(session: LiveSession, *, moderator: bool) -> None:
    if session.status == LiveSession.Status.CANCELLED:
        raise Refused("ended", _("This live class was cancelled."), 4410)
    if session.status == LiveSession.Status.ENDED:
        raise Refused("ended", _("This live class has ended."), 4410)
    now = timezone.now()
    if not moderator and now < session.starts_at - LOBBY:
        opens = timezone.localtime(session.starts_at - LOBBY)
        raise Refused(
            "not_open",
            _("The class opens at %(time)s on %(date)s.")
            % {"time": f"{opens:%H:%M}", "date": f"{opens:%d/%m/%Y}"},
            4425,
        )


def room_join(*, user, session_id: int, last_seq: int | None) -> Joined:
    """Let ``user`` into the room (one connection) and say what to send first."""
    if not user.is_authenticated:
        raise Refused("not_signed_in", _("Sign in to join the live class."), 4401)
    session = (
        LiveSession.objects.select_related("course", "cohort")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Refused("not_found", _("This live class does not exist."), 4404)
    if session.is_open and timezone.now() > session.ends_at + OVERDUE:
        live_session_end(actor=None, session_id=session.pk)
        session.refresh_from_db()
    moderator = _may_join(user=user, session=session)
    _refuse_if_closed(session, moderator=moderator)
    now = timezone.now()
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        _refuse_if_closed(session, moderator=moderator)
        participant, _created = Participant.objects.get_or_create(
            session=session, user=user, defaults={"moderator": moderator}
        )
        if participant.removed_at is not None:
            raise Refused(
                "removed", _("A trainer removed you from this live class."), 4403
            )
        changed = []
        if participant.moderator != moderator:
            participant.moderator = moderator
            changed.append("moderator")
        if participant.first_joined_at is None:
            participant.first_joined_at = now
            changed.append("first_joined_at")
        if changed:
            participant.save(update_fields=changed)
        if session.status == LiveSession.Status.SCHEDULED and (
            moderator or now >= session.starts_at
        ):
            session.status = LiveSession.Status.LIVE
            session.started_at = now
            session.save(update_fields=["status", "started_at"])
        interval = AttendanceInterval.objects.create(
            session=session, user=user, joined_at=now, last_seen_at=now
        )
        resumed = last_seq is not None and 0 <= last_seq <= session.last_seq
        welcome: dict[str, Any] = {
            "type": "welcome",
            "seq": last_seq if resumed else session.last_seq,
            "resumed": resumed,
            "session": _session_frame(session),
            "you": {
                "id": user.pk,
                "name": user.display_name,
                "role": "trainer" if moderator else "learner",
                "moderator": moderator,
                "muted": participant.chat_muted,
                "hand_raised": participant.hand_raised_at is not None,
            },
            "limits": {
                "max_frame_bytes": settings.LIVE_MAX_FRAME_BYTES,
                "chat_max_chars": settings.LIVE_CHAT_MAX_CHARS,
                "frames_per_second": settings.LIVE_FRAME_RATE[0],
            },
        }
        frames: list[str] = []
        if resumed:
            assert last_seq is not None
            frames = [
                events.event_text(e)
                for e in RoomEvent.objects.filter(
                    session=session, seq__gt=last_seq
                ).select_related(None)
            ]
        else:
            welcome.update(_room_state(session=session, user=user))
        if moderator:
            # Trainers see who is in the room from the start, then ``presence``.
            welcome["present"] = [
                events.person(u)
                for u in User.objects.filter(
                    pk__in=AttendanceInterval.objects.filter(
                        session=session, left_at__isnull=True
                    ).values("user_id")
                ).order_by("full_name", "username")
            ]
        count = _present_count(session.pk)
        events.frame_to_staff(
            session_id=session.pk,
            frame={
                "type": "presence",
                "count": count,
                "joined": events.person(user),
            },
        )
    text = json.dumps(welcome, ensure_ascii=False, separators=(",", ":"))
    return Joined(
        interval_id=interval.pk,
        user_id=user.pk,
        moderator=moderator,
        seq=session.last_seq,
        frames=[text, *frames],
    )


def _session_frame(session: LiveSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "title": session.title,
        "status": session.status,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
    }


def slide_frames(session: LiveSession) -> list[dict[str, Any]]:
    return [
        {
            "n": s.position,
            "url": s.image.url,
            "width": s.width,
            "height": s.height,
        }
        for s in Slide.objects.filter(session=session).order_by("position")
    ]


def _poll_counts(poll: Poll) -> tuple[list[int], int]:
    counts = [0] * len(poll.options)
    rows = PollAnswer.objects.filter(poll=poll).values("option").annotate(n=Count("id"))
    for row in rows:
        if 0 <= row["option"] < len(counts):
            counts[row["option"]] = row["n"]
    return counts, sum(counts)


def _room_state(*, session: LiveSession, user) -> dict[str, Any]:
    poll = Poll.objects.filter(session=session, closed_at__isnull=True).last()
    poll_frame = None
    if poll is not None:
        counts, total = _poll_counts(poll)
        mine = PollAnswer.objects.filter(poll=poll, user=user).first()
        poll_frame = {
            "id": poll.pk,
            "kind": poll.kind,
            "question": poll.question,
            "options": poll.options,
            "counts": counts,
            "total": total,
            "answered": mine.option if mine else None,
        }
    chat = list(
        RoomEvent.objects.filter(session=session, type="chat.message").order_by("-seq")[
            : settings.LIVE_CHAT_HISTORY
        ]
    )
    people = Participant.objects.filter(session=session).select_related("user")
    return {
        "slides": slide_frames(session),
        "slide": session.current_slide,
        "poll": poll_frame,
        "hands": [
            events.person(p.user)
            for p in people.filter(hand_raised_at__isnull=False).order_by(
                "hand_raised_at"
            )
        ],
        "media": [
            {**(events.person(p.user) or {}), "media": p.media}
            for p in people.exclude(media="")
        ],
        "chat": [events.event_frame(e) for e in reversed(chat)],
    }


def _present_count(session_id: int) -> int:
    return (
        AttendanceInterval.objects.filter(session_id=session_id, left_at__isnull=True)
        .values("user_id")
        .distinct()
        .count()
    )


def room_leave(*, interval_id: int) -> None:
    """Close one connection's stay; the last connection of a person leaving
    also takes them out of the media mesh."""
    now = timezone.now()
    with transaction.atomic():
        interval = (
            AttendanceInterval.objects.select_for_update()
            .select_related("user")
            .filter(pk=interval_id, left_at__isnull=True)
            .first()
        )
        if interval is None:
            return
        interval.left_at = now
        interval.save(update_fields=["left_at"])
        Participant.objects.filter(
            session_id=interval.session_id, user_id=interval.user_id
        ).update(last_left_at=now)
        still_here = AttendanceInterval.objects.filter(
            session_id=interval.session_id,
            user_id=interval.user_id,
            left_at__isnull=True,
        ).exists()
        if not still_here:
            session = LiveSession.objects.select_for_update().get(
                pk=interval.session_id
            )
            participant = Participant.objects.filter(
                session=session, user_id=interval.user_id
            ).first()
            if participant and participant.media and session.is_open:
                media = participant.media
                participant.media = ""
                participant.save(update_fields=["media"])
                events.room_event_append(
                    session=session,
                    type="rtc.left",
                    actor=interval.user,
                    data={"user": events.person(interval.user), "media": media},
                )
        events.frame_to_staff(
            session_id=interval.session_id,
            frame={
                "type": "presence",
                "count": _present_count(interval.session_id),
                "left": events.person(interval.user),
            },
        )


def room_seen(*, interval_id: int) -> None:
    AttendanceInterval.objects.filter(pk=interval_id, left_at__isnull=True).update(
        last_seen_at=timezone.now()
    )


# --- room actions ------------------------------------------------------------------


@dataclass
class Done:
    seq: int | None  # the event the action made (or made the first time)
    duplicate: bool = False


def _client_id(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise RoomError("invalid", _("The frame needs an id (a UUID).")) from exc


@dataclass
class _Room:
    """The locked session and the acting person, inside a room action."""

    session: LiveSession
    participant: Participant
    user: Any
    client_id: uuid.UUID
    earlier: RoomEvent | None

    def emit(
        self, type: str, data: dict[str, Any], *, close: list[int] | None = None
    ) -> Done:
        """The action's room event, tied to the client's frame id."""
        event = events.room_event_append(
            session=self.session,
            type=type,
            actor=self.user,
            client_id=self.client_id,
            data=data,
            close=close,
        )
        return Done(event.seq)


def _enter(*, user, session_id: int, client_id: Any, moderator: bool = False) -> _Room:
    """Lock the session and check the person's standing (call inside atomic)."""
    cid = _client_id(client_id)
    session = LiveSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise RoomError("not_found", _("This live class does not exist."))
    participant = Participant.objects.filter(session=session, user=user).first()
    if participant is None or participant.removed_at is not None:
        raise RoomError("forbidden", _("You are not in this class."))
    earlier = RoomEvent.objects.filter(
        session=session, actor=user, client_id=cid
    ).first()
    if earlier is None and not session.is_open:
        raise RoomError("ended", _("This live class has ended."))
    if moderator and not participant.moderator:
        raise RoomError("forbidden", _("Only the class's trainers can do this."))
    return _Room(session, participant, user, cid, earlier)


def _room_action(*, moderator: bool = False) -> Callable[..., Callable[..., Done]]:
    """A room action: called as ``action(user=, session_id=, client_id=,
    **fields)``, it runs ``body(room, **fields)`` in one transaction holding the
    session's lock, after the person's standing is checked; a frame id seen
    before answers with the event it made then, and nothing changes."""

    def wrap(body: Callable[..., Done]) -> Callable[..., Done]:
        @functools.wraps(body)
        def action(*, user, session_id: int, client_id: Any, **fields: Any) -> Done:
            with transaction.atomic():
                room = _enter(
                    user=user,
                    session_id=session_id,
                    client_id=client_id,
                    moderator=moderator,
                )
                if room.earlier:
                    return Done(room.earlier.seq, duplicate=True)
                return body(room, **fields)

        return action

    return wrap


def _nfc(text: Any) -> str:
    """Stored form of typed text: NFC with the breve after the circumflex."""
    return canonical(str(text or "")).strip()


@_room_action()
def chat_send(room: _Room, *, text: Any) -> Done:
    if room.participant.chat_muted:
        raise RoomError("muted", _("A trainer has turned your chat off."))
    clean = _nfc(text) if isinstance(text, str) else ""
    if not clean:
        raise RoomError("invalid", _("Write a message."))
    if len(clean) > settings.LIVE_CHAT_MAX_CHARS:
        raise RoomError(
            "invalid",
            _("A message holds at most %(n)s characters.")
            % {"n": settings.LIVE_CHAT_MAX_CHARS},
        )
    return room.emit("chat.message", {"text": clean})


@_room_action()
def hand_set(room: _Room, *, raised: bool, user_id: int | None = None) -> Done:
    target = room.participant
    if user_id is not None and user_id != room.user.pk:
        if raised or not room.participant.moderator:
            raise RoomError(
                "forbidden", _("Only a trainer can lower someone else's hand.")
            )
        found = (
            Participant.objects.filter(session=room.session, user_id=user_id)
            .select_related("user")
            .first()
        )
        if found is None:
            raise RoomError("invalid", _("This person is not in the class."))
        target = found
    if raised == (target.hand_raised_at is not None):
        return Done(None)
    target.hand_raised_at = timezone.now() if raised else None
    target.save(update_fields=["hand_raised_at"])
    return room.emit(
        "hand.raised" if raised else "hand.lowered",
        {"user": events.person(target.user)},
    )


@_room_action()
def reaction_send(room: _Room, *, emoji: Any) -> Done:
    if emoji not in REACTIONS:
        raise RoomError("invalid", _("This reaction is not offered."))
    return room.emit("reaction", {"emoji": emoji})


@_room_action(moderator=True)
def slide_goto(room: _Room, *, slide: Any) -> Done:
    count = Slide.objects.filter(session=room.session).count()
    if (
        not isinstance(slide, int)
        or isinstance(slide, bool)
        or not (0 <= slide < count)
    ):
        raise RoomError("invalid", _("There is no such slide."))
    room.session.current_slide = slide
    LiveSession.objects.filter(pk=room.session.pk).update(current_slide=slide)
    return room.emit("slide.changed", {"slide": slide})


def _poll_closed_event(*, session: LiveSession, poll: Poll, actor, client_id=None):
    poll.closed_at = timezone.now()
    poll.save(update_fields=["closed_at"])
    counts, total = _poll_counts(poll)
    return events.room_event_append(
        session=session,
        type="poll.closed",
        actor=actor,
        client_id=client_id,
        data={
            "poll_id": poll.pk,
            "counts": counts,
            "total": total,
            "correct": poll.correct if poll.kind == Poll.Kind.QUIZ else [],
        },
    )


@_room_action(moderator=True)
def poll_open(
    room: _Room, *, kind: Any, question: Any, options: Any, correct: Any = None
) -> Done:
    if kind not in (Poll.Kind.POLL, Poll.Kind.QUIZ):
        raise RoomError("invalid", _("A question is a poll or a quiz."))
    text = _nfc(question) if isinstance(question, str) else ""
    if not 1 <= len(text) <= 300:
        raise RoomError("invalid", _("Write the question (at most 300 characters)."))
    if not isinstance(options, list) or not 2 <= len(options) <= 6:
        raise RoomError("invalid", _("Give between 2 and 6 answers."))
    choices = [_nfc(o) if isinstance(o, str) else "" for o in options]
    if any(not 1 <= len(c) <= 200 for c in choices):
        raise RoomError(
            "invalid", _("Every answer needs a text of at most 200 characters.")
        )
    right: list[int] = []
    if kind == Poll.Kind.QUIZ:
        if (
            not isinstance(correct, list)
            or not correct
            or any(not isinstance(i, int) or not 0 <= i < len(choices) for i in correct)
        ):
            raise RoomError("invalid", _("Mark the right answer of the quiz."))
        right = sorted(set(correct))
    for earlier in Poll.objects.filter(session=room.session, closed_at__isnull=True):
        _poll_closed_event(session=room.session, poll=earlier, actor=room.user)
    poll = Poll.objects.create(
        session=room.session,
        kind=kind,
        question=text,
        options=choices,
        correct=right,
        opened_at=timezone.now(),
    )
    return room.emit(
        "poll.opened",
        {
            "poll": {
                "id": poll.pk,
                "kind": poll.kind,
                "question": text,
                "options": choices,
            }
        },
    )


def _poll_of(room: _Room, poll_id: Any) -> Poll:
    poll = (
        Poll.objects.filter(session=room.session, pk=poll_id).first()
        if isinstance(poll_id, int)
        else None
    )
    if poll is None:
        raise RoomError("invalid", _("There is no such poll."))
    return poll


def poll_answer(
    *, user, session_id: int, client_id: Any, poll_id: Any, option: Any
) -> Done:
    """One answer per person and poll (the answer's uniqueness, not the frame
    id, makes a resend harmless: answering again the same is acknowledged)."""
    with transaction.atomic():
        room = _enter(user=user, session_id=session_id, client_id=client_id)
        if room.participant.moderator:
            raise RoomError("forbidden", _("Trainers do not answer their own polls."))
        poll = _poll_of(room, poll_id)
        mine = PollAnswer.objects.filter(poll=poll, user=user).first()
        if mine is not None:
            if mine.option == option:
                return Done(None, duplicate=True)
            raise RoomError("invalid", _("You have already answered."))
        if poll.closed_at is not None:
            raise RoomError("poll_closed", _("This poll is closed."))
        if (
            not isinstance(option, int)
            or isinstance(option, bool)
            or not 0 <= option < len(poll.options)
        ):
            raise RoomError("invalid", _("There is no such answer."))
        PollAnswer.objects.create(
            poll=poll,
            user=user,
            option=option,
            correct=(option in poll.correct) if poll.kind == Poll.Kind.QUIZ else None,
        )
        counts, total = _poll_counts(poll)
        events.frame_to_staff(
            session_id=room.session.pk,
            frame={
                "type": "poll.tally",
                "poll_id": poll.pk,
                "counts": counts,
                "total": total,
            },
        )
        now = timezone.now()
        seq = None
        # Learners get the tally at most once a second: 500 answers must not
        # become 500 broadcasts to 500 people.
        if poll.results_sent_at is None or now - poll.results_sent_at >= RESULTS_EVERY:
            poll.results_sent_at = now
            poll.save(update_fields=["results_sent_at"])
            seq = events.room_event_append(
                session=room.session,
                type="poll.results",
                actor=None,
                data={"poll_id": poll.pk, "counts": counts, "total": total},
            ).seq
    return Done(seq)


@_room_action(moderator=True)
def poll_close(room: _Room, *, poll_id: Any) -> Done:
    poll = _poll_of(room, poll_id)
    if poll.closed_at is not None:
        raise RoomError("poll_closed", _("This poll is closed."))
    event = _poll_closed_event(
        session=room.session, poll=poll, actor=room.user, client_id=room.client_id
    )
    return Done(event.seq)


def _target(room: _Room, user_id: Any) -> Participant:
    target = (
        Participant.objects.filter(session=room.session, user_id=user_id)
        .select_related("user")
        .first()
        if isinstance(user_id, int)
        else None
    )
    if target is None:
        raise RoomError("invalid", _("This person is not in the class."))
    if target.moderator:
        raise RoomError("forbidden", _("Trainers cannot be muted or removed."))
    return target


@_room_action(moderator=True)
def participant_mute(room: _Room, *, user_id: Any, muted: Any) -> Done:
    target = _target(room, user_id)
    target.chat_muted = bool(muted)
    target.save(update_fields=["chat_muted"])
    return room.emit(
        "participant.muted",
        {"user": events.person(target.user), "muted": target.chat_muted},
    )


@_room_action(moderator=True)
def participant_remove(room: _Room, *, user_id: Any) -> Done:
    target = _target(room, user_id)
    target.removed_at = timezone.now()
    target.hand_raised_at = None
    target.media = ""
    target.save(update_fields=["removed_at", "hand_raised_at", "media"])
    return room.emit(
        "participant.removed",
        {"user": events.person(target.user)},
        close=[target.user_id],
    )


@_room_action()
def rtc_join(room: _Room, *, media: Any) -> Done:
    if media not in (Participant.Media.AUDIO, Participant.Media.VIDEO):
        raise RoomError("invalid", _("Media is audio or video."))
    if room.participant.media == media:
        return Done(None)
    if (
        not room.participant.media
        and Participant.objects.filter(session=room.session).exclude(media="").count()
        >= settings.LIVE_RTC_MAX_PEERS
    ):
        raise RoomError(
            "media_full",
            _("%(n)s people already share audio or video; follow the slides and chat.")
            % {"n": settings.LIVE_RTC_MAX_PEERS},
        )
    room.participant.media = media
    room.participant.save(update_fields=["media"])
    return room.emit("rtc.joined", {"user": events.person(room.user), "media": media})


@_room_action()
def rtc_leave(room: _Room) -> Done:
    if not room.participant.media:
        return Done(None)
    media = room.participant.media
    room.participant.media = ""
    room.participant.save(update_fields=["media"])
    return room.emit("rtc.left", {"user": events.person(room.user), "media": media})


def rtc_signal(*, user, session_id: int, to: Any, kind: Any, data: Any) -> None:
    """Relay one WebRTC signaling message to another person in the room."""
    if kind not in RTC_KINDS:
        raise RoomError("invalid", _("Signaling is an offer, an answer or ICE."))
    if not isinstance(data, (dict, str)):
        raise RoomError("invalid", _("The signaling data is missing."))
    if not isinstance(to, int) or to == user.pk:
        raise RoomError("invalid", _("This person is not in the class."))
    people = dict(
        Participant.objects.filter(
            session_id=session_id, user_id__in=[user.pk, to], removed_at__isnull=True
        ).values_list("user_id", "session__status")
    )
    if user.pk not in people:
        raise RoomError("forbidden", _("You are not in this class."))
    if people[user.pk] not in (LiveSession.Status.SCHEDULED, LiveSession.Status.LIVE):
        raise RoomError("ended", _("This live class has ended."))
    present = AttendanceInterval.objects.filter(
        session_id=session_id, user_id=to, left_at__isnull=True
    ).exists()
    if to not in people or not present:
        raise RoomError("invalid", _("This person is not in the class."))
    events.frame_to_user(
        session_id=session_id,
        user_id=to,
        frame={
            "type": "rtc.signal",
            "from": events.person(user),
            "kind": kind,
            "data": data,
        },
    )


# --- the end, attendance and progress ----------------------------------------------


def live_session_end(*, actor, session_id: int, client_id: Any = None) -> Done:
    """End the class: close every stay, count attendance, tell everyone, and
    (after the commit) write attendance into course progress. ``actor`` None is
    the platform closing a room nobody ended."""
    with transaction.atomic():
        if actor is not None:
            room = _enter(
                user=actor, session_id=session_id, client_id=client_id, moderator=True
            )
            if room.earlier:
                return Done(room.earlier.seq, duplicate=True)
            session, cid = room.session, room.client_id
        else:
            session = LiveSession.objects.select_for_update().get(pk=session_id)
            cid = None
            if not session.is_open:
                return Done(None, duplicate=True)
        now = timezone.now()
        end = now if actor is not None else min(now, session.ends_at + OVERDUE)
        session.status = LiveSession.Status.ENDED
        session.ended_at = end
        session.save(update_fields=["status", "ended_at"])
        for interval in AttendanceInterval.objects.filter(
            session=session, left_at__isnull=True
        ):
            # A connection whose process vanished counts to its last ping.
            interval.left_at = min(end, interval.last_seen_at + PING_GRACE)
            if actor is not None and interval.last_seen_at + PING_GRACE >= now:
                interval.left_at = end
            interval.save(update_fields=["left_at"])
        for participant in Participant.objects.filter(session=session):
            last = (
                AttendanceInterval.objects.filter(
                    session=session, user_id=participant.user_id
                )
                .order_by("-left_at")
                .values_list("left_at", flat=True)
                .first()
            )
            if last and last != participant.last_left_at:
                participant.last_left_at = last
                participant.save(update_fields=["last_left_at"])
        Poll.objects.filter(session=session, closed_at__isnull=True).update(
            closed_at=end
        )
        attendance_count(session=session)
        event = events.room_event_append(
            session=session,
            type="session.ended",
            actor=actor,
            client_id=cid,
            close="all",
        )
        session_id_ = session.pk
        transaction.on_commit(lambda: _record_progress_later(session_id_))
    return Done(event.seq)


def _record_progress_later(session_id: int) -> None:
    from live_classes.tasks import attendance_progress_record

    attendance_progress_record.enqueue(session_id)


def _merged_seconds(spans: list[tuple[datetime, datetime]]) -> int:
    total = 0.0
    current: tuple[datetime, datetime] | None = None
    for start, end in sorted(spans):
        if end <= start:
            continue
        if current is None or start > current[1]:
            if current is not None:
                total += (current[1] - current[0]).total_seconds()
            current = (start, end)
        else:
            current = (current[0], max(current[1], end))
    if current is not None:
        total += (current[1] - current[0]).total_seconds()
    return int(total)


def attendance_count(*, session: LiveSession) -> None:
    """Each participant's seconds in the room within the scheduled time
    (overlapping stays, e.g. two tabs, count once)."""
    window_end = session.ended_at or timezone.now()
    spans: dict[int, list[tuple[datetime, datetime]]] = {}
    for interval in AttendanceInterval.objects.filter(session=session):
        left = interval.left_at or min(window_end, interval.last_seen_at + PING_GRACE)
        start = max(interval.joined_at, session.starts_at)
        end = min(left, session.ends_at, window_end)
        spans.setdefault(interval.user_id, []).append((start, end))
    for participant in Participant.objects.filter(session=session):
        seconds = _merged_seconds(spans.get(participant.user_id, []))
        if seconds != participant.attended_seconds:
            participant.attended_seconds = seconds
            participant.save(update_fields=["attended_seconds"])


def attended_enough(*, session: LiveSession, seconds: int) -> bool:
    needed = session.scheduled_seconds * session.attendance_percent / 100
    return seconds >= needed


def attendance_progress_record(*, session_id: int) -> int:
    """Mark the session's live-class blocks done for every learner who attended
    enough. Idempotent: one submission id per (session, learner). Returns how
    many learners were recorded."""
    from content_authoring import selectors as content_selectors
    from courses import services as course_services

    session = LiveSession.objects.get(pk=session_id)
    blocks = content_selectors.blocks_pointing_at(
        course_id=session.course_id,
        block_type="live_session",
        field="session_id",
        value=session.pk,
    )
    recorded = 0
    for participant in Participant.objects.filter(
        session=session, moderator=False
    ).select_related("user"):
        if not attended_enough(session=session, seconds=participant.attended_seconds):
            continue
        for block in blocks:
            if not block.published:
                continue
            submission = uuid.uuid5(
                uuid.NAMESPACE_URL,
                f"live-session:{session.pk}:block:{block.id}:user:{participant.user_id}",
            )
            try:
                course_services.block_result_record(
                    user=participant.user,
                    block_id=block.id,
                    submission_id=submission,
                    progress=1.0,
                    kind="attendance",
                    answer={"seconds": participant.attended_seconds},
                )
            except (PermissionDenied, ValidationError):
                continue  # no longer enrolled, lesson unpublished
        recorded += 1
    return recorded


def live_sessions_close_overdue() -> int:
    """End rooms nobody ended, two hours after their scheduled end."""
    due = LiveSession.objects.filter(
        status__in=[LiveSession.Status.SCHEDULED, LiveSession.Status.LIVE],
        ends_at__lt=timezone.now() - OVERDUE,
    ).values_list("pk", flat=True)
    ended = 0
    for pk in list(due):
        live_session_end(actor=None, session_id=pk)
        ended += 1
    return ended


ERROR_MESSAGES = {
    "too_big": gettext_lazy("This message is too long to send."),
    "malformed": gettext_lazy("The message could not be read."),
    "unknown_type": gettext_lazy("The room does not know this action."),
    "rate_limited": gettext_lazy("Too many messages at once; wait a moment."),
}


# --- slides and replay ---------------------------------------------------------------

SLIDE_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
SLIDE_WIDTH = 1280
REPLAY_SIZE = (854, 480)


def slides_add(*, actor: User, session: LiveSession, uploads: list) -> int:
    """Append slides from images and/or PDFs (each page becomes a slide).

    All or nothing: every file is checked and converted before any is kept,
    and files already written are removed if the rows cannot be. Returns how
    many slides were added; the room hears ``slides.updated``.
    """
    import tempfile
    from pathlib import Path, PurePosixPath

    from django.core.files import File

    from content_authoring.media import processing

    _require_manager(actor=actor, course=session.course)
    if not session.is_open:
        raise ValidationError(_("An ended or cancelled class cannot be changed."))
    if not uploads:
        raise ValidationError(_("Choose images or a PDF."))
    limit = settings.LIVE_SLIDES_MAX_PAGES
    too_many = ValidationError(_("At most %(n)s slides per class.") % {"n": limit})
    already = Slide.objects.filter(session=session).count()

    def unreadable(label: str, kind: str) -> ValidationError:
        return ValidationError(
            _("“%(name)s” could not be read as %(kind)s.")
            % {"name": label, "kind": kind}
        )

    with tempfile.TemporaryDirectory(prefix="live-slides-") as tmp:
        work = Path(tmp)
        # (picture, what to call it in a message: the file or the PDF's page)
        pictures: list[tuple[Path, str]] = []
        for number, upload in enumerate(uploads):
            name = PurePosixPath(upload.name or "").name
            suffix = PurePosixPath(name).suffix.lower()
            source = work / f"upload-{number}{suffix}"
            with source.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            if suffix == ".pdf":
                try:
                    pages = processing.pdf_page_count(source)
                    if already + len(pictures) + pages > limit:
                        raise too_many
                    folder = work / f"pdf-{number}"
                    folder.mkdir()
                    rendered = processing.render_pdf_pages(
                        source, folder, width=SLIDE_WIDTH
                    )
                except processing.MediaError as exc:
                    raise unreadable(name, "PDF") from exc
                pictures += [
                    (page, _("%(name)s, page %(n)s") % {"name": name, "n": n})
                    for n, page in enumerate(rendered, start=1)
                ]
            elif suffix in SLIDE_IMAGE_SUFFIXES:
                pictures.append((source, name))
            else:
                raise ValidationError(
                    _("“%(name)s” is not a slide: send JPEG, PNG, WebP or PDF.")
                    % {"name": name}
                )
            if already + len(pictures) > limit:
                raise too_many
        ready: list[tuple[Path, int, int]] = []
        for index, (picture, label) in enumerate(pictures):
            output = work / f"slide-{index:03d}.webp"
            try:
                width, height = processing.image_downscale(
                    picture, output, max_width=SLIDE_WIDTH
                )
            except processing.MediaError as exc:
                raise unreadable(label, _("an image")) from exc
            ready.append((output, width, height))
        saved: list[Slide] = []
        try:
            with transaction.atomic():
                locked = LiveSession.objects.select_for_update().get(pk=session.pk)
                first = Slide.objects.filter(session=locked).count()
                if first + len(ready) > limit:
                    raise too_many
                for offset, (path, width, height) in enumerate(ready):
                    slide = Slide(
                        session=locked,
                        position=first + offset,
                        width=width,
                        height=height,
                    )
                    with path.open("rb") as handle:
                        slide.image.save(
                            f"{locked.pk}-{first + offset}-{secrets.token_hex(8)}.webp",
                            File(handle),
                            save=False,
                        )
                    saved.append(slide)
                    slide.save()
                events.room_event_append(
                    session=locked,
                    type="slides.updated",
                    actor=actor,
                    data={"slides": slide_frames(locked)},
                )
        except BaseException:
            for slide in saved:
                slide.image.delete(save=False)
            raise
    return len(ready)


def replay_audio_set(
    *, actor: User, session: LiveSession, upload, started_at: datetime | None = None
) -> LiveSession:
    """Keep the trainer's recording of the class and compose the replay video
    in the background. ``started_at`` is when the recording began (default: when
    the class started)."""
    import tempfile
    from pathlib import Path, PurePosixPath

    from django.core.files import File

    from content_authoring.media import processing

    _require_manager(actor=actor, course=session.course)
    suffix = PurePosixPath(upload.name or "").suffix.lower() or ".webm"
    if len(suffix) > 6:
        suffix = ".webm"
    with tempfile.TemporaryDirectory(prefix="live-audio-") as tmp:
        source = Path(tmp) / f"audio{suffix}"
        with source.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            info = processing.probe(source)
        except processing.MediaError as exc:
            raise ValidationError(
                _("This file is not a recording we can read.")
            ) from exc
        # A recording straight from MediaRecorder is a WebM stream without a
        # duration in its header: duration 0 is allowed here; the task
        # transcodes it and then knows its length.
        if not info.has_audio:
            raise ValidationError(_("This file is not a recording we can read."))
        if session.replay_audio:
            session.replay_audio.delete(save=False)
        with source.open("rb") as handle:
            session.replay_audio.save(
                f"{session.pk}-{secrets.token_hex(8)}{suffix}", File(handle), save=False
            )
    session.replay_audio_started_at = (
        started_at or session.started_at or session.starts_at
    )
    session.replay_status = "waiting"
    session.replay_error = ""
    session.save(
        update_fields=[
            "replay_audio",
            "replay_audio_started_at",
            "replay_status",
            "replay_error",
        ]
    )
    session_id = session.pk

    def enqueue() -> None:
        from live_classes.tasks import replay_compose as task

        task.enqueue(session_id)

    transaction.on_commit(enqueue)
    return session


def replay_slide_starts(
    *, session: LiveSession, audio_started_at: datetime, duration: float
) -> list[tuple[int, float]]:
    """(slide index, second in the recording) for each slide shown while the
    recording ran: the slide on screen when it began at 0, then each change.
    Changes closer than a second are merged (the last one wins)."""
    changes = list(
        RoomEvent.objects.filter(session=session, type="slide.changed")
        .order_by("seq")
        .values_list("created_at", "data")
    )
    current = 0
    for at, data in changes:
        if at <= audio_started_at:
            current = data.get("slide", 0)
    starts: list[tuple[int, float]] = [(current, 0.0)]
    for at, data in changes:
        second = (at - audio_started_at).total_seconds()
        if second <= 0 or second >= duration:
            continue
        slide = data.get("slide", 0)
        if second - starts[-1][1] < 1:
            starts[-1] = (slide, starts[-1][1])
        elif slide != starts[-1][0]:
            starts.append((slide, second))
    return starts


def replay_compose(*, session_id: int) -> str:
    """Compose the replay video: the slides as they were shown, over the
    recording, small (854×480, 1 frame a second, low bitrate)."""
    import tempfile
    from pathlib import Path

    from django.core.files import File

    from content_authoring.media import processing

    session = LiveSession.objects.get(pk=session_id)
    if not session.replay_audio:
        return "no audio"
    slides = list(Slide.objects.filter(session=session).order_by("position"))
    session.replay_status = "processing"
    session.save(update_fields=["replay_status"])
    try:
        with tempfile.TemporaryDirectory(prefix="live-replay-") as tmp:
            work = Path(tmp)
            audio = work / "audio.m4a"
            processing.transcode_audio(Path(session.replay_audio.path), audio)
            info = processing.probe(audio)
            if not info.duration:
                raise processing.MediaError("no_audio", "empty recording")
            if not slides:
                raise processing.MediaError("no_slides")
            starts = replay_slide_starts(
                session=session,
                audio_started_at=session.replay_audio_started_at
                or session.started_at
                or session.starts_at,
                duration=info.duration,
            )
            paths = [
                Path(slides[min(i, len(slides) - 1)].image.path) for i, _s in starts
            ]
            output = work / "replay.mp4"
            processing.compose_slides(
                paths,
                [s for _i, s in starts],
                audio,
                output,
                size=REPLAY_SIZE,
                fps=1,
                crf=32,
                audio_bitrate="48k",
            )
            with output.open("rb") as handle:
                if session.replay_video:
                    session.replay_video.delete(save=False)
                session.replay_video.save(
                    f"{session.pk}-{secrets.token_hex(8)}.mp4", File(handle), save=False
                )
    except processing.MediaError as exc:
        session.replay_status = "failed"
        session.replay_error = str(exc)[:300]
        session.save(update_fields=["replay_status", "replay_error"])
        return "failed"
    session.replay_status = "ready"
    session.save(update_fields=["replay_video", "replay_status"])
    return "ready"
