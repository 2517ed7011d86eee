from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    TRAINER = "trainer", _("Trainer")
    ORGANISER = "organiser", _("Workshop organiser")
    ADMIN = "admin", _("Province administrator")


class LearnerGroup(models.TextChoices):
    OFFICIAL = "official", _("Official")
    YOUTH = "youth", _("Youth")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class User(AbstractUser):
    """A person who signs in. Everyone has a role; learners also have a profile."""

    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.LEARNER
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, default="vi"
    )

    class Meta:
        constraints = [
            # Many learners have no e-mail; the phone identifies them, once.
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="user_phone_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_province_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_trainer(self) -> bool:
        return self.role == Role.TRAINER

    @property
    def is_learner(self) -> bool:
        return self.role == Role.LEARNER


class EthnicGroup(models.Model):
    """One of the 54 ethnic groups, with the General Statistics Office code."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=64)
    other_names = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune or ward of the province as it is since 1 July 2025.

    ``former_district`` is the district most of it belonged to before the
    reform; reports over the 2021-2025 plan still group by it.
    """

    code = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=100)
    division_type = models.CharField(max_length=20)
    former_district_code = models.PositiveIntegerField(null=True, blank=True)
    former_district = models.CharField(max_length=100, blank=True)
    former_province = models.CharField(max_length=100, blank=True)
    search_name = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LearnerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    group = models.CharField(
        _("learner group"), max_length=16, choices=LearnerGroup.choices, blank=True
    )
    ethnicity = models.ForeignKey(
        EthnicGroup, on_delete=models.PROTECT, null=True, blank=True
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True
    )
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    gender = models.CharField(
        _("gender"), max_length=8, choices=Gender.choices, blank=True
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="profile_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"profile of {self.user}"


class Cohort(models.Model):
    """A named group of people who learn together."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(User, related_name="cohorts", blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PeopleImport(models.Model):
    """An uploaded list of people: parsed and validated, then committed once."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        COMMITTED = "committed", _("Committed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True)
    filename = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default="preview")
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    # Not a field: ``people_import_commit`` sets it on the import it returns
    # (user name and initial password of each person created, shown once).
    credentials: list[dict[str, Any]]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.cohort}"
