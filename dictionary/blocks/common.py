"""What the dictionary blocks share: the fields that choose entries, the
selection itself (read live at every view), the words as templates show them,
opaque tokens, the author form, and the rules every type validates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Integer, List, Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import AuthorableBlock, render_view
from dictionary.models import Entry, Language, Topic
from lms.text import canonical, fold

BLOCKS_JS = "dictionary/blocks.js"
BLOCKS_CSS = "dictionary/blocks.css"
MAX_ITEMS = 50
MAX_LEVEL = 10

AUDIO, IMAGE = "audio", "image"


def token(block: XBlock, kind: str, *parts: object) -> str:
    """An opaque, stable name for something of ``block`` (an option, a file):
    the page learns nothing from it, the server recomputes it."""
    text = ":".join([str(block.scope_ids.usage_id), *map(str, parts)])
    return salted_hmac(
        f"dictionary.blocks.{kind}", text, algorithm="sha256"
    ).hexdigest()[:16]


def _int(value: Any, *, field: str, message: str) -> int:
    if isinstance(value, list):
        value = value[0] if value else ""
    text = str(value if value is not None else "").strip()
    if not text:
        return 0
    try:
        return int(text)
    except ValueError as exc:
        raise ValidationError({field: message}) from exc


def int_list(values: Any) -> list[int]:
    """Positive integers of a list, in order, each once (anything else dropped)."""
    result: list[int] = []
    for value in values if isinstance(values, list) else []:
        valid = isinstance(value, int) and not isinstance(value, bool) and value > 0
        if valid and value not in result:
            result.append(value)
    return result


@dataclass
class Word:
    """An entry as a lesson shows it."""

    entry: Entry
    headword: str
    lang: str
    meaning: str  # the gloss in the interface language (Vietnamese by default)
    meanings: list[str]
    part_of_speech: str
    example: str
    example_translation: str
    audio_url: str
    image_url: str

    @property
    def id(self) -> int:
        return self.entry.pk

    @property
    def has_audio(self) -> bool:
        return bool(self.entry.pronunciation)

    @property
    def has_image(self) -> bool:
        return bool(self.entry.image)


def meanings(entry: Entry) -> list[str]:
    """The entry's glosses in the interface language, else the other one."""
    english = (get_language() or "vi").startswith("en")
    result = []
    for sense in entry.senses.all():
        first, second = (
            (sense.gloss_en, sense.gloss_vi)
            if english
            else (sense.gloss_vi, sense.gloss_en)
        )
        gloss = first or second
        if gloss and gloss not in result:
            result.append(gloss)
    return result


def entry_queryset():
    return Entry.objects.prefetch_related("senses")


class DictionaryBlock(AuthorableBlock, XBlock):
    """Base of the six types: which entries, and the author form choosing them.

    ``entry_ids`` wins when set; otherwise the language's entries in any of
    ``topics`` up to ``max_level`` (0 = any), alphabetical. ``media_needed`` keeps
    only entries with a recording or an image.
    """

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Vocabulary"),
    )
    language = String(
        display_name=gettext_lazy("Language"), scope=Scope.content, default="rad"
    )
    entry_ids = List(
        display_name=gettext_lazy("Hand-picked entries"),
        scope=Scope.content,
        default=[],
    )
    topics = List(display_name=gettext_lazy("Topics"), scope=Scope.content, default=[])
    max_level = Integer(
        display_name=gettext_lazy("Highest level (0 = any)"),
        scope=Scope.content,
        default=0,
    )
    max_items = Integer(
        display_name=gettext_lazy("At most this many words"),
        scope=Scope.content,
        default=10,
    )

    media_needed: str = ""  # AUDIO or IMAGE: only entries that have one take part
    min_entries = 1
    author_template = "dictionary/blocks/author.html"

    # Selection -------------------------------------------------------------------

    def lang(self) -> str:
        return self.language if self.language in Language.values else ""

    def _limit(self) -> int:
        return max(1, min(MAX_ITEMS, self.max_items or 10))

    def chosen_ids(self) -> list[int]:
        return int_list(self.entry_ids)

    def chosen_topics(self) -> list[str]:
        return [t for t in self.topics or [] if isinstance(t, str) and t]

    def _key(self) -> tuple:
        return (
            self.language,
            tuple(self.chosen_ids()),
            tuple(self.chosen_topics()),
            self.max_level,
            self.max_items,
        )

    def entries(self) -> list[Entry]:
        """The entries the block uses now, read from the dictionary (two queries,
        kept for the rest of this request)."""
        key = self._key()
        kept = getattr(self, "_entries_kept", None)
        if kept is not None and kept[0] == key:
            return kept[1]
        found = self._select()
        self._entries_kept = (key, found)
        return found

    def _select(self) -> list[Entry]:
        rows = entry_queryset().filter(language=self.language)
        if self.media_needed == AUDIO:
            rows = rows.exclude(pronunciation="")
        elif self.media_needed == IMAGE:
            rows = rows.exclude(image="")
        ids = self.chosen_ids()
        if ids:
            by_id = {e.pk: e for e in rows.filter(pk__in=ids)}
            return [by_id[i] for i in ids if i in by_id][: self._limit()]
        topics = self.chosen_topics()
        if not topics:
            return []
        rows = rows.filter(topics__slug__in=topics)
        if self.max_level:
            rows = rows.filter(level__lte=self.max_level)
        return list(rows.distinct().order_by("sort_key", "pk")[: self._limit()])

    def word(self, entry: Entry, *, private_media: bool = False) -> Word:
        """``private_media``: file URLs that do not name the file (a graded
        exercise must not give the headword away in an audio file's name)."""
        glosses = meanings(entry)
        first = next(iter(entry.senses.all()), None)
        return Word(
            entry=entry,
            headword=entry.headword,
            lang=entry.language,
            meaning="; ".join(glosses[:2]),
            meanings=glosses,
            part_of_speech=entry.part_of_speech,
            example=first.example if first else "",
            example_translation=first.example_translation if first else "",
            audio_url=self.media_url(entry, AUDIO, private=private_media),
            image_url=self.media_url(entry, IMAGE, private=private_media),
        )

    def media_url(self, entry: Entry, kind: str, *, private: bool) -> str:
        file = entry.pronunciation if kind == AUDIO else entry.image
        if not file:
            return ""
        if not private:
            return file.url
        return reverse(
            "dictionary:block_media",
            kwargs={
                "usage_id": int(self.scope_ids.usage_id),
                "kind": kind,
                "name": token(self, "media", kind, entry.pk),
            },
        )

    def media_entry(self, kind: str, name: str) -> Entry | None:
        """The entry whose file ``name`` (from :meth:`media_url`) stands for."""
        for entry in self.media_entries():
            if token(self, "media", kind, entry.pk) == name:
                return entry
        return None

    def media_entries(self) -> list[Entry]:
        return self.entries()

    # Views -------------------------------------------------------------------------

    def render_template(self, template: str, context: dict) -> Fragment:
        fragment = render_view(self, template, context)
        fragment.add_css_url(self.runtime.resource_url(BLOCKS_CSS))
        fragment.add_javascript_url(self.runtime.resource_url(BLOCKS_JS))
        return fragment

    def form_context(self) -> dict:
        """What ``_form_start.html`` needs to post to the block's handler."""
        from content_authoring.blocks import fresh_submission_id

        return {
            "submit_url": self.runtime.handler_url(self, "submit"),
            "submission_id": fresh_submission_id(),
            "return_url": getattr(self.runtime, "return_url", ""),
        }

    # Authoring -----------------------------------------------------------------------

    def studio_view(self, context: dict | None = None) -> Fragment:
        entries = {e.pk: e for e in entry_queryset().filter(pk__in=self.chosen_ids())}
        lines = [
            entry_line(entries[i]) if i in entries else f"#{i}"
            for i in self.chosen_ids()
        ]
        fragment = render_view(
            self,
            self.author_template,
            {
                "block": self,
                "languages": Language.choices,
                "topics": [
                    {"slug": t.slug, "name": t.name_vi, "on": t.slug in self.topics}
                    for t in Topic.objects.all()
                ],
                "entries_text": "\n".join(lines),
                "search_url": reverse("dictionary:api_search"),
                "max_items_limit": MAX_ITEMS,
                "needs": self.media_needed,
                **self.author_extra(),
            },
        )
        fragment.add_css_url(self.runtime.resource_url(BLOCKS_CSS))
        fragment.add_javascript_url(self.runtime.resource_url(BLOCKS_JS))
        return fragment

    def author_extra(self) -> dict:
        return {}

    def author_parse(self, data) -> dict[str, Any]:
        language = (data.get("language") or "").strip()
        if language not in Language.values:
            raise ValidationError({"language": _("Choose a language.")})
        return {
            "display_name": canonical((data.get("display_name") or "").strip()),
            "language": language,
            "topics": [t.strip() for t in data.getlist("topics") if t.strip()],
            "max_level": _int(
                data.get("max_level"),
                field="max_level",
                message=_("The level must be a whole number."),
            ),
            "max_items": _int(
                data.get("max_items"),
                field="max_items",
                message=_("The number of words must be a whole number."),
            )
            or 10,
            "entry_ids": entry_ids_from_lines(
                data.get("entries") or "", language=language
            ),
        }

    def validate(self):
        validation = super().validate()
        for text in self.problems():
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))
        return validation

    def problems(self) -> list[str]:
        problems = []
        if self.language not in Language.values:
            problems.append(_("Choose a language."))
            return problems
        if not 1 <= (self.max_items or 0) <= MAX_ITEMS:
            problems.append(_("Use between 1 and %(max)s words.") % {"max": MAX_ITEMS})
        if not 0 <= (self.max_level or 0) <= MAX_LEVEL:
            problems.append(
                _("The level must be between 0 (any) and %(max)s.") % {"max": MAX_LEVEL}
            )
        raw_ids = self.entry_ids or []
        ids = self.chosen_ids()
        if len(ids) != len(raw_ids):
            problems.append(_("Some chosen entries are not valid entry numbers."))
        if ids:
            found = set(
                Entry.objects.filter(pk__in=ids, language=self.language).values_list(
                    "pk", flat=True
                )
            )
            missing = [i for i in ids if i not in found]
            if missing:
                problems.append(
                    _(
                        "These entries are not in the dictionary for this language:"
                        " %(ids)s."
                    )
                    % {"ids": ", ".join(f"#{i}" for i in missing)}
                )
        topics = self.chosen_topics()
        if topics:
            known = set(
                Topic.objects.filter(slug__in=topics).values_list("slug", flat=True)
            )
            unknown = [t for t in topics if t not in known]
            if unknown:
                problems.append(
                    _("Unknown topics: %(topics)s.") % {"topics": ", ".join(unknown)}
                )
        if not self.uses_selection():
            return problems
        if not ids and not topics:
            problems.append(_("Pick entries from the dictionary, or choose topics."))
            return problems
        if not problems:
            problems += self.selection_problems()
        return problems

    def uses_selection(self) -> bool:
        return True

    def selection_problems(self) -> list[str]:
        """Rules about the entries selected now (each type says how many it
        needs and of what kind)."""
        count = len(self.entries())
        if count >= self.min_entries:
            return []
        return [self.too_few_message()]

    def too_few_message(self) -> str:
        return _("No dictionary entry matches this choice.")


# --- the author form's list of entries ----------------------------------------------

_ID_LINE = re.compile(r"^#(\d+)\b")


def entry_line(entry: Entry) -> str:
    """How the author form lists a chosen entry: ``#12 hriăm (học)``."""
    gloss = next((s.gloss_vi or s.gloss_en for s in entry.senses.all()), "")
    return f"#{entry.pk} {entry.headword}" + (f" ({gloss})" if gloss else "")


def entry_ids_from_lines(text: str, *, language: str) -> list[int]:
    """Entry ids from the author's lines: ``#12 …`` (from the search), or a
    headword of ``language`` typed as is. Unknown or ambiguous headwords are
    refused with their names."""
    ids: list[int] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for raw in text.splitlines():
        line = canonical(raw.strip())
        if not line:
            continue
        match = _ID_LINE.match(line)
        if match:
            pk = int(match.group(1))
            if pk not in ids:
                ids.append(pk)
            continue
        found = list(
            Entry.objects.filter(language=language, headword__iexact=line).values_list(
                "pk", flat=True
            )[:2]
        )
        if not found:
            # SQLite compares only ASCII letters without case ("Ƀuôn" is not
            # "ƀuôn" there): compare the candidates with the same letters here.
            folded = [
                e.pk
                for e in Entry.objects.filter(
                    language=language, search_text__startswith=fold(line)
                )[:50]
                if e.headword.casefold() == line.casefold()
            ]
            found = folded[:2]
        if not found:
            unknown.append(line)
        elif len(found) > 1:
            ambiguous.append(line)
        elif found[0] not in ids:
            ids.append(found[0])
    errors = []
    if unknown:
        errors.append(
            _("Not in the dictionary for this language: %(words)s.")
            % {"words": ", ".join(unknown)}
        )
    if ambiguous:
        errors.append(
            _(
                "More than one entry is written %(words)s: pick the one you mean"
                " with the search."
            )
            % {"words": ", ".join(ambiguous)}
        )
    if errors:
        raise ValidationError({"entry_ids": " ".join(errors)})
    return ids
