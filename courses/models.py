from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Track(models.TextChoices):
    ETHNIC_LANGUAGE = "ethnic_language", _("Ethnic language for officials")
    VOCATIONAL = "vocational", _("Vocational training for youth")
    ECOMMERCE = "ecommerce", _("E-commerce")
    IT_LITERACY = "it_literacy", _("IT literacy")


class ContentLanguage(models.TextChoices):
    VI = "vi", "Tiếng Việt"
    EN = "en", "English"
    RAD = "rad", "Tiếng Ê Đê"
    MNN = "mnn", "Tiếng M'nông"
    JRA = "jra", "Tiếng J'rai"


class TargetGroup(models.TextChoices):
    OFFICIALS = "officials", _("Officials")
    YOUTH = "youth", _("Youth")
    EVERYONE = "everyone", _("Everyone")


class PublishStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class EnrollmentMode(models.TextChoices):
    OPEN = "open", _("Open: anyone may enroll")
    APPROVAL = "approval", _("Approval by a trainer")
    COHORT = "cohort", _("By cohort only")


class Program(models.Model):
    """A program of the province's plan, on one track."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    track = models.CharField(_("track"), max_length=32, choices=Track.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["track", "name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    slug = models.SlugField(unique=True)
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=ContentLanguage.choices, default="vi"
    )
    target_group = models.CharField(
        _("target group"),
        max_length=16,
        choices=TargetGroup.choices,
        default="everyone",
    )
    status = models.CharField(
        max_length=16, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )
    enrollment_mode = models.CharField(
        max_length=16, choices=EnrollmentMode.choices, default=EnrollmentMode.OPEN
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="unlocks"
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="courses_taught"
    )
    hours = models.PositiveSmallIntegerField(_("hours"), default=0)
    # Fraction (0..1) of the graded score a learner needs to complete the course.
    pass_mark = models.FloatField(_("pass mark"), default=0.5)
    # Folded (lower case, no diacritics) text the catalog searches.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0, pass_mark__lte=1),
                name="course_pass_mark_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PublishStatus.PUBLISHED


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    # Denormalised from the module so that a lesson's course is one join away.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=PublishStatus.choices, default=PublishStatus.PUBLISHED
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["module__position", "position", "id"]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return self.title


class Enrollment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        ACTIVE = "active", _("Enrolled")
        REJECTED = "rejected", _("Refused")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrollment")
        COHORT = "cohort", _("Cohort enrollment")
        STAFF = "staff", _("Enrolled by staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="enrollments"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    cohort = models.ForeignKey(
        "lms.Cohort", on_delete=models.SET_NULL, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Summary of the learner's progress in the course, kept by the services.
    progress = models.FloatField(default=0)
    score = models.FloatField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrollment"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=1),
                name="enrollment_progress_fraction",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    @property
    def progress_percent(self) -> int:
        return round(self.progress * 100)


class LessonVisit(models.Model):
    """One visit of a learner to a lesson (Kolibri's session log)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="visits")
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["user", "lesson"])]

    def __str__(self) -> str:
        return f"{self.user} visited {self.lesson}"


class BlockSummary(models.Model):
    """A learner's standing on one block (Kolibri's summary log)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    block = models.ForeignKey(
        "content_authoring.Block", on_delete=models.CASCADE, related_name="summaries"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    progress = models.FloatField(default=0)
    score = models.FloatField(null=True, blank=True)  # best raw score, 0..max_score
    max_score = models.FloatField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "block"], name="one_block_summary"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=1),
                name="block_progress_fraction",
            ),
        ]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        return f"{self.user} on block {self.block_id}: {self.progress:.0%}"

    @property
    def fraction(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return self.score / self.max_score


class Attempt(models.Model):
    """One submission to a block. ``submission_id`` is made by the client."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    block = models.ForeignKey(
        "content_authoring.Block", on_delete=models.CASCADE, related_name="attempts"
    )
    submission_id = models.UUIDField()
    kind = models.CharField(max_length=16, default="grade")
    answer = models.JSONField(default=dict, blank=True)
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    progress = models.FloatField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "submission_id"], name="one_attempt_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.submission_id}"
