from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Block(models.Model):
    """A block placed in a lesson: an XBlock type and its content and settings.

    ``fields`` holds the values of the block's content- and settings-scoped
    XBlock fields, keyed by field name.
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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["lesson", "position", "id"]

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
