"""Tables of coursework: practical-work uploads graded by a trainer, and
discussion posts."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivateFileStorage(FileSystemStorage):
    """Learners' files, outside ``MEDIA_ROOT`` and without a public URL.

    Only ``coursework.views.submission_file`` serves them, after checking who
    asks. The folder is read from settings on use, so tests can move it.
    """

    @property
    def base_location(self):  # type: ignore[override]
        return settings.COURSEWORK_FILES_ROOT

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # type: ignore[override]
        return None

    def url(self, name):
        raise ValueError("Coursework files have no public URL.")


_private_storage = PrivateFileStorage()


def private_storage() -> PrivateFileStorage:
    return _private_storage


def _submission_path(instance: AssignmentSubmission, filename: str) -> str:
    # The name is ours: the learner's file name is never trusted or shown.
    ext = os.path.splitext(filename)[1].lower()
    return f"assignments/{instance.block_id}/{instance.user_id}/{instance.uuid}{ext}"


class AssignmentSubmission(models.Model):
    """A learner's upload for an assignment block, and its grading."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for grading")
        GRADED = "graded", _("Graded")
        RETURNED = "returned", _("Returned for another try")
        REPLACED = "replaced", _("Replaced by a newer upload")

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("PDF document")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    block = models.ForeignKey(
        "content_authoring.Block",
        on_delete=models.CASCADE,
        related_name="assignment_submissions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignment_submissions",
    )
    # The id the learner's form carried: a resent upload counts once.
    submission_id = models.UUIDField()
    file = models.FileField(
        upload_to=_submission_path, storage=private_storage, max_length=255
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    # {criterion position (str): points}, as the trainer gave them.
    rubric_scores = models.JSONField(default=dict, blank=True)
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    # How many times it was graded; each grading publishes its own result.
    grade_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "submission_id"],
                name="coursework_submission_once_per_id",
            ),
        ]
        indexes = [
            models.Index(fields=["block", "user", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · block {self.block_id} · {self.status}"


class DiscussionPost(models.Model):
    """A learner's reply to a discussion prompt block."""

    block = models.ForeignKey(
        "content_authoring.Block",
        on_delete=models.CASCADE,
        related_name="discussion_posts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="discussion_posts",
    )
    submission_id = models.UUIDField()
    body = models.TextField()
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_id"],
                name="coursework_post_once_per_id",
            ),
        ]
        indexes = [models.Index(fields=["block", "hidden", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.author_id} · block {self.block_id}"
