"""A question answered with a few typed words, graded on the server.

Also home of the text matching the typed-answer blocks share (short answer,
fill in the blanks): NFC (with the Ê Đê breve order fixed), spaces collapsed,
case ignored, and diacritics compared unless the trainer says otherwise. In
Ê Đê a missing breve or hook makes another word, so by default they must match.
"""

from __future__ import annotations

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
from lms.text import canonical, fold

# A learner's typed answer: a few words, never an essay.
MAX_TYPED_ANSWER = 500


def answer_key(text: str, *, strict_diacritics: bool = True) -> str:
    """What a typed answer is compared by.

    ``"  Đắk   LẮK "`` → ``"đắk lắk"``; without strict diacritics → ``"dak lak"``.
    """
    if not strict_diacritics:
        return fold(canonical(text))
    return " ".join(canonical(text).casefold().split())


def typed_text(value: Any, *, label: str) -> str:
    """One typed answer from a form value (a list of one) or a JSON string."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(
            _("%(label)s must be text.") % {"label": label}, code="invalid"
        )
    if len(value) > MAX_TYPED_ANSWER:
        raise ValidationError(
            _("%(label)s is too long (at most %(max)s characters).")
            % {"label": label, "max": MAX_TYPED_ANSWER},
            code="too_long",
        )
    return canonical(value.strip())


def lines(text: Any) -> list[str]:
    """Non-empty lines of a textarea, NFC and trimmed."""
    if not isinstance(text, str):
        return []
    return [canonical(line.strip()) for line in text.splitlines() if line.strip()]


def checked(data, name: str) -> bool:
    """Whether a posted checkbox was ticked."""
    return data.get(name) in ("on", "true", "1", "yes")


def common_author_fields(data) -> dict[str, Any]:
    """The display name and language every built-in question's form carries."""
    return {
        "display_name": canonical((data.get("display_name") or "").strip()),
        "lang": (data.get("lang") or "").strip(),
    }


class ScoredAnswerMixin:
    """Best score and attempts kept in user state, shared by typed-answer blocks."""

    best_score: float | None
    attempts: int

    def max_score(self) -> float:
        return 1.0

    def _remember(self, score: float) -> None:
        self.attempts = (self.attempts or 0) + 1
        if self.best_score is None or score > self.best_score:
            self.best_score = score

    def _record_score(
        self, *, score: float, answer: dict, correct: bool, feedback_html: str
    ) -> dict:
        """Keep the best score, publish the grade with the answer, and return
        what ``AnswerableBlock.submit_answer`` returns."""
        self._remember(score)
        self.runtime.publish(  # type: ignore[attr-defined]
            self,
            "grade",
            {"value": score, "max_value": self.max_score(), "answer": answer},
        )
        return {
            "correct": correct,
            "score": score,
            "max_score": self.max_score(),
            "feedback_html": feedback_html,
        }


class ShortAnswerBlock(ScoredAnswerMixin, AnswerableBlock, AuthorableBlock, XBlock):
    """A question with one or more accepted answers ("Đắk Lắk", "Daklak").

    Scores 1 when the typed answer matches an accepted one, else 0; the learner
    may try again and keeps their best score. The accepted answers never reach
    the page: after answering, the learner sees the trainer's feedback.
    """

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Short answer"),
    )
    question = String(
        display_name=gettext_lazy("Question"), scope=Scope.content, default=""
    )
    answers = List(
        display_name=gettext_lazy("Accepted answers"),
        scope=Scope.content,
        default=[],
    )
    strict_diacritics = Boolean(
        display_name=gettext_lazy("Diacritics must match"),
        scope=Scope.content,
        default=True,
    )
    feedback_correct = String(
        display_name=gettext_lazy("Feedback for a right answer"),
        scope=Scope.content,
        default="",
    )
    feedback_incorrect = String(
        display_name=gettext_lazy("Feedback for a wrong answer"),
        scope=Scope.content,
        default="",
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    typed = String(scope=Scope.user_state, default="")
    last_correct = Boolean(scope=Scope.user_state, default=False)
    best_score = Float(scope=Scope.user_state, default=None)
    attempts = Integer(scope=Scope.user_state, default=0)

    has_score = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def _accepted(self) -> set[str]:
        return {
            answer_key(str(a), strict_diacritics=bool(self.strict_diacritics))
            for a in (self.answers or [])
            if str(a).strip()
        }

    # Views ---------------------------------------------------------------------

    def student_view(self, context: dict | None = None) -> Fragment:
        answered = bool(self.attempts)
        return render_view(
            self,
            "content_authoring/blocks/shortanswer.html",
            {
                "question": self.question,
                "lang": language_tag(self.lang),
                "submit_url": self.runtime.handler_url(self, "submit"),
                "submission_id": fresh_submission_id(),
                "return_url": getattr(self.runtime, "return_url", ""),
                "typed": self.typed if answered else "",
                "max_length": MAX_TYPED_ANSWER,
                "feedback": (
                    self._feedback(self.typed, bool(self.last_correct))
                    if answered
                    else None
                ),
            },
            js=(BLOCKS_JS,),
        )

    def _feedback(self, typed: str, correct: bool) -> dict:
        return {
            "correct": correct,
            "typed": typed,
            "message": self.feedback_correct if correct else self.feedback_incorrect,
            "best_score": self.best_score,
            "max_score": self.max_score(),
        }

    def _feedback_html(self, typed: str, correct: bool) -> str:
        return render_to_string(
            "content_authoring/blocks/_shortanswer_feedback.html",
            {"feedback": self._feedback(typed, correct)},
        )

    # Answers -------------------------------------------------------------------

    def parse_answer(self, data: Any) -> str:
        raw = data.get("answer") if isinstance(data, dict) else None
        text = typed_text(raw, label=_("The answer"))
        if not text:
            raise ValidationError(_("Type your answer."), code="empty")
        return text

    def submit_answer(self, data: dict) -> dict:
        typed = self.parse_answer(data)
        accepted = self._accepted()
        if not accepted:
            raise ValidationError(
                _("This question has no right answer set yet; tell your trainer."),
                code="no_answer_key",
            )
        correct = (
            answer_key(typed, strict_diacritics=bool(self.strict_diacritics))
            in accepted
        )
        score = self.max_score() if correct else 0.0
        self.typed = typed
        self.last_correct = correct
        return self._record_score(
            score=score,
            answer={"text": typed},
            correct=correct,
            feedback_html=self._feedback_html(typed, correct),
        )

    def attempt_result(
        self, *, answer: dict, score: float | None, max_score: float | None
    ) -> dict:
        typed = answer.get("text", "") if isinstance(answer, dict) else ""
        correct = bool(score and max_score and score >= max_score)
        return {
            "correct": correct,
            "score": score,
            "max_score": max_score,
            "feedback_html": self._feedback_html(str(typed), correct),
        }

    # Authoring -----------------------------------------------------------------

    def studio_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self,
            "content_authoring/blocks/author/shortanswer.html",
            {
                "block": self,
                "answers_text": "\n".join(str(a) for a in self.answers or []),
            },
        )

    def author_parse(self, data) -> dict[str, Any]:
        return {
            **common_author_fields(data),
            "question": canonical((data.get("question") or "").strip()),
            "answers": lines(data.get("answers")),
            "strict_diacritics": checked(data, "strict_diacritics"),
            "feedback_correct": canonical((data.get("feedback_correct") or "").strip()),
            "feedback_incorrect": canonical(
                (data.get("feedback_incorrect") or "").strip()
            ),
        }

    def validate(self):
        validation = super().validate()
        if not (self.question or "").strip():
            validation.add(
                ValidationMessage(ValidationMessage.ERROR, _("Write the question."))
            )
        if not self._accepted():
            validation.add(
                ValidationMessage(
                    ValidationMessage.ERROR, _("Give at least one accepted answer.")
                )
            )
        return validation
