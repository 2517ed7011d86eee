from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class LiveSession(models.Model):
    """A scheduled live class of a course (optionally of one cohort only)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live now")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="live_sessions"
    )
    cohort = models.ForeignKey(
        "lms.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_sessions",
        verbose_name=_("cohort"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    # Share of the scheduled length a learner must attend for the session to
    # count as done in the course.
    attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed (%)"), default=75
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Room state, changed only under a lock on this row (services.events).
    last_seq = models.PositiveBigIntegerField(default=0)
    current_slide = models.PositiveIntegerField(default=0)
    # Replay: audio uploaded or recorded by the trainer, and the video composed
    # from it and the slides.
    replay_audio = models.FileField(upload_to="live/audio/", blank=True)
    replay_audio_started_at = models.DateTimeField(null=True, blank=True)
    replay_video = models.FileField(upload_to="live/replay/", blank=True)
    replay_status = models.CharField(max_length=16, blank=True)
    replay_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="live_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__lte=100),
                name="live_session_attendance_percent",
            ),
        ]
        indexes = [models.Index(fields=["course", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SCHEDULED, self.Status.LIVE)

    @property
    def scheduled_seconds(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds())


class Slide(models.Model):
    """One slide image (uploaded as an image, or a page of an uploaded PDF)."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="slides"
    )
    position = models.PositiveIntegerField()
    image = models.FileField(upload_to="live/slides/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"], name="one_slide_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"slide {self.position} of {self.session_id}"


class RoomEvent(models.Model):
    """Everything that happened in a room, numbered without gaps per session."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="events"
    )
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The client's id for the frame that caused the event: a re-sent frame
    # finds its event instead of making a second one.
    client_id = models.UUIDField(null=True, blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "seq"], name="one_event_per_seq"
            ),
            models.UniqueConstraint(
                fields=["session", "actor", "client_id"],
                condition=Q(client_id__isnull=False),
                name="one_event_per_client_frame",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}#{self.seq} {self.type}"


class Participant(models.Model):
    """A person's standing in one session's room."""

    class Media(models.TextChoices):
        NONE = "", _("None")
        AUDIO = "audio", _("Audio")
        VIDEO = "video", _("Video")

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    moderator = models.BooleanField(default=False)
    chat_muted = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    hand_raised_at = models.DateTimeField(null=True, blank=True)
    media = models.CharField(max_length=8, choices=Media.choices, blank=True)
    first_joined_at = models.DateTimeField(null=True, blank=True)
    last_left_at = models.DateTimeField(null=True, blank=True)
    # Seconds in the room within the scheduled time, counted when the session
    # ends (overlapping connections, e.g. two tabs, count once).
    attended_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="one_participant_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.session_id}"


class AttendanceInterval(models.Model):
    """One connection's stay in the room: from the handshake to the close."""

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="intervals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    joined_at = models.DateTimeField()
    # Kept fresh by the client's pings, so a connection lost with its process
    # is counted up to the last sign of life, not to the end of the class.
    last_seen_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["session", "user"])]

    def __str__(self) -> str:
        return f"{self.user} {self.joined_at:%H:%M}–{self.left_at or ''}"


class Poll(models.Model):
    """A poll or a quick quiz question pushed by the trainer."""

    class Kind(models.TextChoices):
        POLL = "poll", _("Poll")
        QUIZ = "quiz", _("Quiz question")

    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="polls"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.POLL)
    question = models.CharField(max_length=300)
    options = models.JSONField(default=list)
    correct = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # When learners last got the tally (they get it at most once a second).
    results_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "opened_at"]

    def __str__(self) -> str:
        return self.question


class PollAnswer(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    option = models.PositiveSmallIntegerField()
    correct = models.BooleanField(null=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="one_answer_per_poll")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.option}"
