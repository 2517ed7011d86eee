"""Reports for the Department of Industry and Trade: who took part in the
workshops (per workshop, commune, ethnicity, gender and age group), how well
they attended and completed, the certificates, the practice listings and the
survey.

Every figure is counted by the database (grouped aggregates over the chosen
workshops), so the number of queries does not grow with the number of
participants. A workshop is in a report when one of its sessions starts in the
date range (local dates, both ends included); drafts and cancelled workshops
never are. "Participants" are the people with a seat (registered); a person
in two workshops is one person in the commune, ethnicity, gender and age
tables, and one participant of each workshop in the workshop table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate
from ecommerce_training.models import (
    CheckIn,
    Listing,
    Registration,
    SurveyResponse,
    Workshop,
    WorkshopSession,
)
from ecommerce_training.selectors_workshops import AnyUser
from lms.models import Gender, Role

Status = Registration.Status

# Age groups: (key, label msgid, youngest age in the group); ages are counted
# at the end of the report's last year.
AGE_GROUPS: tuple[tuple[str, int], ...] = (
    ("under18", 0),
    ("18-24", 18),
    ("25-34", 25),
    ("35-44", 35),
    ("45-59", 45),
    ("60+", 60),
)
UNKNOWN = "unknown"


def _age_label(key: str) -> str:
    return {
        "under18": _("Under 18"),
        "18-24": _("18–24"),
        "25-34": _("25–34"),
        "35-44": _("35–44"),
        "45-59": _("45–59"),
        "60+": _("60 and over"),
        UNKNOWN: _("Not recorded"),
    }[key]


# --- who may see what --------------------------------------------------------------


def report_can_view(*, user: AnyUser) -> bool:
    """Workshop organisers (their own workshops) and province administrators."""
    if not user.is_authenticated:
        return False
    return user.is_province_admin or user.role == Role.ORGANISER  # type: ignore[union-attr]


def report_workshops(*, user: AnyUser) -> QuerySet[Workshop]:
    """The workshops a report may cover for ``user``: all for administrators,
    their own for organisers, none for anyone else."""
    if not report_can_view(user=user):
        return Workshop.objects.none()
    qs = Workshop.objects.exclude(
        status__in=(Workshop.Status.DRAFT, Workshop.Status.CANCELLED)
    )
    if not user.is_province_admin:  # type: ignore[union-attr]
        qs = qs.filter(organisers=user.pk)
    return qs.order_by("title", "pk")


# --- the figures -------------------------------------------------------------------


@dataclass
class WorkshopFigures:
    workshop: Workshop
    first_start: datetime | None
    sessions_held: int = 0
    registered: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    completed: int = 0
    checkins: int = 0
    certificates: int = 0
    listings: int = 0
    listing_score: float | None = None
    surveys: int = 0
    overall: float | None = None
    usefulness: float | None = None
    trainer: float | None = None
    # Check-ins possible so far; for a total, summed over the workshops.
    possible: int | None = None

    @property
    def attendance_rate(self) -> float | None:
        """Check-ins of the seated over the check-ins possible so far."""
        possible = (
            self.possible
            if self.possible is not None
            else self.registered * self.sessions_held
        )
        return self.checkins / possible if possible else None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.registered if self.registered else None


@dataclass
class GroupRow:
    key: str
    label: str
    people: int
    completed: int


@dataclass
class Report:
    date_from: date
    date_to: date
    workshop: Workshop | None
    workshops: list[WorkshopFigures]
    total: WorkshopFigures
    communes: list[GroupRow] = field(default_factory=list)
    ethnicities: list[GroupRow] = field(default_factory=list)
    genders: list[GroupRow] = field(default_factory=list)
    ages: list[GroupRow] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(r.people for r in self.genders)


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def _weighted(pairs: Iterable[tuple[float | None, int]]) -> float | None:
    """The mean of means, each weighted by how many values it is the mean of."""
    known = [(avg, n) for avg, n in pairs if avg is not None]
    total = sum(n for _avg, n in known)
    return sum(avg * n for avg, n in known) / total if total else None


def report_build(
    *,
    user: AnyUser,
    date_from: date,
    date_to: date,
    workshop: Workshop | None = None,
    now: datetime | None = None,
) -> Report:
    """The report over the workshops ``user`` may see that have a session in
    the range (or over ``workshop`` alone, if it is one of them)."""
    now = now or timezone.now()
    start, end = _bounds(date_from, date_to)
    in_range = WorkshopSession.objects.filter(
        workshop=OuterRef("pk"), starts_at__gte=start, starts_at__lt=end
    )
    chosen = report_workshops(user=user).filter(Exists(in_range))
    if workshop is not None:
        chosen = chosen.filter(pk=workshop.pk)
    workshops = list(
        chosen.annotate(first_start=Min("sessions__starts_at")).order_by(
            "first_start", "pk"
        )
    )
    ids = [w.pk for w in workshops]
    figures = {
        w.pk: WorkshopFigures(workshop=w, first_start=w.first_start)  # type: ignore[attr-defined]
        for w in workshops
    }
    if ids:
        _count_workshops(figures, ids, now)
    seated = Registration.objects.filter(workshop_id__in=ids, status=Status.REGISTERED)
    rows = list(figures.values())
    return Report(
        date_from=date_from,
        date_to=date_to,
        workshop=workshop,
        workshops=rows,
        total=_total(rows),
        communes=_communes(seated) if ids else [],
        ethnicities=_ethnicities(seated) if ids else [],
        genders=_genders(seated) if ids else [],
        ages=_ages(seated, date_to.year) if ids else [],
    )


def _count_workshops(
    figures: dict[int, WorkshopFigures], ids: list[int], now: datetime
) -> None:
    registrations = (
        Registration.objects.filter(workshop_id__in=ids)
        .values("workshop_id")
        .annotate(
            registered=Count("pk", filter=Q(status=Status.REGISTERED)),
            waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
            cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
            completed=Count(
                "pk",
                filter=Q(status=Status.REGISTERED, completed_at__isnull=False),
            ),
        )
        .order_by()
    )
    held = (
        WorkshopSession.objects.filter(workshop_id__in=ids, starts_at__lte=now)
        .values("workshop_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    checkins = (
        CheckIn.objects.filter(
            registration__workshop_id__in=ids,
            registration__status=Status.REGISTERED,
            session__starts_at__lte=now,
        )
        .values("registration__workshop_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    achievements = {f"workshop:{pk}": pk for pk in ids}
    certificates = (
        Certificate.objects.filter(
            achievement__in=list(achievements), status=Certificate.Status.VALID
        )
        .values("achievement")
        .annotate(n=Count("pk"))
        .order_by()
    )
    listings = (
        Listing.objects.filter(shop__workshop_id__in=ids)
        .values("shop__workshop_id")
        .annotate(n=Count("pk"), score=Avg("score"))
        .order_by()
    )
    surveys = (
        SurveyResponse.objects.filter(registration__workshop_id__in=ids)
        .values("registration__workshop_id")
        .annotate(
            n=Count("pk"),
            overall=Avg("overall"),
            usefulness=Avg("usefulness"),
            trainer=Avg("trainer"),
        )
        .order_by()
    )
    for r in registrations:
        f = figures[r["workshop_id"]]
        f.registered = r["registered"]
        f.waitlisted = r["waitlisted"]
        f.cancelled = r["cancelled"]
        f.completed = r["completed"]
    for h in held:
        figures[h["workshop_id"]].sessions_held = h["n"]
    for c in checkins:
        figures[c["registration__workshop_id"]].checkins = c["n"]
    for cert in certificates:
        figures[achievements[cert["achievement"]]].certificates = cert["n"]
    for li in listings:
        f = figures[li["shop__workshop_id"]]
        f.listings = li["n"]
        f.listing_score = li["score"]
    for s in surveys:
        f = figures[s["registration__workshop_id"]]
        f.surveys = s["n"]
        f.overall = s["overall"]
        f.usefulness = s["usefulness"]
        f.trainer = s["trainer"]


def _total(rows: list[WorkshopFigures]) -> WorkshopFigures:
    total = WorkshopFigures(workshop=Workshop(title=_("Total")), first_start=None)
    for name in (
        "registered",
        "waitlisted",
        "cancelled",
        "completed",
        "checkins",
        "certificates",
        "listings",
        "surveys",
    ):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    # Held sessions differ per workshop: the total's attendance rate is the
    # check-ins over all the check-ins possible, not a mean of rates.
    total.possible = sum(r.registered * r.sessions_held for r in rows)
    total.sessions_held = sum(r.sessions_held for r in rows)
    total.listing_score = _weighted((r.listing_score, r.listings) for r in rows)
    for name in ("overall", "usefulness", "trainer"):
        setattr(total, name, _weighted((getattr(r, name), r.surveys) for r in rows))
    return total


def _people(qs: QuerySet[Registration], *keys: str) -> list[dict[str, Any]]:
    """Distinct people (and of them, those who completed) per value of ``keys``."""
    return list(
        qs.values(*keys)
        .annotate(
            people=Count("user", distinct=True),
            completed=Count(
                "user", distinct=True, filter=Q(completed_at__isnull=False)
            ),
        )
        .order_by()
    )


def _sorted(rows: list[GroupRow]) -> list[GroupRow]:
    # Most people first; "not recorded" last.
    return sorted(rows, key=lambda r: (r.key == UNKNOWN, -r.people, r.label))


def _communes(qs: QuerySet[Registration]) -> list[GroupRow]:
    rows = _people(qs, "user__profile__commune_id", "user__profile__commune__name")
    return _sorted(
        [
            GroupRow(
                key=str(r["user__profile__commune_id"] or UNKNOWN),
                label=r["user__profile__commune__name"] or _("Not recorded"),
                people=r["people"],
                completed=r["completed"],
            )
            for r in rows
        ]
    )


def _ethnicities(qs: QuerySet[Registration]) -> list[GroupRow]:
    rows = _people(qs, "user__profile__ethnicity_id", "user__profile__ethnicity__name")
    return _sorted(
        [
            GroupRow(
                key=str(r["user__profile__ethnicity_id"] or UNKNOWN),
                label=r["user__profile__ethnicity__name"] or _("Not recorded"),
                people=r["people"],
                completed=r["completed"],
            )
            for r in rows
        ]
    )


def _genders(qs: QuerySet[Registration]) -> list[GroupRow]:
    labels = dict(Gender.choices)
    found: dict[str, GroupRow] = {}
    for r in _people(qs, "user__profile__gender"):
        key = r["user__profile__gender"] or UNKNOWN
        row = found.setdefault(
            key,
            GroupRow(
                key=key,
                label=str(labels.get(key, _("Not recorded"))),
                people=0,
                completed=0,
            ),
        )
        # No profile (None) and an empty gender ("") are both "not recorded".
        row.people += r["people"]
        row.completed += r["completed"]
    order = [*Gender.values, UNKNOWN]
    return sorted(found.values(), key=lambda r: order.index(r.key))


def _ages(qs: QuerySet[Registration], year: int) -> list[GroupRow]:
    whens = [When(user__profile__birth_year__isnull=True, then=Value(UNKNOWN))]
    # From the oldest group down: born in or before (year - youngest age).
    for key, youngest in reversed(AGE_GROUPS[1:]):
        whens.append(
            When(user__profile__birth_year__lte=year - youngest, then=Value(key))
        )
    grouped = qs.annotate(age_group=Case(*whens, default=Value(AGE_GROUPS[0][0])))
    counts = {r["age_group"]: r for r in _people(grouped, "age_group")}
    return [
        GroupRow(
            key=key,
            label=_age_label(key),
            people=counts[key]["people"] if key in counts else 0,
            completed=counts[key]["completed"] if key in counts else 0,
        )
        for key in [*(k for k, _y in AGE_GROUPS), UNKNOWN]
    ]


# --- as tables (page, CSV, XLSX) ---------------------------------------------------


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    # Cells: text, whole numbers, or fractions ("rate": 0..1, "mean": a mean).
    kinds: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None


TABLE_KEYS = ("workshops", "communes", "ethnicities", "genders", "ages")


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _mean(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _workshop_row(f: WorkshopFigures) -> list[Any]:
    return [
        f.workshop.title,
        timezone.localtime(f.first_start).date() if f.first_start else None,
        f.sessions_held,
        f.registered,
        f.waitlisted,
        f.cancelled,
        _rate(f.attendance_rate),
        f.completed,
        _rate(f.completion_rate),
        f.certificates,
        f.listings,
        _mean(f.listing_score),
        f.surveys,
        _mean(f.overall),
        _mean(f.usefulness),
        _mean(f.trainer),
    ]


def _group_table(key: str, title: str, first: str, rows: list[GroupRow]) -> Table:
    people = sum(r.people for r in rows)
    completed = sum(r.completed for r in rows)
    return Table(
        key=key,
        title=title,
        headers=[first, _("Participants"), _("Completed"), _("Completion rate")],
        kinds=["text", "int", "int", "rate"],
        rows=[
            [
                r.label,
                r.people,
                r.completed,
                _rate(r.completed / r.people) if r.people else None,
            ]
            for r in rows
            if r.people or key == "ages"
        ],
        total=[
            _("Total"),
            people,
            completed,
            _rate(completed / people) if people else None,
        ],
    )


def report_tables(report: Report) -> list[Table]:
    """The report's tables, with headers in the active language."""
    total = report.total
    workshops = Table(
        key="workshops",
        title=_("Participants per workshop"),
        headers=[
            _("Workshop"),
            _("First session"),
            _("Sessions held"),
            _("Registered"),
            _("On the waitlist"),
            _("Cancelled"),
            _("Attendance rate"),
            _("Completed"),
            _("Completion rate"),
            _("Certificates issued"),
            _("Listings"),
            _("Average listing score"),
            _("Survey answers"),
            _("Overall (of 5)"),
            _("Usefulness (of 5)"),
            _("Trainer (of 5)"),
        ],
        kinds=[
            "text",
            "date",
            "int",
            "int",
            "int",
            "int",
            "rate",
            "int",
            "rate",
            "int",
            "int",
            "mean",
            "int",
            "mean",
            "mean",
            "mean",
        ],
        rows=[_workshop_row(f) for f in report.workshops],
        total=_workshop_row(total),
    )
    return [
        workshops,
        _group_table(
            "communes", _("Participants per commune"), _("Commune"), report.communes
        ),
        _group_table(
            "ethnicities",
            _("Participants per ethnic group"),
            _("Ethnicity"),
            report.ethnicities,
        ),
        _group_table(
            "genders", _("Participants per gender"), _("Gender"), report.genders
        ),
        _group_table(
            "ages", _("Participants per age group"), _("Age group"), report.ages
        ),
    ]
