"""Media assets of a course and the files made from them.

An asset is what a trainer uploaded (a video, a recording, or slides with a
narration); its renditions are what learners download. Files are named
``media_assets/<asset id>/<name>-<random>.<ext>``: a new file gets a new name,
so a name never changes content and may be cached for a year.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content_authoring.media.messages import error_message


def asset_file_name(asset_id: int, stem: str, suffix: str) -> str:
    """A fresh, never-reused storage name for one of an asset's files."""
    suffix = suffix if suffix.startswith(".") else f".{suffix}"
    return f"media_assets/{asset_id}/{stem}-{secrets.token_hex(8)}{suffix.lower()}"


def _upload_to(instance: MediaAsset, filename: str) -> str:
    # The asset has no id yet when its original is first saved.
    folder = instance.pk or "new"
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"media_assets/{folder}/original-{secrets.token_hex(8)}{suffix}"


class MediaAsset(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")
        SLIDES = "slides", _("Narrated slides")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="media_assets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # The video or audio as uploaded; for slides, the narration.
    original = models.FileField(
        _("original file"), upload_to=_upload_to, max_length=255
    )
    original_size = models.BigIntegerField(default=0)
    # Slides: a PDF, or images in order (storage names), and each slide's start.
    slides_pdf = models.FileField(upload_to=_upload_to, max_length=255, blank=True)
    slide_images = models.JSONField(default=list, blank=True)
    slide_starts = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING
    )
    progress = models.FloatField(default=0)
    # Why processing failed: a code the page turns into a translated message,
    # and ffmpeg's own words for whoever reads the admin.
    error_code = models.CharField(max_length=40, blank=True)
    error_detail = models.TextField(blank=True)
    duration = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    subtitles = models.FileField(max_length=255, blank=True)
    subtitles_lang = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=1),
                name="media_progress_0_to_1",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} #{self.pk}"

    @property
    def error_message(self) -> str:
        return error_message(self.error_code) if self.error_code else ""

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def is_stale(self) -> bool:
        """Still waiting or processing long after any run would have ended: the
        worker stopped (or never ran). The trainer may start it again."""
        from content_authoring.media.processing import time_limit

        if self.is_finished or self.updated_at is None:
            return False
        allowed = timedelta(seconds=time_limit(self.duration or 0) + 60)
        return self.updated_at < timezone.now() - allowed

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stale

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


class Rendition(models.Model):
    """A file made from an asset: a small MP4 or M4A, or the poster image."""

    class Name(models.TextChoices):
        VIDEO_360 = "360p", "360p"
        VIDEO_240 = "240p", "240p"
        AUDIO = "audio", _("Audio")
        POSTER = "poster", _("Poster")

    asset = models.ForeignKey(
        MediaAsset, on_delete=models.CASCADE, related_name="renditions"
    )
    name = models.CharField(max_length=8, choices=Name.choices)
    file = models.FileField(max_length=255)
    mime_type = models.CharField(max_length=40)
    size_bytes = models.BigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["asset", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "name"], name="one_rendition_per_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.name}"

    @property
    def size_mb(self) -> float:
        return self.size_bytes / 1_000_000
