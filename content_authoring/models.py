from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Block(models.Model):
    """A block placed in a lesson: an XBlock type and its content and settings.

    ``fields`` holds the values of the block's content- and settings-scoped
    XBlock fields, keyed by field name.

    The columns are the *published* block, what learners see and what progress
    counts; ``live`` says whether the block is in the published lesson at all.
    A trainer's unpublished edits wait in ``draft`` (``{"fields": ...,
    "position": ..., "required": ..., "graded": ..., "weight": ...}`` or
    ``{"removed": true}``) until the lesson is published, so the published
    version stays live while a draft is being written. A block added since the
    last publication is not live and is edited in its columns directly.
    """

    lesson = models.ForeignKey(
        "courses.Lesson", on_delete=models.CASCADE, related_name="blocks"
    )
    block_type = models.CharField(_("block type"), max_length=64)
    position = models.PositiveIntegerField(default=0)
    fields = models.JSONField(default=dict, blank=True)
    # A required block must be completed (and, if graded, counts towards the
    # course score) for the course to complete.
    required = models.BooleanField(default=True)
    graded = models.BooleanField(default=False)
    weight = models.FloatField(default=1)
    live = models.BooleanField(default=True)
    draft = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["lesson", "position", "id"]
        indexes = [models.Index(fields=["lesson", "live"])]

    def __str__(self) -> str:
        return f"{self.block_type} #{self.pk}"


class BlockUserState(models.Model):
    """A learner's user-scoped XBlock field values for one block."""

    block = models.ForeignKey(
        Block, on_delete=models.CASCADE, related_name="user_states"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["block", "user"], name="one_state_per_user")
        ]

    def __str__(self) -> str:
        return f"state of {self.user} on {self.block_id}"


class BlockSharedState(models.Model):
    """Values all learners of a block share: XBlock's ``user_state_summary``
    scope (a poll's tally). Handlers that change it lock the row."""

    block = models.OneToOneField(
        Block, on_delete=models.CASCADE, primary_key=True, related_name="shared_state"
    )
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"shared state of {self.block_id}"


class BlockTypePreference(models.Model):
    """A learner's preference-scoped field values for one block type."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    block_type = models.CharField(max_length=64)
    state = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "block_type"], name="one_preference_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} prefs for {self.block_type}"


class LessonRevision(models.Model):
    """One publication of a lesson: who published it, why, and what it held.

    ``blocks`` is the published block list at that moment (id, type, position,
    fields, required, graded, weight), kept for history; learners are served
    from ``Block`` itself.
    """

    lesson = models.ForeignKey(
        "courses.Lesson", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField()
    note = models.CharField(_("change note"), max_length=500)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    blocks = models.JSONField(default=list)

    class Meta:
        ordering = ["lesson", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "number"], name="one_revision_number_per_lesson"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id} r{self.number}"
