"""A multiple-choice question, graded on the server.

The right answer never reaches the page before the learner answers: the form
carries only the choices' positions, and ``submit_answer`` grades on the server.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Float, Integer, List, Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import (
    BLOCKS_JS,
    AnswerableBlock,
    AuthorableBlock,
    fresh_submission_id,
    language_tag,
    render_view,
)
from lms.text import canonical

_WHOLE_NUMBER = re.compile(r"\d{1,6}", re.ASCII)


class MultipleChoiceBlock(AnswerableBlock, AuthorableBlock, XBlock):
    """One question, several choices, one or more right answers.

    A learner scores 1 for exactly the right set of choices and 0 otherwise,
    may try again as often as they like, and keeps their best score.
    """

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Question"),
    )
    question = String(
        display_name=gettext_lazy("Question"), scope=Scope.content, default=""
    )
    choices = List(
        display_name=gettext_lazy("Choices"), scope=Scope.content, default=[]
    )
    correct = List(
        display_name=gettext_lazy("Right answers"),
        help=gettext_lazy("Positions of the right choices, counting from 0."),
        scope=Scope.content,
        default=[],
    )
    multiple = Boolean(
        display_name=gettext_lazy("Several answers may be right"),
        scope=Scope.content,
        default=False,
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    # The learner's last answer and best score; courses keeps the records.
    selected = List(scope=Scope.user_state, default=[])
    last_correct = Boolean(scope=Scope.user_state, default=False)
    best_score = Float(scope=Scope.user_state, default=None)
    attempts = Integer(scope=Scope.user_state, default=0)

    has_score = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def max_score(self) -> float:
        return 1.0

    # Reading the definition ------------------------------------------------------

    def _choices(self) -> list[str]:
        return [str(c) for c in (self.choices or [])]

    def _right(self) -> set[int]:
        count = len(self._choices())
        return {
            i
            for i in (self.correct or [])
            if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < count
        }

    @property
    def allows_multiple(self) -> bool:
        return bool(self.multiple) or len(self._right()) > 1

    # Views ---------------------------------------------------------------------------

    def student_view(self, context: dict | None = None) -> Fragment:
        submit_url = self.runtime.handler_url(self, "submit")
        answered = bool(self.selected)
        return render_view(
            self,
            "content_authoring/blocks/mcq.html",
            {
                "question": self.question,
                "choices": list(enumerate(self._choices())),
                "multiple": self.allows_multiple,
                "lang": language_tag(self.lang),
                "submit_url": submit_url,
                "submission_id": fresh_submission_id(),
                "return_url": getattr(self.runtime, "return_url", ""),
                "feedback": (
                    self._feedback(self.selected, bool(self.last_correct))
                    if answered
                    else None
                ),
            },
            js=(BLOCKS_JS,),
        )

    def _feedback(self, selected: list[int], correct: bool) -> dict:
        right = self._right()
        chosen = set(selected)
        return {
            "correct": correct,
            "items": [
                {"text": text, "chosen": i in chosen, "right": i in right}
                for i, text in enumerate(self._choices())
            ],
            "best_score": self.best_score,
            "max_score": self.max_score(),
        }

    def _feedback_html(self, selected: list[int], correct: bool) -> str:
        return render_to_string(
            "content_authoring/blocks/_mcq_feedback.html",
            {"feedback": self._feedback(selected, correct)},
        )

    # Answers -------------------------------------------------------------------------

    def parse_answer(self, data: Any) -> list[int]:
        """The chosen positions in ``{"selected": [...]}``; refuses anything else."""
        raw = data.get("selected") if isinstance(data, dict) else None
        if raw is None or raw == "" or raw == []:
            raise ValidationError(_("Choose an answer."), code="empty")
        if isinstance(raw, int | str):
            raw = [raw]
        if not isinstance(raw, list):
            raise ValidationError(
                _("The answer must be a list of choice numbers."), code="invalid"
            )
        count = len(self._choices())
        chosen: set[int] = set()
        for item in raw:
            if isinstance(item, int) and not isinstance(item, bool):
                index = item
            elif isinstance(item, str) and _WHOLE_NUMBER.fullmatch(item.strip()):
                index = int(item.strip())
            else:
                raise ValidationError(
                    _("Each choice must be given by its number."), code="invalid"
                )
            if not 0 <= index < count:
                raise ValidationError(
                    _("There is no choice number %(index)s.") % {"index": index},
                    code="out_of_range",
                )
            chosen.add(index)
        if len(chosen) > 1 and not self.allows_multiple:
            raise ValidationError(_("Choose only one answer."), code="too_many")
        return sorted(chosen)

    def submit_answer(self, data: dict) -> dict:
        selected = self.parse_answer(data)
        right = self._right()
        if not right:
            raise ValidationError(
                _("This question has no right answer set yet; tell your trainer."),
                code="no_answer_key",
            )
        correct = set(selected) == right
        score = self.max_score() if correct else 0.0
        self.selected = selected
        self.last_correct = correct
        self.attempts = (self.attempts or 0) + 1
        if self.best_score is None or score > self.best_score:
            self.best_score = score
        self.runtime.publish(
            self,
            "grade",
            {
                "value": score,
                "max_value": self.max_score(),
                "answer": {"selected": selected},
            },
        )
        return {
            "correct": correct,
            "score": score,
            "max_score": self.max_score(),
            "feedback_html": self._feedback_html(selected, correct),
        }

    def attempt_result(
        self, *, answer: dict, score: float | None, max_score: float | None
    ) -> dict:
        raw = answer.get("selected", []) if isinstance(answer, dict) else []
        selected = [i for i in raw if isinstance(i, int) and not isinstance(i, bool)]
        correct = score is not None and max_score is not None and 0 < max_score <= score
        return {
            "correct": correct,
            "score": score,
            "max_score": max_score,
            "feedback_html": self._feedback_html(selected, correct),
        }

    # Authoring -----------------------------------------------------------------

    def studio_view(self, context: dict | None = None) -> Fragment:
        right = self._right()
        rows = [
            {"index": i, "text": text, "right": i in right}
            for i, text in enumerate(self._choices())
        ]
        # Empty rows to add choices without JavaScript; empty rows are dropped.
        start = len(rows)
        rows += [
            {"index": start + n, "text": "", "right": False}
            for n in range(max(2, 4 - start))
        ]
        return render_view(
            self,
            "content_authoring/blocks/author/mcq.html",
            {"block": self, "rows": rows},
        )

    def author_parse(self, data) -> dict[str, Any]:
        """``choice`` rows in order, ``correct`` naming rows by their number."""
        texts = [canonical(t.strip()) for t in data.getlist("choice")]
        ticked: set[int] = set()
        for value in data.getlist("correct"):
            if not _WHOLE_NUMBER.fullmatch(value.strip()):
                raise ValidationError({"correct": _("Tick the right choices.")})
            ticked.add(int(value.strip()))
        choices: list[str] = []
        correct: list[int] = []
        for row, text in enumerate(texts):
            if not text:
                continue
            if row in ticked:
                correct.append(len(choices))
            choices.append(text)
        return {
            "display_name": canonical((data.get("display_name") or "").strip()),
            "question": canonical((data.get("question") or "").strip()),
            "choices": choices,
            "correct": correct,
            "multiple": data.get("multiple") in ("on", "true", "1"),
            "lang": (data.get("lang") or "").strip(),
        }

    def validate(self):
        validation = super().validate()

        def error(text: str) -> None:
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))

        if not (self.question or "").strip():
            error(_("Write the question."))
        if len(self._choices()) < 2:
            error(_("Give at least two choices."))
        raw = self.correct or []
        if not self._right() or len(self._right()) != len(raw):
            error(_("Mark the right answers by their positions among the choices."))
        elif len(self._right()) > 1 and not self.multiple:
            error(_("Several right answers: tick “Several answers may be right”."))
        return validation
