"""A vocabulary list: each word with its recording, picture, meanings and
example, read from the dictionary at every view. Not graded: it completes when
the learner marks the lesson as done, like text."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.fields import Scope, String

from dictionary.blocks.common import DictionaryBlock


class VocabListBlock(DictionaryBlock):
    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Vocabulary"),
    )

    has_score = False
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def student_view(self, context: dict | None = None) -> Fragment:
        return self.render_template(
            "dictionary/blocks/vocab_list.html",
            {
                "words": [self.word(e) for e in self.entries()],
                "empty_message": self.too_few_message(),
            },
        )

    def too_few_message(self) -> str:
        return _("No dictionary entry matches this choice.")
