"""Writes of workshops: scheduling, registration with a waitlist, check-in,
the attendance rule and the satisfaction survey.

Every service checks its own permission, so a page, a sync from an
organiser's phone and a test behave alike. Seats are counted under a lock on
the workshop's row: two people asking for the last seat at once get one seat
and one place on the waitlist. A check-in is unique per registration and
session, and an offline tick carries its phone-made id, so anything sent twice
counts once.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courses.models import Course, Enrollment, Module
from ecommerce_training import selectors_workshops as selectors
from ecommerce_training.models import (
    CheckIn,
    Registration,
    SurveyResponse,
    Workshop,
    WorkshopSession,
)
from live_classes import services as live_services
from live_classes.models import LiveSession
from lms.models import Commune, LearnerProfile, Role, User
from lms.services import normalise_phone
from lms.text import canonical, fold

# Registration codes: typed from a printed ticket, so no 0/O and 1/I.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
# An offline tick's time is the phone's; one from the future is a wrong clock.
CLOCK_SKEW = timedelta(minutes=5)
SYNC_MAX_ITEMS = 500

Status = Registration.Status


def _clean(value: Any) -> str:
    return " ".join(canonical(str(value or "")).split())


def _require_creator(actor: User) -> None:
    if not selectors.workshop_can_create(user=actor):
        raise PermissionDenied(
            _("Only workshop organisers and administrators create workshops.")
        )


def _require_manager(actor: User, workshop: Workshop) -> None:
    if not selectors.workshop_can_manage(user=actor, workshop=workshop):
        raise PermissionDenied(
            _("Only this workshop's organisers and administrators manage it.")
        )


def _locked(workshop: Workshop) -> Workshop:
    """The workshop's row, locked until the transaction ends (call inside one)."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


# --- workshops ---------------------------------------------------------------------

_WORKSHOP_FIELDS = {
    "title",
    "description",
    "seats",
    "language",
    "interpreter_needed",
    "min_sessions",
    "hours",
    "course",
}


def _check_workshop(workshop: Workshop, modules: list[Module] | None) -> None:
    errors: dict[str, str] = {}
    workshop.title = _clean(workshop.title)
    workshop.description = canonical((workshop.description or "").strip())
    if not workshop.title:
        errors["title"] = _("Give the workshop a title.")
    if workshop.seats is None or workshop.seats < 1:
        errors["seats"] = _("A workshop has at least one seat.")
    if workshop.min_sessions is None or workshop.min_sessions < 1:
        errors["min_sessions"] = _("Ask for at least one session.")
    if modules and any(
        workshop.course_id is None or m.course_id != workshop.course_id for m in modules
    ):
        errors["modules"] = _("Choose modules of the workshop's course.")
    if errors:
        raise ValidationError(errors)


def _unique_slug(title: str) -> str:
    base = slugify(fold(title))[:200] or "workshop"
    slug, number = base, 2
    while Workshop.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def workshop_create(
    *,
    actor: User,
    title: str,
    seats: int,
    modules: list[Module] | None = None,
    **details: Any,
) -> Workshop:
    _require_creator(actor)
    unknown = set(details) - _WORKSHOP_FIELDS
    if unknown:
        raise TypeError(", ".join(sorted(unknown)))
    workshop = Workshop(title=title, seats=seats, created_by=actor, **details)
    _check_workshop(workshop, modules)
    workshop.slug = _unique_slug(workshop.title)
    workshop.save()
    workshop.organisers.add(actor)
    if modules:
        workshop.modules.set(modules)
    return workshop


@transaction.atomic
def workshop_update(
    *,
    actor: User,
    workshop: Workshop,
    modules: list[Module] | None = None,
    **details: Any,
) -> Workshop:
    _require_manager(actor, workshop)
    locked = _locked(workshop)
    if locked.status in (Workshop.Status.CANCELLED, Workshop.Status.FINISHED):
        raise ValidationError(_("A cancelled or finished workshop cannot be changed."))
    for name, value in details.items():
        if name not in _WORKSHOP_FIELDS:
            raise TypeError(name)
        setattr(locked, name, value)
    _check_workshop(locked, modules)
    seated = locked.registrations.filter(status=Status.REGISTERED).count()
    if locked.seats < seated:
        raise ValidationError(
            {
                "seats": _(
                    "%(n)s people already have a seat: cancel registrations "
                    "before removing seats."
                )
                % {"n": seated}
            }
        )
    locked.save()
    if modules is not None:
        locked.modules.set(modules)
    _promote(locked)
    workshop.refresh_from_db()
    return locked


# Which status may follow which (the organiser's buttons).
_NEXT_STATUS = {
    Workshop.Status.DRAFT: {Workshop.Status.OPEN, Workshop.Status.CANCELLED},
    Workshop.Status.OPEN: {
        Workshop.Status.CLOSED,
        Workshop.Status.FINISHED,
        Workshop.Status.CANCELLED,
    },
    Workshop.Status.CLOSED: {
        Workshop.Status.OPEN,
        Workshop.Status.FINISHED,
        Workshop.Status.CANCELLED,
    },
    Workshop.Status.FINISHED: set(),
    Workshop.Status.CANCELLED: set(),
}


@transaction.atomic
def workshop_status_set(*, actor: User, workshop: Workshop, status: str) -> Workshop:
    """Open or close registration, finish or cancel the workshop."""
    _require_manager(actor, workshop)
    locked = _locked(workshop)
    if status not in _NEXT_STATUS.get(Workshop.Status(locked.status), set()):
        raise ValidationError(
            _("A workshop that is “%(now)s” cannot become “%(next)s”.")
            % {
                "now": Workshop.Status(locked.status).label,
                "next": Workshop.Status(status).label
                if status in Workshop.Status.values
                else status,
            }
        )
    if status == Workshop.Status.OPEN:
        sessions = locked.sessions.count()
        if sessions == 0:
            raise ValidationError(_("Add the workshop's sessions before opening it."))
        if locked.min_sessions > sessions:
            raise ValidationError(
                _(
                    "The attendance rule asks for %(rule)s sessions but the "
                    "workshop has %(n)s."
                )
                % {"rule": locked.min_sessions, "n": sessions}
            )
    locked.status = status
    locked.save(update_fields=["status"])
    workshop.status = status
    return locked


# --- sessions ----------------------------------------------------------------------


def _check_session(session: WorkshopSession) -> None:
    errors: dict[str, str] = {}
    session.title = _clean(session.title)
    session.venue = _clean(session.venue)
    if not session.title:
        errors["title"] = _("Give the session a title.")
    if session.mode not in WorkshopSession.Mode.values:
        errors["mode"] = _("Choose in person, online or both.")
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("The session must end after it starts.")
    in_person = session.mode in (
        WorkshopSession.Mode.IN_PERSON,
        WorkshopSession.Mode.BOTH,
    )
    if in_person and not session.venue:
        errors["venue"] = _("Say where the session takes place.")
    if in_person and session.commune_id is None:
        errors["commune"] = _("Choose the commune of the venue.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_create(
    *,
    actor: User,
    workshop: Workshop,
    title: str,
    mode: str,
    starts_at: datetime,
    ends_at: datetime,
    venue: str = "",
    commune: Commune | None = None,
    live_session: LiveSession | None = None,
    create_live: bool = False,
) -> WorkshopSession:
    """A session in person (venue, commune), online (a live class of the
    workshop's course: an existing one linked, or a new one scheduled), or both."""
    _require_manager(actor, workshop)
    locked = _locked(workshop)
    if locked.status in (Workshop.Status.CANCELLED, Workshop.Status.FINISHED):
        raise ValidationError(_("A cancelled or finished workshop cannot be changed."))
    session = WorkshopSession(
        workshop=locked,
        title=title,
        mode=mode,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        commune=commune,
    )
    _check_session(session)
    if mode in (WorkshopSession.Mode.ONLINE, WorkshopSession.Mode.BOTH):
        session.live_session = _live_session_for(
            actor=actor,
            workshop=locked,
            session=session,
            live_session=live_session,
            create_live=create_live,
        )
    session.save()
    return session


def _live_session_for(
    *,
    actor: User,
    workshop: Workshop,
    session: WorkshopSession,
    live_session: LiveSession | None,
    create_live: bool,
) -> LiveSession:
    course: Course | None = workshop.course
    if course is None:
        raise ValidationError(
            {"live_session": _("An online session needs the workshop's course.")}
        )
    if live_session is not None:
        if live_session.course_id != course.pk:
            raise ValidationError(
                {"live_session": _("Choose a live class of the workshop's course.")}
            )
        if WorkshopSession.objects.filter(live_session=live_session).exists():
            raise ValidationError(
                {"live_session": _("This live class belongs to another session.")}
            )
        return live_session
    if not create_live:
        raise ValidationError(
            {
                "live_session": _(
                    "Link a live class of the course, or schedule a new one."
                )
            }
        )
    # Scheduling a live class is the course's trainers' (and administrators')
    # right: live_classes checks it, and says so to anyone else.
    return live_services.live_session_create(
        actor=actor,
        course=course,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )


_SESSION_FIELDS = {
    "title",
    "mode",
    "starts_at",
    "ends_at",
    "venue",
    "commune",
    "live_session",
}


@transaction.atomic
def session_update(
    *, actor: User, session: WorkshopSession, create_live: bool = False, **details: Any
) -> WorkshopSession:
    """Change a session; an online one keeps its live class unless another
    is linked (a live class's own time is changed in live classes)."""
    _require_manager(actor, session.workshop)
    locked = _locked(session.workshop)
    if locked.status in (Workshop.Status.CANCELLED, Workshop.Status.FINISHED):
        raise ValidationError(_("A cancelled or finished workshop cannot be changed."))
    current = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    new_live = details.pop("live_session", None)
    for name, value in details.items():
        if name not in _SESSION_FIELDS:
            raise TypeError(name)
        setattr(current, name, value)
    _check_session(current)
    online = current.mode in (WorkshopSession.Mode.ONLINE, WorkshopSession.Mode.BOTH)
    if online and (new_live is not None or current.live_session_id is None):
        current.live_session = _live_session_for(
            actor=actor,
            workshop=locked,
            session=current,
            live_session=new_live,
            create_live=create_live,
        )
    elif not online:
        current.live_session = None
    current.save()
    return current


@transaction.atomic
def session_delete(*, actor: User, session: WorkshopSession) -> None:
    _require_manager(actor, session.workshop)
    _locked(session.workshop)
    if session.checkins.exists():
        raise ValidationError(
            _("People were checked in at this session: it cannot be removed.")
        )
    session.delete()


# --- people ------------------------------------------------------------------------


@dataclass
class PersonCreated:
    user: User
    # Shown once to the organiser, to give to the person; never stored in clear.
    password: str


def person_create(
    *, actor: User, full_name: str, phone: str, commune: Commune | None
) -> PersonCreated:
    """A learner account from what a participant without e-mail has: a name,
    a phone number and a commune (the phone number is the user name)."""
    if not selectors.workshop_can_create(user=actor):
        raise PermissionDenied(
            _("Only workshop organisers and administrators add participants.")
        )
    errors: dict[str, str] = {}
    name = _clean(full_name)
    number = normalise_phone(phone or "")
    if not name:
        errors["full_name"] = _("Write the person's full name.")
    if number is None:
        errors["phone"] = _("Write a Vietnamese mobile number (10 digits, 0…).")
    if commune is None:
        errors["commune"] = _("Choose the person's commune.")
    if errors:
        raise ValidationError(errors)
    assert number is not None
    existing = User.objects.filter(Q(phone=number) | Q(username=number)).first()
    if existing is not None:
        raise ValidationError(
            {
                "phone": _(
                    "%(name)s already has this phone number: find them and "
                    "register them instead."
                )
                % {"name": existing.display_name}
            }
        )
    password = "".join(secrets.choice(CODE_ALPHABET.lower()) for _i in range(10))
    try:
        with transaction.atomic():
            user = User.objects.create(
                username=number,
                password=make_password(password),
                role=Role.LEARNER,
                full_name=name,
                phone=number,
            )
            LearnerProfile.objects.create(user=user, commune=commune)
    except IntegrityError as exc:  # the same person added twice at once
        raise ValidationError(
            {"phone": _("Somebody already has this phone number.")}
        ) from exc
    return PersonCreated(user=user, password=password)


# --- registration ------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _free_seats(workshop: Workshop) -> int:
    seated = workshop.registrations.filter(status=Status.REGISTERED).count()
    return workshop.seats - seated


def _promote(workshop: Workshop) -> list[Registration]:
    """Give free seats to the waitlist, first come first served (call with
    the workshop's row locked)."""
    free = _free_seats(workshop)
    if free <= 0:
        return []
    promoted = list(
        workshop.registrations.filter(status=Status.WAITLISTED).order_by(
            "created_at", "pk"
        )[:free]
    )
    now = timezone.now()
    for registration in promoted:
        registration.status = Status.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _enroll_in_course(registration)
    return promoted


def _enroll_in_course(registration: Registration) -> None:
    """A seat in a workshop is a place in its course: its modules, its live
    classes (the online sessions) and the practice scores all live there."""
    course = registration.workshop.course
    if course is None or not course.is_published:
        return
    enrollment = Enrollment.objects.filter(
        user_id=registration.user_id, course=course
    ).first()
    if enrollment is None:
        Enrollment.objects.create(
            user_id=registration.user_id,
            course=course,
            status=Enrollment.Status.ACTIVE,
            source=Enrollment.Source.STAFF
            if registration.registered_by_id
            else Enrollment.Source.SELF,
        )
    elif enrollment.status != Enrollment.Status.ACTIVE:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.save(update_fields=["status"])


@dataclass
class Registered:
    registration: Registration
    created: bool


def registration_create(
    *, actor: User, workshop: Workshop, user: User | None = None
) -> Registered:
    """Register ``user`` (default: the actor) for ``workshop``: a seat while
    there is one, else the waitlist. Asking again returns the registration."""
    person = user or actor
    on_behalf = person.pk != actor.pk
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to register."))
    if on_behalf:
        _require_manager(actor, workshop)
    if person.role != Role.LEARNER:
        raise ValidationError(_("Only learners register for workshops."))
    with transaction.atomic():
        locked = _locked(workshop)
        existing = locked.registrations.filter(user=person).exclude(
            status=Status.CANCELLED
        )
        if found := existing.first():
            return Registered(found, created=False)
        allowed = {Workshop.Status.OPEN}
        if on_behalf:
            allowed |= {Workshop.Status.DRAFT, Workshop.Status.CLOSED}
        if locked.status not in allowed:
            raise ValidationError(_("This workshop is not open for registration."))
        status = Status.REGISTERED if _free_seats(locked) > 0 else Status.WAITLISTED
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    registration = Registration.objects.create(
                        workshop=locked,
                        user=person,
                        status=status,
                        code=_new_code(),
                        registered_by=actor if on_behalf else None,
                    )
                break
            except IntegrityError:
                if (
                    locked.registrations.filter(user=person)
                    .exclude(status=Status.CANCELLED)
                    .exists()
                ):
                    raise
                continue  # the random code was taken: draw another
        else:  # pragma: no cover - five collisions in 32^8 codes
            raise ValidationError(_("Please try again."))
        if status == Status.REGISTERED:
            _enroll_in_course(registration)
    return Registered(registration, created=True)


def registration_cancel(*, actor: User, registration: Registration) -> Registration:
    """Cancel a registration (the person, or an organiser); a freed seat goes
    to the first person on the waitlist, in the same transaction."""
    workshop = registration.workshop
    if actor.pk != registration.user_id:
        _require_manager(actor, workshop)
    with transaction.atomic():
        _locked(workshop)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Status.CANCELLED:
            return current
        current.status = Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_at"])
        _promote(workshop)
    registration.refresh_from_db()
    return current


# --- check-in ----------------------------------------------------------------------


class CheckInRefused(ValidationError):
    """A code or a person that cannot be checked in, with the reason."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code=code)


def code_normalise(value: str) -> str:
    """What was typed or scanned, as stored: capitals, no blanks or dashes."""
    return re.sub(r"[\s\-.]", "", (value or "")).upper()


def _registration_for_code(*, session: WorkshopSession, code: str) -> Registration:
    typed = code_normalise(code)
    registration = (
        Registration.objects.select_related("user", "workshop")
        .filter(code=typed)
        .first()
        if typed
        else None
    )
    if registration is None:
        raise CheckInRefused(
            _("No registration has the code “%(code)s”. Check it and try again.")
            % {"code": typed or code},
            "unknown",
        )
    if registration.workshop_id != session.workshop_id:
        raise CheckInRefused(
            _("This code is for another workshop: “%(title)s”.")
            % {"title": registration.workshop.title},
            "other_workshop",
        )
    return registration


def _check_person(registration: Registration) -> None:
    name = registration.user.display_name
    if registration.status == Status.CANCELLED:
        raise CheckInRefused(
            _("%(name)s cancelled their registration.") % {"name": name},
            "cancelled",
        )
    if registration.status == Status.WAITLISTED:
        raise CheckInRefused(
            _("%(name)s is on the waitlist and has no seat.") % {"name": name},
            "waitlisted",
        )


@dataclass
class CheckedIn:
    checkin: CheckIn
    registration: Registration
    created: bool
    # True when this check-in met the attendance rule.
    completed: bool = False


def checkin_record(
    *,
    actor: User,
    session: WorkshopSession,
    method: str,
    code: str = "",
    registration_id: int | None = None,
    client_id: uuid.UUID | str | None = None,
    checked_at: datetime | None = None,
) -> CheckedIn:
    """Check a person in at ``session`` by code (scanned or typed) or by
    registration (ticked on the list). Once per person and session, and once
    per ``client_id``: a repeat returns the first check-in."""
    _require_manager(actor, session.workshop)
    if method not in CheckIn.Method.values:
        raise CheckInRefused(_("Unknown check-in method."), "method")
    client_uuid = _as_uuid(client_id)
    if client_uuid is not None:
        done = (
            CheckIn.objects.select_related("registration__user")
            .filter(client_id=client_uuid)
            .first()
        )
        if done is not None:
            return CheckedIn(done, done.registration, created=False)
    if registration_id is not None:
        registration = (
            Registration.objects.select_related("user", "workshop")
            .filter(pk=registration_id, workshop_id=session.workshop_id)
            .first()
        )
        if registration is None:
            raise CheckInRefused(
                _("This person is not registered for this workshop."), "unknown"
            )
    else:
        registration = _registration_for_code(session=session, code=code)
    _check_person(registration)
    now = timezone.now()
    when = checked_at or now
    if when > now + CLOCK_SKEW:
        when = now
    existing = CheckIn.objects.filter(registration=registration, session=session)
    if found := existing.first():
        return CheckedIn(found, registration, created=False)
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                registration=registration,
                session=session,
                method=method,
                checked_at=when,
                checked_by=actor,
                client_id=client_uuid,
            )
            completed = _apply_attendance_rule(registration)
    except IntegrityError:
        # The same tick synced twice at once, or scanned on two phones.
        found = existing.first() or CheckIn.objects.get(client_id=client_uuid)
        return CheckedIn(found, registration, created=False)
    return CheckedIn(checkin, registration, created=True, completed=completed)


def _as_uuid(value: uuid.UUID | str | None) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise CheckInRefused(_("The phone sent a malformed id."), "client_id") from exc


def _apply_attendance_rule(registration: Registration) -> bool:
    """Complete the registration when it reaches the workshop's rule (once),
    and issue the certificate of attendance after the commit."""
    attended = registration.checkins.count()
    if attended < registration.workshop.min_sessions:
        return False
    marked = Registration.objects.filter(
        pk=registration.pk, completed_at__isnull=True
    ).update(completed_at=timezone.now())
    if not marked:
        return False
    registration.refresh_from_db(fields=["completed_at"])
    registration_id = registration.pk

    def enqueue() -> None:
        from ecommerce_training.tasks import workshop_certificate_issue

        workshop_certificate_issue.enqueue(registration_id)

    transaction.on_commit(enqueue)
    return True


@dataclass
class SyncResult:
    client_id: str
    ok: bool
    duplicate: bool
    message: str
    registration_id: int | None = None


def _parse_time(value: Any) -> datetime | None:
    from django.utils.dateparse import parse_datetime

    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def checkins_sync(
    *, actor: User, session: WorkshopSession, items: list[Any]
) -> list[SyncResult]:
    """Check-ins made on a phone without network, sent as one batch. Each
    item is handled on its own (one bad code loses nothing else); a batch
    sent twice counts once."""
    _require_manager(actor, session.workshop)
    if not isinstance(items, list):
        raise ValidationError(_("Send a list of check-ins."))
    if len(items) > SYNC_MAX_ITEMS:
        raise ValidationError(
            _("Send at most %(n)s check-ins at a time.") % {"n": SYNC_MAX_ITEMS}
        )
    results: list[SyncResult] = []
    for item in items:
        raw = item if isinstance(item, dict) else {}
        client_id = str(raw.get("client_id") or "")
        registration_id = raw.get("registration")
        try:
            if not client_id:
                raise CheckInRefused(_("The phone sent no id."), "client_id")
            if registration_id is not None and not str(registration_id).isdigit():
                raise CheckInRefused(_("Unknown person."), "unknown")
            done = checkin_record(
                actor=actor,
                session=session,
                method=str(raw.get("method") or CheckIn.Method.LIST),
                code=str(raw.get("code") or ""),
                registration_id=int(registration_id)
                if registration_id is not None
                else None,
                client_id=client_id,
                checked_at=_parse_time(raw.get("checked_at")),
            )
        except ValidationError as exc:
            results.append(SyncResult(client_id, False, False, " ".join(exc.messages)))
            continue
        results.append(
            SyncResult(
                client_id,
                True,
                not done.created,
                checkin_message(done),
                done.registration.pk,
            )
        )
    return results


def checkin_message(done: CheckedIn) -> str:
    name = done.registration.user.display_name
    if done.created:
        return _("%(name)s is checked in.") % {"name": name}
    return _("%(name)s was already checked in at %(time)s.") % {
        "name": name,
        "time": f"{timezone.localtime(done.checkin.checked_at):%H:%M}",
    }


# --- survey ------------------------------------------------------------------------

RATINGS = ("overall", "usefulness", "trainer")


def survey_submit(
    *, user: User, registration: Registration, answers: dict[str, Any]
) -> SurveyResponse:
    """The participant's one answer to the workshop's survey."""
    if registration.user_id != user.pk:
        raise PermissionDenied(_("Only the participant answers their survey."))
    if registration.status != Status.REGISTERED:
        raise ValidationError(_("Only registered participants answer the survey."))
    if not selectors.survey_is_open(workshop=registration.workshop):
        raise ValidationError(
            _("The survey opens when the workshop's last session starts.")
        )
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in RATINGS:
        try:
            value = int(answers.get(name))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            errors[name] = _("Choose from 1 to 5.")
        values[name] = value
    pace = str(answers.get("pace") or "")
    if pace not in ("slow", "right", "fast"):
        errors["pace"] = _("Say how the pace was.")
    will = answers.get("will_sell_online")
    if will not in (True, False, None):
        errors["will_sell_online"] = _("Answer yes, no or not sure.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                registration=registration,
                pace=pace,
                will_sell_online=will,
                comment=canonical(str(answers.get("comment") or "").strip())[:2000],
                **values,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("You already answered this survey. Thank you!"), code="answered"
        ) from exc


def next_statuses(workshop: Workshop) -> list[tuple[str, str]]:
    """The statuses the workshop may move to (the organiser's buttons)."""
    allowed = _NEXT_STATUS.get(Workshop.Status(workshop.status), set())
    return [(s.value, str(s.label)) for s in Workshop.Status if s in allowed]
