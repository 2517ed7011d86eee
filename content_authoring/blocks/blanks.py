"""Fill in the blanks: text with gaps the learner types into, graded on the server.

The trainer marks each blank with asterisks and separates accepted
alternatives with ``|``: ``Cà phê Buôn Ma Thuột trồng ở tỉnh *Đắk Lắk|Daklak*.``
A literal asterisk is written ``\\*``. Only the text around the blanks reaches
the page; the answers stay on the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
from content_authoring.blocks.shortanswer import (
    MAX_TYPED_ANSWER,
    ScoredAnswerMixin,
    answer_key,
    checked,
    common_author_fields,
    typed_text,
)
from lms.text import canonical

_BLANK = re.compile(r"(?<!\\)\*(.+?)(?<!\\)\*", re.DOTALL)
MAX_BLANKS = 50


@dataclass(frozen=True, slots=True)
class Segment:
    text: str  # the text before a blank, or the last piece of text
    answers: tuple[str, ...] = ()  # empty: no blank after ``text``


def parse_blanks(source: str) -> list[Segment]:
    """Split the trainer's text into text pieces, each followed by a blank."""
    segments: list[Segment] = []
    position = 0
    for match in _BLANK.finditer(source or ""):
        answers = tuple(
            a.strip().replace("\\*", "*") for a in match.group(1).split("|")
        )
        segments.append(
            Segment(
                text=source[position : match.start()].replace("\\*", "*"),
                answers=tuple(a for a in answers if a),
            )
        )
        position = match.end()
    tail = (source or "")[position:].replace("\\*", "*")
    if tail:
        segments.append(Segment(text=tail))
    return segments


class FillInBlanksBlock(ScoredAnswerMixin, AnswerableBlock, AuthorableBlock, XBlock):
    """A text with blanks; the score is the share of blanks filled in right."""

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Fill in the blanks"),
    )
    prompt = String(
        display_name=gettext_lazy("Instructions"), scope=Scope.content, default=""
    )
    text = String(
        display_name=gettext_lazy("Text with blanks"),
        help=gettext_lazy(
            "Mark each blank with asterisks, alternatives with |: *Đắk Lắk|Daklak*."
        ),
        scope=Scope.content,
        default="",
    )
    strict_diacritics = Boolean(
        display_name=gettext_lazy("Diacritics must match"),
        scope=Scope.content,
        default=True,
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    filled = List(scope=Scope.user_state, default=[])
    best_score = Float(scope=Scope.user_state, default=None)
    attempts = Integer(scope=Scope.user_state, default=0)

    has_score = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def _segments(self) -> list[Segment]:
        return parse_blanks(self.text or "")

    def _keys(self) -> list[set[str]]:
        strict = bool(self.strict_diacritics)
        return [
            {answer_key(a, strict_diacritics=strict) for a in s.answers}
            for s in self._segments()
            if s.answers
        ]

    def _marks(self, filled: list[str]) -> list[bool]:
        strict = bool(self.strict_diacritics)
        return [
            answer_key(typed, strict_diacritics=strict) in keys
            for typed, keys in zip(filled, self._keys(), strict=False)
        ]

    # Views -----------------------------------------------------------------------

    def student_view(self, context: dict | None = None) -> Fragment:
        answered = bool(self.attempts) and bool(self.filled)
        filled = [str(f) for f in self.filled or []] if answered else []
        marks = self._marks(filled) if answered else []
        pieces = []
        blank = 0
        for segment in self._segments():
            item: dict[str, Any] = {"text": segment.text, "blank": None}
            if segment.answers:
                item["blank"] = {
                    "number": blank + 1,
                    "value": filled[blank] if blank < len(filled) else "",
                    "right": marks[blank] if blank < len(marks) else None,
                }
                blank += 1
            pieces.append(item)
        return render_view(
            self,
            "content_authoring/blocks/blanks.html",
            {
                "prompt": self.prompt,
                "pieces": pieces,
                "lang": language_tag(self.lang),
                "max_length": MAX_TYPED_ANSWER,
                "submit_url": self.runtime.handler_url(self, "submit"),
                "submission_id": fresh_submission_id(),
                "return_url": getattr(self.runtime, "return_url", ""),
                "feedback": self._feedback(filled) if answered else None,
            },
            js=(BLOCKS_JS,),
        )

    def _feedback(self, filled: list[str]) -> dict:
        marks = self._marks(filled)
        right = sum(marks)
        return {
            "correct": bool(marks) and all(marks),
            "right": right,
            "total": len(self._keys()),
            "best_score": self.best_score,
            "max_score": self.max_score(),
        }

    def _feedback_html(self, filled: list[str]) -> str:
        return render_to_string(
            "content_authoring/blocks/_blanks_feedback.html",
            {"feedback": self._feedback(filled)},
        )

    # Answers ---------------------------------------------------------------------

    def parse_answer(self, data: Any) -> list[str]:
        """The typed blanks in order: ``{"blanks": [...]}`` (a form posts ``blank``)."""
        raw = None
        if isinstance(data, dict):
            raw = data.get("blanks", data.get("blank"))
        count = len(self._keys())
        if not isinstance(raw, list):
            raise ValidationError(
                _("The answer must be a list with one entry per blank."),
                code="invalid",
            )
        if len(raw) != count:
            raise ValidationError(
                _("Expected %(count)s answers, one per blank; got %(got)s.")
                % {"count": count, "got": len(raw)},
                code="wrong_count",
            )
        filled = [typed_text(v, label=_("Each blank")) for v in raw]
        if not any(filled):
            raise ValidationError(_("Fill in at least one blank."), code="empty")
        return filled

    def submit_answer(self, data: dict) -> dict:
        if not self._keys():
            raise ValidationError(
                _("This exercise has no blanks yet; tell your trainer."),
                code="no_answer_key",
            )
        filled = self.parse_answer(data)
        marks = self._marks(filled)
        score = round(sum(marks) / len(marks), 4)
        self.filled = filled
        return self._record_score(
            score=score,
            answer={"blanks": filled},
            correct=all(marks),
            feedback_html=self._feedback_html(filled),
        )

    def attempt_result(
        self, *, answer: dict, score: float | None, max_score: float | None
    ) -> dict:
        raw = answer.get("blanks", []) if isinstance(answer, dict) else []
        filled = [str(v) for v in raw] if isinstance(raw, list) else []
        marks = self._marks(filled)
        return {
            "correct": bool(marks) and all(marks),
            "score": score,
            "max_score": max_score,
            "feedback_html": self._feedback_html(filled),
        }

    # Authoring -------------------------------------------------------------------

    def studio_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self, "content_authoring/blocks/author/blanks.html", {"block": self}
        )

    def author_parse(self, data) -> dict[str, Any]:
        return {
            **common_author_fields(data),
            "prompt": canonical((data.get("prompt") or "").strip()),
            "text": canonical((data.get("text") or "").strip()),
            "strict_diacritics": checked(data, "strict_diacritics"),
        }

    def validate(self):
        validation = super().validate()

        def error(text: str) -> None:
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))

        segments = self._segments()
        blanks = [s for s in segments if s.answers]
        if not blanks:
            error(_("Mark at least one blank with asterisks, like *Đắk Lắk*."))
        elif len(blanks) > MAX_BLANKS:
            error(_("Use at most %(max)s blanks.") % {"max": MAX_BLANKS})
        if len(blanks) != len(_BLANK.findall(self.text or "")):
            error(_("A blank is empty: write its answer between the asterisks."))
        return validation
