"""Match pictures and words: for each picture, tap the word it shows.

Only entries with an image take part. Each picture has a list of the words
(shuffled, named by opaque tokens): a tap on any phone, no dragging, and it
works without JavaScript. Picture URLs do not name the file.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from xblock.fields import Scope, String

from content_authoring.blocks.ordering import shuffled
from dictionary.blocks.common import IMAGE, token
from dictionary.blocks.graded import ChoiceMarks, GradedBlock, chosen
from dictionary.models import Entry


class PictureMatchBlock(ChoiceMarks, GradedBlock):
    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Pictures and words"),
    )

    media_needed = IMAGE
    min_entries = 2
    template = "dictionary/blocks/picture_match.html"

    def too_few_message(self) -> str:
        return _("Picture matching needs at least 2 entries with a picture.")

    def rows(self, entries: list[Entry], answer: dict | None) -> list[dict]:
        marks = self.marks(entries, answer) if answer else {}
        menu = shuffled(
            [
                {"token": token(self, "word", e.pk), "text": e.headword, "pk": e.pk}
                for e in entries
            ]
        )
        rows = []
        for number, entry in enumerate(entries, start=1):
            chosen = (answer or {}).get(str(entry.pk))
            rows.append(
                {
                    "number": number,
                    "word": self.word(entry, private_media=True),
                    "options": [
                        {
                            "token": m["token"],
                            "text": m["text"],
                            "chosen": m["pk"] == chosen,
                        }
                        for m in menu
                    ],
                    "right": marks.get(entry.pk),
                }
            )
        return rows

    def parse(self, data: dict, entries: list[Entry]) -> dict:
        raw = data.get("matches", data.get("match"))
        if not isinstance(raw, list):
            raise ValidationError(
                _("The answer must be a list with one word per picture."),
                code="invalid",
            )
        if len(raw) != len(entries):
            raise ValidationError(
                _("Expected %(count)s words, one per picture; got %(got)s.")
                % {"count": len(entries), "got": len(raw)},
                code="wrong_count",
            )
        by_token = {token(self, "word", e.pk): e.pk for e in entries}
        return chosen(
            [(e, value, by_token) for e, value in zip(entries, raw, strict=True)],
            empty=_("Choose a word for at least one picture."),
        )
