from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CertificateTemplate(models.Model):
    """How a course's certificates look: HTML and CSS edited by administrators.

    A template without a course is the default for courses that have none.
    The HTML is a Django template; it gets ``certificate`` and ``qr_svg``.
    """

    name = models.CharField(_("name"), max_length=200)
    course = models.OneToOneField(
        "courses.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_template",
    )
    # The language printed beside Vietnamese: "en" or an ethnic language tag.
    second_language = models.CharField(_("second language"), max_length=8, default="en")
    html = models.TextField(_("HTML"))
    css = models.TextField(_("CSS"), blank=True)
    issuer_name = models.CharField(_("issuer"), max_length=200)
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signature_image = models.FileField(
        _("signature image"), upload_to="certificates/signatures/", blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(course__isnull=True),
                name="one_default_certificate_template",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SerialCounter(models.Model):
    """The last serial number given in a year (``DL-2026-000123``)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        REPLACED = "replaced", _("Replaced")

    # Printed, sequential within a year, for people and registers.
    serial = models.CharField(max_length=20, unique=True)
    # In the QR code and the verification address: random, not guessable.
    code = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    # What was achieved ("course:12"): one valid certificate per person and
    # achievement.
    achievement = models.CharField(max_length=64)
    # As printed, frozen at issue (a name correction makes a new certificate).
    holder_name = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    hours = models.PositiveSmallIntegerField(default=0)
    grade = models.FloatField(null=True, blank=True)  # 0..1
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.VALID
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )
    pdf = models.FileField(upload_to="certificates/pdf/", blank=True)
    # The signed Open Badges 3.0 credential (compact JWS), made with the PDF.
    credential = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "achievement"],
                condition=Q(status="valid"),
                name="one_valid_certificate_per_achievement",
            ),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=0, grade__lte=1),
                name="certificate_grade_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.serial


class IssueBatch(models.Model):
    """Certificates issued together (a cohort), rendered in the background;
    ``rendered`` of ``total`` drives the administrator's progress bar."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE)
    cohort = models.ForeignKey("lms.Cohort", on_delete=models.SET_NULL, null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    certificate_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    rendered = models.PositiveIntegerField(default=0)
    existing = models.PositiveIntegerField(default=0)
    not_completed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.course_id}/{self.cohort_id}: {self.rendered}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.rendered / self.total) if self.total else 100
