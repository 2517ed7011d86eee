"""Reads of workshops, narrowed to what the person may see and fetched for
the page that shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import segno
from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from ecommerce_training.models import (
    CheckIn,
    Registration,
    SurveyResponse,
    Workshop,
    WorkshopSession,
)
from lms.models import Role, User
from lms.services import normalise_phone
from lms.text import fold

AnyUser = User | AnonymousUser
Status = Registration.Status
PUBLIC_STATUSES = (
    Workshop.Status.OPEN,
    Workshop.Status.CLOSED,
    Workshop.Status.FINISHED,
)

# --- permissions -------------------------------------------------------------------


def workshop_can_create(*, user: AnyUser) -> bool:
    """Workshop organisers and province administrators."""
    if not user.is_authenticated:
        return False
    return user.role == Role.ORGANISER or user.is_province_admin  # type: ignore[union-attr]


def workshop_can_manage(*, user: AnyUser, workshop: Workshop) -> bool:
    """Administrators, and the organisers of this workshop."""
    if not user.is_authenticated:
        return False
    if user.is_province_admin:  # type: ignore[union-attr]
        return True
    return (
        user.role == Role.ORGANISER  # type: ignore[union-attr]
        and workshop.organisers.filter(pk=user.pk).exists()
    )


# --- workshops ---------------------------------------------------------------------


def _with_sessions(qs: QuerySet[Workshop]) -> QuerySet[Workshop]:
    return qs.select_related("course").prefetch_related(
        Prefetch(
            "sessions",
            queryset=WorkshopSession.objects.select_related("commune", "live_session"),
        )
    )


def workshop_get(*, slug: str) -> Workshop | None:
    return _with_sessions(Workshop.objects.filter(slug=slug)).first()


def workshop_get_for_user(*, user: AnyUser, slug: str) -> Workshop | None:
    """A workshop's public page: drafts only for those who manage it."""
    workshop = workshop_get(slug=slug)
    if workshop is None:
        return None
    if workshop.status == Workshop.Status.DRAFT and not workshop_can_manage(
        user=user, workshop=workshop
    ):
        return None
    return workshop


def workshops_public() -> QuerySet[Workshop]:
    """Workshops open for registration, soonest first."""
    return _with_sessions(
        Workshop.objects.filter(status=Workshop.Status.OPEN)
        .annotate(first_start=Min("sessions__starts_at"))
        .order_by("first_start", "pk")
    )


def workshops_managed(*, user: AnyUser) -> QuerySet[Workshop]:
    if not user.is_authenticated:
        return Workshop.objects.none()
    qs = Workshop.objects.all()
    if not user.is_province_admin:  # type: ignore[union-attr]
        if user.role != Role.ORGANISER:  # type: ignore[union-attr]
            return Workshop.objects.none()
        qs = qs.filter(organisers=user)
    return qs.annotate(
        seated=Count(
            "registrations", filter=Q(registrations__status=Status.REGISTERED)
        ),
        waiting=Count(
            "registrations", filter=Q(registrations__status=Status.WAITLISTED)
        ),
        first_start=Min("sessions__starts_at"),
    ).order_by("-created_at")


def workshop_counts(*, workshop: Workshop) -> dict[str, int]:
    rows = (
        Registration.objects.filter(workshop=workshop)
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    result = {s: counts.get(s, 0) for s in Status.values}
    result["free"] = max(0, workshop.seats - result[Status.REGISTERED])
    result["completed"] = Registration.objects.filter(
        workshop=workshop, completed_at__isnull=False
    ).count()
    return result


def session_get(*, session_id: int) -> WorkshopSession | None:
    return (
        WorkshopSession.objects.select_related("workshop", "commune", "live_session")
        .filter(pk=session_id)
        .first()
    )


# --- registrations -----------------------------------------------------------------


def registration_for(*, user: AnyUser, workshop: Workshop) -> Registration | None:
    """The person's live registration (a seat or the waitlist), if any."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(workshop=workshop, user=user)
        .exclude(status=Status.CANCELLED)
        .first()
    )


def registration_by_code(*, code: str) -> Registration | None:
    return (
        Registration.objects.select_related("user", "workshop")
        .filter(code=code.upper())
        .first()
    )


def waitlist_position(*, registration: Registration) -> int | None:
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        workshop_id=registration.workshop_id, status=Status.WAITLISTED
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


@dataclass
class ParticipantRow:
    registration: Registration
    name: str
    phone: str
    commune: str
    # One entry per session of the workshop: the check-in time, or None.
    checkins: list[datetime | None] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(1 for c in self.checkins if c is not None)


def participants(
    *, workshop: Workshop
) -> tuple[list[WorkshopSession], list[ParticipantRow]]:
    """The sessions and a row per registration (seated, then the waitlist,
    then the cancelled), each with its check-ins per session."""
    sessions = list(workshop.sessions.all().order_by("starts_at", "pk"))
    registrations = (
        Registration.objects.filter(workshop=workshop)
        .select_related("user__profile__commune")
        .prefetch_related(
            Prefetch(
                "checkins",
                queryset=CheckIn.objects.only(
                    "pk", "registration_id", "session_id", "checked_at"
                ),
            )
        )
    )
    order = {Status.REGISTERED: 0, Status.WAITLISTED: 1, Status.CANCELLED: 2}
    rows: list[ParticipantRow] = []
    for registration in registrations:
        user = registration.user
        profile = getattr(user, "profile", None)
        by_session = {c.session_id: c.checked_at for c in registration.checkins.all()}
        rows.append(
            ParticipantRow(
                registration=registration,
                name=user.display_name,
                phone=user.phone,
                commune=profile.commune.name
                if profile is not None and profile.commune
                else "",
                checkins=[by_session.get(s.pk) for s in sessions],
            )
        )
    rows.sort(
        key=lambda r: (
            order[Status(r.registration.status)],
            r.registration.created_at,
            r.registration.pk,
        )
    )
    return sessions, rows


@dataclass
class CheckInRow:
    registration_id: int
    name: str
    phone: str
    code: str
    checked_at: datetime | None


def checkin_list(*, session: WorkshopSession) -> list[CheckInRow]:
    """Everyone with a seat, by name, and whether they are checked in here."""
    checked = dict(
        CheckIn.objects.filter(session=session).values_list(
            "registration_id", "checked_at"
        )
    )
    rows = [
        CheckInRow(r.pk, r.user.display_name, r.user.phone, r.code, checked.get(r.pk))
        for r in Registration.objects.filter(
            workshop_id=session.workshop_id, status=Status.REGISTERED
        ).select_related("user")
    ]
    rows.sort(key=lambda r: fold(r.name))
    return rows


# --- people ------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """Folded, without apostrophes: "hhon" finds H'Hơ̆n."""
    return fold(name).replace("'", "").replace("\u2019", "")


def people_search(*, query: str, limit: int = 20) -> list[User]:
    """Learners by phone number, or by name with or without diacritics."""
    query = (query or "").strip()
    if not query:
        return []
    learners = User.objects.filter(role=Role.LEARNER, is_active=True)
    phone = normalise_phone(query)
    if phone is not None:
        return list(learners.filter(phone=phone)[:limit])
    terms = _name_key(query).split()
    if not terms:
        return []
    # Folded in Python: no database here folds Vietnamese diacritics, and one
    # query of names stays small even for the whole province.
    ids = [
        pk
        for pk, name in learners.values_list("pk", "full_name").iterator()
        if all(t in _name_key(name) for t in terms)
    ][:limit]
    found = User.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# --- survey ------------------------------------------------------------------------


def survey_is_open(*, workshop: Workshop, now: datetime | None = None) -> bool:
    """From the start of the workshop's last session."""
    last = workshop.sessions.aggregate(last=Max("starts_at"))["last"]
    return last is not None and last <= (now or timezone.now())


@dataclass
class SurveyResults:
    count: int
    registered: int
    averages: dict[str, float | None]
    pace: dict[str, int]
    will_sell: dict[str, int]
    comments: list[str]


def survey_results(*, workshop: Workshop) -> SurveyResults:
    responses = SurveyResponse.objects.filter(registration__workshop=workshop)
    figures = responses.aggregate(
        count=Count("pk"),
        overall=Avg("overall"),
        usefulness=Avg("usefulness"),
        trainer=Avg("trainer"),
        slow=Count("pk", filter=Q(pace="slow")),
        right=Count("pk", filter=Q(pace="right")),
        fast=Count("pk", filter=Q(pace="fast")),
        yes=Count("pk", filter=Q(will_sell_online=True)),
        no=Count("pk", filter=Q(will_sell_online=False)),
        unsure=Count("pk", filter=Q(will_sell_online__isnull=True)),
    )
    return SurveyResults(
        count=figures["count"],
        registered=Registration.objects.filter(
            workshop=workshop, status=Status.REGISTERED
        ).count(),
        averages={
            k: None if figures[k] is None else round(figures[k], 2)
            for k in ("overall", "usefulness", "trainer")
        },
        pace={k: figures[k] for k in ("slow", "right", "fast")},
        will_sell={k: figures[k] for k in ("yes", "no", "unsure")},
        comments=list(
            responses.exclude(comment="")
            .order_by("submitted_at")
            .values_list("comment", flat=True)
        ),
    )


# --- home --------------------------------------------------------------------------


def registrations_for_home(*, user: AnyUser) -> list[Registration]:
    """The person's seats and waitlist places in workshops not over yet, and
    finished ones whose survey the person has not answered."""
    if not user.is_authenticated:
        return []
    running = Q(workshop__status__in=(Workshop.Status.OPEN, Workshop.Status.CLOSED))
    # A finished workshop stays until its survey is answered.
    survey_due = Q(
        workshop__status=Workshop.Status.FINISHED,
        status=Status.REGISTERED,
        survey__isnull=True,
    )
    return list(
        Registration.objects.filter(
            running | survey_due,
            user=user,
            status__in=(Status.REGISTERED, Status.WAITLISTED),
        )
        .select_related("workshop", "survey")
        .prefetch_related(
            Prefetch(
                "workshop__sessions",
                queryset=WorkshopSession.objects.select_related("commune"),
            )
        )
        .order_by("created_at")
    )


def ticket_qr(code: str) -> segno.QRCode:
    """The QR code printed on a ticket: always a full QR code. For a code this
    short segno would pick a Micro QR, which phone cameras (Android's reader,
    jsQR) do not read."""
    return segno.make_qr(code, error="m")
