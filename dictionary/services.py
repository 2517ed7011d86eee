"""Writes of the dictionary: every change of an entry goes through
``entry_save``, which keeps the text canonical, the search text current and a
revision of what the entry became."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dictionary.alphabet import sort_key
from dictionary.models import Entry, EntryRevision, Language, Sense
from lms.models import User
from lms.text import canonical, fold


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


def dictionary_can_edit(*, user) -> bool:
    """Province administrators, and trainers given the dictionary editor right
    (the ``dictionary.change_entry`` permission)."""
    if not user.is_authenticated:
        return False
    return user.is_province_admin or user.has_perm("dictionary.change_entry")


def _clean(data: EntryData) -> EntryData:
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
            gloss_vi_translated=s.gloss_vi_translated,
            definition=canonical(s.definition.strip()),
            example=canonical(s.example.strip()),
            example_translation=canonical(s.example_translation.strip()),
        )
        for s in data.senses
    ]
    if not any(s.gloss_vi or s.gloss_en for s in senses):
        raise ValidationError({"senses": _("Give at least one gloss.")})
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
    )


def _search_text(data: EntryData) -> str:
    words = [data.headword, *data.variants]
    for s in data.senses:
        words += [s.gloss_vi, s.gloss_en]
    return " | ".join(fold(w) for w in words if w)


def _snapshot(entry: Entry) -> dict[str, Any]:
    return {
        "language": entry.language,
        "headword": entry.headword,
        "variants": entry.variants,
        "dialect": entry.dialect,
        "part_of_speech": entry.part_of_speech,
        "level": entry.level,
        "senses": [
            {
                "gloss_vi": s.gloss_vi,
                "gloss_vi_translated": s.gloss_vi_translated,
                "gloss_en": s.gloss_en,
                "definition": s.definition,
                "example": s.example,
                "example_translation": s.example_translation,
            }
            for s in entry.senses.all()
        ],
    }


@transaction.atomic
def entry_save(
    *,
    actor: User | None,
    data: EntryData,
    entry: Entry | None = None,
    note: str = "",
) -> tuple[Entry, bool]:
    """Create or change an entry (``entry``, or the one with the same source
    id). Returns (entry, created). ``actor`` None is an import committed by an
    editor already checked."""
    if actor is not None and not dictionary_can_edit(user=actor):
        raise PermissionDenied(_("Only dictionary editors change entries."))
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
        if not created and _snapshot(entry) == _comparable(data):
            return entry, False  # nothing changed: no revision
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
    entry.save()
    entry.senses.all().delete()
    Sense.objects.bulk_create(
        Sense(entry=entry, position=n, **vars(s))
        for n, s in enumerate(data.senses, start=1)
    )
    EntryRevision.objects.create(
        entry=entry, author=actor, note=note[:300], data=_snapshot(entry)
    )
    return entry, created


def _comparable(data: EntryData) -> dict[str, Any]:
    return {
        "language": data.language,
        "headword": data.headword,
        "variants": data.variants,
        "dialect": data.dialect,
        "part_of_speech": data.part_of_speech,
        "level": data.level,
        "senses": [
            {
                "gloss_vi": s.gloss_vi,
                "gloss_vi_translated": s.gloss_vi_translated,
                "gloss_en": s.gloss_en,
                "definition": s.definition,
                "example": s.example,
                "example_translation": s.example_translation,
            }
            for s in data.senses
        ],
    }
