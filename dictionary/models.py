from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from content_authoring.coursework.models import private_storage


class Language(models.TextChoices):
    EDE = "rad", _("Ê Đê")
    MNONG_SOUTH = "mnn", _("M'nông (Southern)")
    MNONG_CENTRAL = "cmo", _("M'nông (Central)")
    JRAI = "jra", _("J'rai")


class Topic(models.Model):
    slug = models.SlugField(unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["name_vi"]

    def __str__(self) -> str:
        return self.name_vi


class Entry(models.Model):
    """A headword of one language, stored NFC in the canonical mark order
    (``lms.text.canonical``), with its senses."""

    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    headword = models.CharField(_("headword"), max_length=200)
    # Other spellings and dialect forms, canonical like the headword.
    variants = models.JSONField(default=list, blank=True)
    dialect = models.CharField(_("dialect"), max_length=100, blank=True)
    part_of_speech = models.CharField(_("part of speech"), max_length=50, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    topics = models.ManyToManyField(Topic, blank=True, related_name="entries")
    pronunciation = models.FileField(
        _("pronunciation"), upload_to="dictionary/audio/", blank=True
    )
    image = models.FileField(_("image"), upload_to="dictionary/images/", blank=True)
    # Where the entry came from ("ABVD 741") and its id there (a LIFT guid), so
    # a re-import updates the entry instead of adding a second one.
    source = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=100, blank=True)
    # Folded headword, variants and glosses, for search on any database.
    search_text = models.TextField(blank=True, editable=False)
    # The headword's key in its language's alphabetical order
    # (``dictionary.alphabet.sort_key``), so lists sort in the database.
    sort_key = models.CharField(max_length=400, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "entries"
        indexes = [
            models.Index(fields=["language", "headword"]),
            models.Index(fields=["language", "sort_key"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "source", "source_id"],
                condition=~Q(source_id=""),
                name="one_entry_per_source_id",
            )
        ]

    def __str__(self) -> str:
        return self.headword


class Sense(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="senses")
    position = models.PositiveSmallIntegerField(default=1)
    gloss_vi = models.CharField(_("Vietnamese gloss"), max_length=300, blank=True)
    # True when the Vietnamese gloss is this project's translation of the
    # source's English concept, not the source's own.
    gloss_vi_translated = models.BooleanField(default=False)
    gloss_en = models.CharField(_("English gloss"), max_length=300, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    example = models.TextField(_("example"), blank=True)
    example_translation = models.TextField(_("example translation"), blank=True)

    class Meta:
        ordering = ["entry", "position"]

    def __str__(self) -> str:
        return self.gloss_vi or self.gloss_en


class EntryRevision(models.Model):
    """An entry as it was after each change, and who made it."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(max_length=300, blank=True)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "-created_at"]

    def __str__(self) -> str:
        return f"{self.entry_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class DictionaryImport(models.Model):
    """A word list an editor uploaded: kept, with its preview, until the editor
    commits it (it is parsed again then) or discards it."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        COMMITTED = "committed", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    source = models.CharField(_("source"), max_length=100)
    legacy = models.BooleanField(_("old typing convention"), default=False)
    filename = models.CharField(max_length=255)
    # Kept out of the public media folder: a list may be unpublished work.
    file = models.FileField(upload_to="dictionary/imports/", storage=private_storage)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PREVIEWED
    )
    # What the preview found: counts, the file's errors, per-entry warnings
    # and problems, as shown to the editor.
    summary = models.JSONField(default=dict)
    # What the commit did: {"created": n, "updated": n, "unchanged": n}.
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class ReviewCard(models.Model):
    """One learner's memory of one entry, scheduled by FSRS
    (``dictionary.srs``). The fields are those of ``fsrs.Card``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="cards")
    # The course whose lesson first showed the word (for the queue's label).
    course = models.ForeignKey(
        "courses.Course", on_delete=models.SET_NULL, null=True, blank=True
    )
    state = models.PositiveSmallIntegerField(default=1)  # fsrs.State.Learning
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "entry"], name="one_card_per_word")
        ]
        indexes = [models.Index(fields=["user", "due"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.entry_id} due {self.due:%Y-%m-%d %H:%M}"


class Review(models.Model):
    """One answer to a card. The client's submission id makes a resent answer
    count once."""

    class Rating(models.IntegerChoices):
        AGAIN = 1, _("Again")
        HARD = 2, _("Hard")
        GOOD = 3, _("Good")
        EASY = 4, _("Easy")

    card = models.ForeignKey(
        ReviewCard, on_delete=models.CASCADE, related_name="reviews"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    submission_id = models.UUIDField()
    reviewed_at = models.DateTimeField()
    # The card's due date the review set, to answer a resent review the same.
    due_after = models.DateTimeField()

    class Meta:
        ordering = ["card", "reviewed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "submission_id"], name="one_review_per_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.rating} @ {self.reviewed_at:%Y-%m-%d %H:%M}"
