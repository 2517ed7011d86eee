"""What the three graded types share: score and attempts in user state, the
answer kept by entry id, and the feedback block under the title."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.fields import Dict, Float, Integer, Scope

from content_authoring.blocks import AnswerableBlock
from content_authoring.blocks.shortanswer import ScoredAnswerMixin
from dictionary.blocks.common import DictionaryBlock
from dictionary.models import Entry


def one_value(value) -> str | None:
    """A single posted value: forms post a list of one, JSON a string."""
    if isinstance(value, list):
        if len(value) != 1:
            return None if not value else "\x00"  # several values: never valid
        value = value[0]
    if value is None:
        return None
    return value if isinstance(value, str) else "\x00"


def chosen(
    choices: list[tuple[Entry, object, dict[str, int]]], *, empty: str
) -> dict[str, int]:
    """The answer of a choice exercise by entry id, from (entry, posted token,
    the tokens offered for it). A token not offered is refused; no choice at
    all is refused with ``empty``."""
    answer: dict[str, int] = {}
    for entry, posted, offered in choices:
        value = one_value(posted)
        if not value:
            continue
        if value not in offered:
            raise ValidationError(
                _("One of the answers is not an option of this exercise."),
                code="unknown_option",
            )
        answer[str(entry.pk)] = offered[value]
    if not answer:
        raise ValidationError(empty, code="empty")
    return answer


class ChoiceMarks:
    """Marks of an exercise whose right choice for a word is the word itself."""

    def marks(self, entries: list[Entry], answer: dict) -> dict[int, bool]:
        return {e.pk: answer.get(str(e.pk)) == e.pk for e in entries}


class GradedBlock(ScoredAnswerMixin, AnswerableBlock, DictionaryBlock):
    """A dictionary exercise graded on the server: the score is the share of
    words right; the learner may try again and keeps the best score."""

    # The last answer, by entry id (``{"123": ...}``), so a corrected or
    # reordered selection still shows the learner's marks on the right words.
    answer = Dict(scope=Scope.user_state, default={})
    best_score = Float(scope=Scope.user_state, default=None)
    attempts = Integer(scope=Scope.user_state, default=0)

    has_score = True
    completion_mode = XBlockCompletionMode.COMPLETABLE
    template = ""
    feedback_template = "dictionary/blocks/_feedback.html"

    # Subclasses: the rows of the page, and the marks of an answer.
    def rows(self, entries: list[Entry], answer: dict | None) -> list[dict]:
        raise NotImplementedError

    def parse(self, data: dict, entries: list[Entry]) -> dict:
        """The answer by entry id; ``ValidationError`` for a malformed one."""
        raise NotImplementedError

    def marks(self, entries: list[Entry], answer: dict) -> dict[int, bool]:
        raise NotImplementedError

    def view_context(self, entries: list[Entry]) -> dict:
        return {}

    def student_view(self, context: dict | None = None) -> Fragment:
        entries = self.entries()
        answered = bool(self.attempts) and bool(self.answer)
        answer = dict(self.answer or {}) if answered else None
        return self.render_template(
            self.template,
            {
                "rows": self.rows(entries, answer) if entries else [],
                "lang": self.lang(),
                "empty_message": self.too_few_message(),
                "feedback": self.feedback(entries, answer) if answer else None,
                **self.form_context(),
                **self.view_context(entries),
            },
        )

    def feedback(self, entries: list[Entry], answer: dict) -> dict:
        marks = self.marks(entries, answer)
        right = sum(1 for ok in marks.values() if ok)
        return {
            "correct": bool(marks) and right == len(marks),
            "right": right,
            "total": len(marks),
            "best_score": self.best_score,
            "max_score": self.max_score(),
        }

    def _feedback_html(self, entries: list[Entry], answer: dict) -> str:
        return render_to_string(
            self.feedback_template, {"feedback": self.feedback(entries, answer)}
        )

    def submit_answer(self, data: dict) -> dict:
        entries = self.entries()
        if len(entries) < self.min_entries:
            raise ValidationError(
                _("This exercise has no words yet; tell your trainer."),
                code="no_answer_key",
            )
        answer = self.parse(data, entries)
        marks = self.marks(entries, answer)
        score = round(sum(marks.values()) / len(marks), 4)
        self.answer = answer
        return self._record_score(
            score=score,
            answer=answer,
            correct=all(marks.values()),
            feedback_html=self._feedback_html(entries, answer),
        )

    def attempt_result(
        self, *, answer: dict, score: float | None, max_score: float | None
    ) -> dict:
        entries = self.entries()
        return {
            "correct": bool(score and max_score and score >= max_score),
            "score": score,
            "max_score": max_score,
            "feedback_html": self._feedback_html(
                entries, answer if isinstance(answer, dict) else {}
            ),
        }
