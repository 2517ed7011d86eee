"""Match each item on the left with one on the right, graded on the server.

The learner picks, for each left-hand item, a right-hand one from a
``<select>`` (works on any phone, with or without JavaScript). The right-hand
options are shuffled and named by opaque tokens, so the page does not reveal
which goes with which. Optional distractors add right-hand options that match
nothing. The score is the share of pairs matched right.
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
from xblock.fields import Float, Integer, List, Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import (
    BLOCKS_JS,
    AnswerableBlock,
    AuthorableBlock,
    fresh_submission_id,
    language_tag,
    render_view,
)
from content_authoring.blocks.ordering import item_token, shuffled
from content_authoring.blocks.shortanswer import (
    ScoredAnswerMixin,
    common_author_fields,
    lines,
)
from lms.text import canonical

MAX_PAIRS = 20


class MatchingBlock(ScoredAnswerMixin, AnswerableBlock, AuthorableBlock, XBlock):
    """Pairs such as Ê Đê word ↔ Vietnamese word, or tool ↔ its use."""

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Matching"),
    )
    prompt = String(
        display_name=gettext_lazy("Instructions"), scope=Scope.content, default=""
    )
    pairs = List(
        display_name=gettext_lazy("Pairs"),
        help=gettext_lazy("A list of [left, right] pairs."),
        scope=Scope.content,
        default=[],
    )
    distractors = List(
        display_name=gettext_lazy("Extra right-hand options that match nothing"),
        scope=Scope.content,
        default=[],
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    # The learner's last choice per left item: an index into the options, or -1.
    chosen = List(scope=Scope.user_state, default=[])
    best_score = Float(scope=Scope.user_state, default=None)
    attempts = Integer(scope=Scope.user_state, default=0)

    has_score = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def _pairs(self) -> list[tuple[str, str]]:
        result = []
        for pair in self.pairs or []:
            if isinstance(pair, list | tuple) and len(pair) == 2:
                result.append((str(pair[0]), str(pair[1])))
        return result

    def _options(self) -> list[str]:
        """Right-hand texts: each pair's, then the distractors."""
        return [right for _left, right in self._pairs()] + [
            str(d) for d in self.distractors or []
        ]

    def _tokens(self) -> list[str]:
        return [
            item_token(self, "matching", i, text)
            for i, text in enumerate(self._options())
        ]

    def _marks(self, chosen: list[int]) -> list[bool]:
        options = self._options()
        # Two left items may share a right-hand text: any option with it is right.
        return [
            0 <= choice < len(options) and options[choice] == right
            for choice, (_left, right) in zip(chosen, self._pairs(), strict=False)
        ]

    # Views -------------------------------------------------------------------------

    def student_view(self, context: dict | None = None) -> Fragment:
        pairs, options, tokens = self._pairs(), self._options(), self._tokens()
        chosen = [c for c in self.chosen or [] if isinstance(c, int)]
        answered = bool(self.attempts) and len(chosen) == len(pairs)
        marks = self._marks(chosen) if answered else []
        # Each distinct text once, shuffled.
        seen: set[str] = set()
        menu = []
        for index, text in enumerate(options):
            if text not in seen:
                seen.add(text)
                menu.append({"token": tokens[index], "text": text, "index": index})
        menu = shuffled(menu)
        rows = []
        for i, (left, _right) in enumerate(pairs):
            picked = chosen[i] if answered else -1
            picked_text = options[picked] if 0 <= picked < len(options) else None
            rows.append(
                {
                    "number": i + 1,
                    "left": left,
                    "options": [
                        {**m, "selected": m["text"] == picked_text} for m in menu
                    ],
                    "right": marks[i] if answered else None,
                }
            )
        return render_view(
            self,
            "content_authoring/blocks/matching.html",
            {
                "prompt": self.prompt,
                "rows": rows,
                "lang": language_tag(self.lang),
                "submit_url": self.runtime.handler_url(self, "submit"),
                "submission_id": fresh_submission_id(),
                "return_url": getattr(self.runtime, "return_url", ""),
                "feedback": self._feedback(chosen) if answered else None,
            },
            js=(BLOCKS_JS,),
        )

    def _feedback(self, chosen: list[int]) -> dict:
        marks = self._marks(chosen)
        return {
            "correct": bool(marks) and all(marks),
            "right": sum(marks),
            "total": len(self._pairs()),
            "best_score": self.best_score,
            "max_score": self.max_score(),
        }

    def _feedback_html(self, chosen: list[int]) -> str:
        return render_to_string(
            "content_authoring/blocks/_matching_feedback.html",
            {"feedback": self._feedback(chosen)},
        )

    # Answers -----------------------------------------------------------------------

    def parse_answer(self, data: Any) -> list[int]:
        """For each left item in order, the token of the option chosen ("" for none).

        JSON sends ``{"matches": [...]}``; the form posts ``match`` per row.
        """
        raw = None
        if isinstance(data, dict):
            raw = data.get("matches", data.get("match"))
        count = len(self._pairs())
        if not isinstance(raw, list):
            raise ValidationError(
                _("The answer must be a list with one choice per item."),
                code="invalid",
            )
        if len(raw) != count:
            raise ValidationError(
                _("Expected %(count)s choices, one per item; got %(got)s.")
                % {"count": count, "got": len(raw)},
                code="wrong_count",
            )
        index_of = {token: i for i, token in enumerate(self._tokens())}
        chosen = []
        for token in raw:
            if token is None or token == "":
                chosen.append(-1)
            elif isinstance(token, str) and token in index_of:
                chosen.append(index_of[token])
            else:
                raise ValidationError(
                    _("One of the choices is not an option of this exercise."),
                    code="unknown_option",
                )
        if all(c == -1 for c in chosen):
            raise ValidationError(_("Match at least one item."), code="empty")
        return chosen

    def submit_answer(self, data: dict) -> dict:
        if len(self._pairs()) < 2:
            raise ValidationError(
                _("This exercise has no pairs yet; tell your trainer."),
                code="no_answer_key",
            )
        chosen = self.parse_answer(data)
        marks = self._marks(chosen)
        score = round(sum(marks) / len(marks), 4)
        self.chosen = chosen
        return self._record_score(
            score=score,
            answer={"chosen": chosen},
            correct=all(marks),
            feedback_html=self._feedback_html(chosen),
        )

    def attempt_result(
        self, *, answer: dict, score: float | None, max_score: float | None
    ) -> dict:
        raw = answer.get("chosen", []) if isinstance(answer, dict) else []
        chosen = [c for c in raw if isinstance(c, int)] if isinstance(raw, list) else []
        return {
            "correct": bool(score and max_score and score >= max_score),
            "score": score,
            "max_score": max_score,
            "feedback_html": self._feedback_html(chosen),
        }

    # Authoring ---------------------------------------------------------------------

    def studio_view(self, context: dict | None = None) -> Fragment:
        rows = [{"left": left, "right": right} for left, right in self._pairs()]
        rows += [{"left": "", "right": ""}] * max(2, 4 - len(rows))
        return render_view(
            self,
            "content_authoring/blocks/author/matching.html",
            {
                "block": self,
                "rows": rows,
                "distractors_text": "\n".join(str(d) for d in self.distractors or []),
            },
        )

    def author_parse(self, data) -> dict[str, Any]:
        lefts, rights = data.getlist("left"), data.getlist("right")
        if len(lefts) != len(rights):
            raise ValidationError({"pairs": _("Every pair needs a left and a right.")})
        pairs = []
        for left, right in zip(lefts, rights, strict=True):
            left, right = canonical(left.strip()), canonical(right.strip())
            if left or right:
                pairs.append([left, right])
        return {
            **common_author_fields(data),
            "prompt": canonical((data.get("prompt") or "").strip()),
            "pairs": pairs,
            "distractors": lines(data.get("distractors")),
        }

    def validate(self):
        validation = super().validate()

        def error(text: str) -> None:
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))

        raw = self.pairs or []
        pairs = self._pairs()
        if len(pairs) != len(raw) or any(
            not left.strip() or not right.strip() for left, right in pairs
        ):
            error(_("Every pair needs a left and a right."))
        if len(pairs) < 2:
            error(_("Give at least two pairs."))
        elif len(pairs) > MAX_PAIRS:
            error(_("Use at most %(max)s pairs.") % {"max": MAX_PAIRS})
        rights = {right for _left, right in pairs}
        if any(str(d) in rights for d in self.distractors or []):
            error(_("An extra option is the same as a right-hand item."))
        return validation
