"""Writes of the dictionary: every change of an entry goes through
``entry_save``, which keeps the text canonical, the search text current and a
revision of what the entry became (pictures included). Recordings go through
``entry_pronunciation_set``, which keeps a revision too."""

from __future__ import annotations

import enum
import hashlib
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from dictionary.alphabet import sort_key
from dictionary.models import Entry, EntryRevision, Language, Sense, Topic
from lms.models import User
from lms.text import canonical, fold

# Fields of a revision that ``revision_restore`` puts back (media are not:
# a removed recording is gone).
TEXT_FIELDS = ("headword", "variants", "dialect", "part_of_speech", "level")
SENSE_FIELDS = (
    "gloss_vi",
    "gloss_vi_translated",
    "gloss_en",
    "definition",
    "example",
    "example_translation",
)

PRONUNCIATION_MAX_BYTES = 2 * 1024 * 1024
PRONUNCIATION_MAX_SECONDS = 30.0
PRONUNCIATION_KBPS = 32
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_SIDE = 800


@dataclass
class SenseData:
    gloss_vi: str = ""
    gloss_en: str = ""
    gloss_vi_translated: bool = False
    definition: str = ""
    example: str = ""
    example_translation: str = ""


@dataclass
class EntryData:
    language: str
    headword: str
    variants: list[str] = field(default_factory=list)
    dialect: str = ""
    part_of_speech: str = ""
    level: int = 1
    senses: list[SenseData] = field(default_factory=list)
    source: str = ""
    source_id: str = ""
    # Topic slugs. None keeps the entry's topics as they are (a word list
    # without topics must not drop the ones editors added).
    topics: list[str] | None = None


class SaveOutcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class EntrySaved:
    """What ``entry_save`` did. Unpacks as ``entry, created`` for callers that
    only ask whether the entry is new."""

    entry: Entry
    outcome: SaveOutcome

    @property
    def created(self) -> bool:
        return self.outcome is SaveOutcome.CREATED

    def __iter__(self) -> Iterator[Any]:
        return iter((self.entry, self.created))


class EditConflict(ValidationError):
    """Someone saved the entry after the editor opened it."""


def dictionary_can_edit(*, user) -> bool:
    """Province administrators, and trainers given the dictionary editor right
    (the ``dictionary.change_entry`` permission)."""
    if not user.is_authenticated:
        return False
    return user.is_province_admin or user.has_perm("dictionary.change_entry")


def _check_editor(actor: User | None) -> None:
    if actor is not None and not dictionary_can_edit(user=actor):
        raise PermissionDenied(_("Only dictionary editors change entries."))


def _clean(data: EntryData, known_topics: set[str] | None = None) -> EntryData:
    if data.language not in Language.values:
        raise ValidationError({"language": _("Unknown language.")})
    headword = canonical(data.headword.strip())
    if not headword:
        raise ValidationError({"headword": _("The headword is empty.")})
    variants = [canonical(v.strip()) for v in data.variants if v and v.strip()]
    senses = [
        SenseData(
            gloss_vi=canonical(s.gloss_vi.strip()),
            gloss_en=canonical(s.gloss_en.strip()),
            gloss_vi_translated=bool(s.gloss_vi_translated and s.gloss_vi.strip()),
            definition=canonical(s.definition.strip()),
            example=canonical(s.example.strip()),
            example_translation=canonical(s.example_translation.strip()),
        )
        for s in data.senses
    ]
    senses = [s for s in senses if any(getattr(s, f) for f in SENSE_FIELDS)]
    if not any(s.gloss_vi or s.gloss_en for s in senses):
        raise ValidationError({"senses": _("Give at least one gloss.")})
    if not 1 <= data.level <= 32767:
        raise ValidationError({"level": _("The level must be a whole number from 1.")})
    topics = None
    if data.topics is not None:
        topics = sorted({t.strip() for t in data.topics if t.strip()})
        known = known_topics
        if known is None:
            known = set(
                Topic.objects.filter(slug__in=topics).values_list("slug", flat=True)
            )
        unknown = [t for t in topics if t not in known]
        if unknown:
            raise ValidationError(
                {
                    "topics": _("Unknown topic “%(slug)s”.")
                    % {"slug": ", ".join(unknown)}
                }
            )
    return EntryData(
        language=data.language,
        headword=headword,
        variants=[v for v in dict.fromkeys(variants) if v != headword],
        dialect=canonical(data.dialect.strip()),
        part_of_speech=data.part_of_speech.strip(),
        level=data.level,
        senses=senses,
        source=data.source.strip(),
        source_id=data.source_id.strip(),
        topics=topics,
    )


def _search_text(data: EntryData) -> str:
    words = [data.headword, *data.variants]
    for s in data.senses:
        words += [s.gloss_vi, s.gloss_en]
    return " | ".join(fold(w) for w in words if w)


def _comparable(data: EntryData, topics: list[str]) -> dict[str, Any]:
    return {
        "language": data.language,
        "headword": data.headword,
        "variants": data.variants,
        "dialect": data.dialect,
        "part_of_speech": data.part_of_speech,
        "level": data.level,
        "topics": topics,
        "senses": [{f: getattr(s, f) for f in SENSE_FIELDS} for s in data.senses],
    }


def entry_data(entry: Entry) -> EntryData:
    """The entry as ``EntryData`` (what an edit form starts from)."""
    return EntryData(
        language=entry.language,
        headword=entry.headword,
        variants=list(entry.variants),
        dialect=entry.dialect,
        part_of_speech=entry.part_of_speech,
        level=entry.level,
        senses=[
            SenseData(**{f: getattr(s, f) for f in SENSE_FIELDS})
            for s in entry.senses.all()
        ],
        source=entry.source,
        source_id=entry.source_id,
        topics=sorted(t.slug for t in entry.topics.all()),
    )


def _snapshot(entry: Entry) -> dict[str, Any]:
    """What a revision stores: the text, the topics and the media's names."""
    data = entry_data(entry)
    snapshot = _comparable(data, data.topics or [])
    snapshot["pronunciation"] = entry.pronunciation.name or ""
    snapshot["image"] = entry.image.name or ""
    return snapshot


def _differs(entry: Entry, data: EntryData) -> bool:
    """Whether saving the cleaned ``data`` would change ``entry``'s text or
    topics (``data.topics`` None: the topics stay)."""
    before = _snapshot(entry)
    topics = before["topics"] if data.topics is None else data.topics
    wanted = _comparable(data, topics)
    return {k: before.get(k) for k in wanted} != wanted


def entry_would_change(
    *, entry: Entry, data: EntryData, known_topics: set[str] | None = None
) -> bool:
    """For an import's preview: would ``entry_save`` update ``entry``? (Its
    senses and topics are best prefetched.) Data that cannot be saved counts
    as a change."""
    try:
        cleaned = _clean(data, known_topics)
    except ValidationError:
        return True
    return _differs(entry, cleaned)


def latest_revision_id(entry: Entry) -> int:
    """The id of the entry's last revision, 0 if it has none: what an edit
    form carries to detect a save in between."""
    return _latest_revision_id(entry)


def _latest_revision_id(entry: Entry) -> int:
    return (
        EntryRevision.objects.filter(entry=entry)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


def _revise(entry: Entry, actor: User | None, note: str) -> EntryRevision:
    return EntryRevision.objects.create(
        entry=entry, author=actor, note=note[:300], data=_snapshot(entry)
    )


@transaction.atomic
def entry_save(
    *,
    actor: User | None,
    data: EntryData,
    entry: Entry | None = None,
    note: str = "",
    expected_revision: int | None = None,
    image: bytes | None = None,
    image_remove: bool = False,
) -> EntrySaved:
    """Create or change an entry (``entry``, or the one with the same source
    id). ``actor`` None is an import committed by an editor already checked.
    ``expected_revision`` is the revision the editor started from (0: none):
    if someone saved since, ``EditConflict`` is raised and nothing changes.
    ``image`` is a picture made by ``image_webp`` (or ``image_remove``), kept
    in the same revision. Saving what the entry already holds writes nothing
    (``UNCHANGED``)."""
    _check_editor(actor)
    data = _clean(data)
    if entry is None and data.source_id:
        entry = Entry.objects.filter(
            language=data.language, source=data.source, source_id=data.source_id
        ).first()
    created = entry is None
    if entry is None:
        entry = Entry(language=data.language)
    else:
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if (
            expected_revision is not None
            and _latest_revision_id(entry) != expected_revision
        ):
            raise EditConflict(
                _(
                    "Someone else saved this entry after you opened it. Your "
                    "changes were not saved: compare them with the entry's "
                    "history and save again."
                )
            )
        media_change = image is not None or (image_remove and bool(entry.image))
        if not media_change and not _differs(entry, data):
            return EntrySaved(entry, SaveOutcome.UNCHANGED)
    entry.language = data.language
    entry.headword = data.headword
    entry.variants = data.variants
    entry.dialect = data.dialect
    entry.part_of_speech = data.part_of_speech
    entry.level = data.level
    entry.source = data.source
    entry.source_id = data.source_id
    entry.search_text = _search_text(data)
    entry.sort_key = sort_key(data.language, data.headword)
    old_image = entry.image.name or ""
    if image_remove:
        entry.image = ""
    entry.save()
    if image is not None:
        entry.image.save(
            _media_name(entry, ".webp", image), ContentFile(image), save=False
        )
        entry.save(update_fields=["image"])
    if old_image and old_image != entry.image.name:
        _delete_on_commit(Entry._meta.get_field("image").storage, old_image)
    entry.senses.all().delete()
    Sense.objects.bulk_create(
        Sense(entry=entry, position=n, **vars(s))
        for n, s in enumerate(data.senses, start=1)
    )
    if data.topics is not None:
        entry.topics.set(Topic.objects.filter(slug__in=data.topics))
    _revise(entry, actor, note)
    return EntrySaved(entry, SaveOutcome.CREATED if created else SaveOutcome.UPDATED)


def revision_restore(
    *,
    actor: User,
    revision: EntryRevision,
    expected_revision: int | None = None,
) -> EntrySaved:
    """Save the entry's text and topics as they were in ``revision`` (a new
    revision; the history keeps everything)."""
    entry = revision.entry
    old = revision.data
    senses = [
        SenseData(
            **{
                f: s.get(f, SenseData.__dataclass_fields__[f].default)
                for f in SENSE_FIELDS
            }
        )
        for s in old.get("senses", [])
    ]
    data = EntryData(
        language=entry.language,
        headword=old.get("headword", entry.headword),
        variants=list(old.get("variants", [])),
        dialect=old.get("dialect", ""),
        part_of_speech=old.get("part_of_speech", ""),
        level=int(old.get("level", 1)),
        senses=senses,
        source=entry.source,
        source_id=entry.source_id,
        topics=(
            [t for t in old["topics"] if Topic.objects.filter(slug=t).exists()]
            if "topics" in old
            else None
        ),
    )
    stamp = revision.created_at.strftime("%Y-%m-%d %H:%M")
    return entry_save(
        actor=actor,
        data=data,
        entry=entry,
        note=_("Restored the version of %(when)s") % {"when": stamp},
        expected_revision=expected_revision,
    )


# --- media ---------------------------------------------------------------------------


class MediaRefused(ValidationError):
    """An upload that cannot become a recording or a picture."""


def _too_long() -> MediaRefused:
    return MediaRefused(
        _("The recording is longer than %(s)s seconds.")
        % {"s": int(PRONUNCIATION_MAX_SECONDS)}
    )


def _unreadable_audio() -> str:
    return _("This file is not a sound recording that can be read.")


def _media_name(entry: Entry, suffix: str, content: bytes) -> str:
    digest = hashlib.sha256(content).hexdigest()[:12]
    return f"{entry.pk}-{digest}{suffix}"


@transaction.atomic
def entry_pronunciation_set(
    *, actor: User, entry: Entry, data: bytes, filename: str = ""
) -> Entry:
    """Probe the upload with ffmpeg (≤ 2 MB, ≤ 30 s, must have sound), make it
    a small mono AAC ``.m4a`` (~32 kbit/s) and store it as the entry's
    pronunciation. Nothing changes if the file is refused."""
    from content_authoring.media import processing

    _check_editor(actor)
    if not data:
        raise MediaRefused(_("The recording is empty."))
    if len(data) > PRONUNCIATION_MAX_BYTES:
        raise MediaRefused(
            _("The recording is larger than %(mb)s MB.")
            % {"mb": PRONUNCIATION_MAX_BYTES // (1024 * 1024)}
        )
    with tempfile.TemporaryDirectory(prefix="dict-audio-") as tmp:
        source = Path(tmp) / "upload"
        source.write_bytes(data)
        try:
            info = processing.probe(source)
        except processing.MediaError as exc:
            raise MediaRefused(_unreadable_audio()) from exc
        if not info.has_audio:
            raise MediaRefused(_("This file has no sound."))
        if info.duration > PRONUNCIATION_MAX_SECONDS:
            raise _too_long()
        output = Path(tmp) / "out.m4a"
        try:
            processing.transcode_audio(
                source, output, kbps=PRONUNCIATION_KBPS, info=info
            )
            # A browser recording (WebM) does not say its length up front:
            # the encoded file does.
            length = processing.probe(output).duration
        except processing.MediaError as exc:
            raise MediaRefused(_unreadable_audio()) from exc
        if length > PRONUNCIATION_MAX_SECONDS:
            raise _too_long()
        encoded = output.read_bytes()
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    old = entry.pronunciation.name or ""
    entry.pronunciation.save(
        _media_name(entry, ".m4a", encoded), ContentFile(encoded), save=False
    )
    entry.save(update_fields=["pronunciation", "updated_at"])
    _revise(entry, actor, _("Pronunciation recorded"))
    if old and old != entry.pronunciation.name:
        _delete_on_commit(entry.pronunciation.storage, old)
    return entry


@transaction.atomic
def entry_pronunciation_remove(*, actor: User, entry: Entry) -> Entry:
    _check_editor(actor)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if not entry.pronunciation:
        return entry
    old = entry.pronunciation.name or ""
    entry.pronunciation = ""
    entry.save(update_fields=["pronunciation", "updated_at"])
    _revise(entry, actor, _("Pronunciation removed"))
    _delete_on_commit(Entry._meta.get_field("pronunciation").storage, old)
    return entry


def _delete_on_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP"}


def image_max_bytes() -> int:
    return int(getattr(settings, "DICTIONARY_IMAGE_MAX_BYTES", IMAGE_MAX_BYTES))


def image_webp(data: bytes) -> bytes:
    """A PNG, JPEG or WebP upload re-encoded as WebP no larger than 800 px on
    its longer side, without metadata. Anything else (SVG, GIF, a renamed
    file) is refused."""
    from PIL import Image, UnidentifiedImageError

    from content_authoring.media import processing

    if not data:
        raise MediaRefused(_("The picture is empty."))
    limit = image_max_bytes()
    if len(data) > limit:
        raise MediaRefused(
            _("The picture is larger than %(mb)s MB.")
            % {"mb": round(limit / (1024 * 1024), 1)}
        )
    refused = MediaRefused(_("Only PNG, JPEG or WebP pictures are accepted."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise refused from exc
    if kind not in _IMAGE_FORMATS:
        raise refused
    with tempfile.TemporaryDirectory(prefix="dict-image-") as tmp:
        source = Path(tmp) / "upload"
        source.write_bytes(data)
        output = Path(tmp) / "out.webp"
        # image_downscale limits the width; a tall picture is limited by height.
        max_width = IMAGE_MAX_SIDE
        if height > width:
            max_width = max(1, round(width * IMAGE_MAX_SIDE / height))
        try:
            processing.image_downscale(source, output, max_width=max_width)
        except processing.MediaError as exc:
            raise refused from exc
        return output.read_bytes()
