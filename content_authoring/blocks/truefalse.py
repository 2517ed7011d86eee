"""A true-or-false statement, graded on the server."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Float, Integer, Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import (
    BLOCKS_JS,
    AnswerableBlock,
    AuthorableBlock,
    fresh_submission_id,
    language_tag,
    render_view,
)
from content_authoring.blocks.shortanswer import ScoredAnswerMixin, common_author_fields
from lms.text import canonical

_TRUE = {"true", "1", "yes", "đúng"}
_FALSE = {"false", "0", "no", "sai"}


class TrueFalseBlock(ScoredAnswerMixin, AnswerableBlock, AuthorableBlock, XBlock):
    """A statement the learner marks true or false.

    Scores 1 for the right value; the trainer's explanation shows after
    answering. The right value is not in the page before that.
    """

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("True or false"),
    )
    statement = String(
        display_name=gettext_lazy("Statement"), scope=Scope.content, default=""
    )
    answer = Boolean(
        display_name=gettext_lazy("The statement is true"),
        scope=Scope.content,
        default=True,
    )
    explanation = String(
        display_name=gettext_lazy("Explanation shown after answering"),
        scope=Scope.content,
        default="",
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    chosen = String(scope=Scope.user_state, default="")  # "true", "false"
    best_score = Float(scope=Scope.user_state, default=None)
    attempts = Integer(scope=Scope.user_state, default=0)

    has_score = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def student_view(self, context: dict | None = None) -> Fragment:
        answered = self.chosen in ("true", "false") and bool(self.attempts)
        return render_view(
            self,
            "content_authoring/blocks/truefalse.html",
            {
                "statement": self.statement,
                "lang": language_tag(self.lang),
                "submit_url": self.runtime.handler_url(self, "submit"),
                "submission_id": fresh_submission_id(),
                "return_url": getattr(self.runtime, "return_url", ""),
                "feedback": self._feedback(self.chosen == "true") if answered else None,
            },
            js=(BLOCKS_JS,),
        )

    def _feedback(self, chosen: bool) -> dict:
        return {
            "correct": chosen == bool(self.answer),
            "chosen": chosen,
            "explanation": self.explanation,
            "best_score": self.best_score,
            "max_score": self.max_score(),
        }

    def _feedback_html(self, chosen: bool) -> str:
        return render_to_string(
            "content_authoring/blocks/_truefalse_feedback.html",
            {"feedback": self._feedback(chosen)},
        )

    def parse_answer(self, data: Any) -> bool:
        raw = data.get("answer") if isinstance(data, dict) else None
        if isinstance(raw, list) and len(raw) == 1:
            raw = raw[0]
        if isinstance(raw, bool):
            return raw
        if raw is None or raw == "" or raw == []:
            raise ValidationError(_("Choose true or false."), code="empty")
        if isinstance(raw, str) and raw.strip().casefold() in _TRUE:
            return True
        if isinstance(raw, str) and raw.strip().casefold() in _FALSE:
            return False
        raise ValidationError(_("The answer must be true or false."), code="invalid")

    def submit_answer(self, data: dict) -> dict:
        chosen = self.parse_answer(data)
        correct = chosen == bool(self.answer)
        score = self.max_score() if correct else 0.0
        self.chosen = "true" if chosen else "false"
        return self._record_score(
            score=score,
            answer={"value": chosen},
            correct=correct,
            feedback_html=self._feedback_html(chosen),
        )

    def attempt_result(
        self, *, answer: dict, score: float | None, max_score: float | None
    ) -> dict:
        chosen = bool(answer.get("value")) if isinstance(answer, dict) else False
        return {
            "correct": chosen == bool(self.answer),
            "score": score,
            "max_score": max_score,
            "feedback_html": self._feedback_html(chosen),
        }

    def studio_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self, "content_authoring/blocks/author/truefalse.html", {"block": self}
        )

    def author_parse(self, data) -> dict[str, Any]:
        value = data.get("answer")
        if value not in ("true", "false"):
            raise ValidationError(
                {"answer": _("Say whether the statement is true or false.")}
            )
        return {
            **common_author_fields(data),
            "statement": canonical((data.get("statement") or "").strip()),
            "answer": value == "true",
            "explanation": canonical((data.get("explanation") or "").strip()),
        }

    def validate(self):
        validation = super().validate()
        if not (self.statement or "").strip():
            validation.add(
                ValidationMessage(ValidationMessage.ERROR, _("Write the statement."))
            )
        return validation
