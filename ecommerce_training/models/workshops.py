"""Workshops: a series of sessions with seats, registration and a waitlist,
check-in per session, an attendance rule, and a satisfaction survey."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import ContentLanguage


class Workshop(models.Model):
    """A workshop (one or more sessions) people register for as a whole."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for registration")
        CLOSED = "closed", _("Registration closed")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(unique=True, max_length=220)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    seats = models.PositiveIntegerField(_("seats"))
    language = models.CharField(
        _("language of instruction"),
        max_length=8,
        choices=ContentLanguage.choices,
        default=ContentLanguage.VI,
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    # The workshop's course: its modules are the workshop's material, its
    # progress holds the listing scores, and its certificate template prints
    # the certificate of attendance.
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
    )
    modules = models.ManyToManyField(
        "courses.Module", blank=True, related_name="workshops"
    )
    # The attendance rule: attended at least this many sessions.
    min_sessions = models.PositiveSmallIntegerField(_("sessions to attend"), default=1)
    hours = models.PositiveSmallIntegerField(_("hours"), default=0)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="workshops_organised", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats__gte=1), name="workshop_has_seats"
            ),
            models.CheckConstraint(
                condition=Q(min_sessions__gte=1), name="workshop_rule_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class WorkshopSession(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        BOTH = "both", _("In person and online")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.SET_NULL, null=True, blank=True
    )
    live_session = models.OneToOneField(
        "live_classes.LiveSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_session",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["workshop", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="workshop_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop}: {self.title}"


class Registration(models.Model):
    """A person's place in a workshop: a seat, or a place on the waitlist
    (promoted in order of registration when a seat frees)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    # Printed under the QR code and typed at check-in when the camera fails:
    # short, unambiguous letters and digits, random.
    code = models.CharField(max_length=12, unique=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the attendance rule was met (the certificate follows).
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workshop", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=~Q(status="cancelled"),
                name="one_live_registration_per_person",
            )
        ]
        indexes = [models.Index(fields=["workshop", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workshop} ({self.status})"


class CheckIn(models.Model):
    """Presence at one session: scanned, typed or ticked (possibly offline
    and synced later). One per registration and session."""

    class Method(models.TextChoices):
        QR = "qr", _("QR code scanned")
        CODE = "code", _("Code typed")
        LIST = "list", _("Ticked on the list")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="checkins"
    )
    session = models.ForeignKey(
        WorkshopSession, on_delete=models.CASCADE, related_name="checkins"
    )
    method = models.CharField(max_length=8, choices=Method.choices)
    # When the organiser checked the person in (on the phone, maybe offline),
    # and when the server heard of it.
    checked_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The organiser's phone's id for the tick, so a sync sent twice counts once.
    client_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["session", "checked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="one_checkin_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.session_id}"


class SurveyResponse(models.Model):
    """The short satisfaction survey after a workshop, one per registration."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="survey"
    )
    # 1 (poor) .. 5 (very good)
    overall = models.PositiveSmallIntegerField()
    usefulness = models.PositiveSmallIntegerField()
    trainer = models.PositiveSmallIntegerField()
    pace = models.CharField(
        max_length=8,
        choices=[
            ("slow", _("Too slow")),
            ("right", _("Right")),
            ("fast", _("Too fast")),
        ],
    )
    will_sell_online = models.BooleanField(null=True)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__range=(1, 5))
                & Q(usefulness__range=(1, 5))
                & Q(trainer__range=(1, 5)),
                name="survey_ratings_one_to_five",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.overall}/5"
