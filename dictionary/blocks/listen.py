"""Listen and choose: play a word's recording, choose its meaning among four.

Only entries with a recording take part; nothing is ever synthesised. The
headword is not on the page before the answer, and the recording's URL does
not name the file. The wrong meanings come first from the block's own words,
then from other words of the language; they are the same at every view (seeded
by the block and the word), so the server knows the options it offered.
"""

from __future__ import annotations

import random

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from xblock.fields import Scope, String

from content_authoring.blocks.ordering import shuffled
from dictionary.blocks.common import AUDIO, entry_queryset, meanings, token
from dictionary.blocks.graded import ChoiceMarks, GradedBlock, chosen
from dictionary.models import Entry

CHOICES = 4


def meaning_of(entry: Entry) -> str:
    return "; ".join(meanings(entry)[:2])


class ListenChooseBlock(ChoiceMarks, GradedBlock):
    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Listen and choose"),
    )

    media_needed = AUDIO
    min_entries = 2
    template = "dictionary/blocks/listen_choose.html"

    def too_few_message(self) -> str:
        return _("Listen-and-choose needs at least 2 entries with a recording.")

    def _pool(self, entries: list[Entry]) -> list[Entry]:
        """Words whose meanings may serve as wrong options."""
        pool = list(entries)
        if len({meaning_of(e) for e in pool}) < CHOICES:
            more = (
                entry_queryset()
                .filter(language=self.language)
                .exclude(pk__in=[e.pk for e in pool])
                .order_by("sort_key", "pk")[:20]
            )
            pool += list(more)
        return pool

    def options(self, entries: list[Entry]) -> dict[int, list[Entry]]:
        """For each word, the words whose meanings are offered (itself first)."""
        pool = self._pool(entries)
        result = {}
        for entry in entries:
            right = meaning_of(entry)
            seen = {right}
            candidates = []
            for other in pool:
                text = meaning_of(other)
                if other.pk != entry.pk and text and text not in seen:
                    seen.add(text)
                    candidates.append(other)
            rng = random.Random(token(self, "seed", entry.pk))  # noqa: S311
            picked = rng.sample(candidates, min(CHOICES - 1, len(candidates)))
            result[entry.pk] = [entry, *picked]
        return result

    def rows(self, entries: list[Entry], answer: dict | None) -> list[dict]:
        options = self.options(entries)
        marks = self.marks(entries, answer) if answer else {}
        rows = []
        for number, entry in enumerate(entries, start=1):
            chosen = (answer or {}).get(str(entry.pk))
            offered = [
                {
                    "token": token(self, "option", entry.pk, option.pk),
                    "text": meaning_of(option),
                    "chosen": option.pk == chosen,
                }
                for option in options[entry.pk]
            ]
            mark = marks.get(entry.pk)
            rows.append(
                {
                    "number": number,
                    "word": self.word(entry, private_media=True),
                    "options": shuffled(offered),
                    "right": mark,
                    # The word and its meaning show once the learner got it.
                    "revealed": mark is True,
                }
            )
        return rows

    def parse(self, data: dict, entries: list[Entry]) -> dict:
        options = self.options(entries)
        return chosen(
            [
                (
                    entry,
                    data.get(f"q-{number}"),
                    {
                        token(self, "option", entry.pk, option.pk): option.pk
                        for option in options[entry.pk]
                    },
                )
                for number, entry in enumerate(entries, start=1)
            ],
            empty=_("Choose a meaning for at least one recording."),
        )
