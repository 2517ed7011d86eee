from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    EDE = "rad", _("Ê Đê")
    MNONG_EAST = "mnn", _("M'nông (Eastern)")
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["language", "headword"])]
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
