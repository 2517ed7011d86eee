"""Put items in the right order, by dragging or with move-up/move-down buttons.

The learner's page never carries the right order: items are shuffled and
named by opaque tokens (an HMAC of the block id, the item's position in the
right order and its text, keyed by the site's secret), so neither the order
of the page nor the names sent back reveal it.

Scoring: 1 for the whole order right. With "partial credit" set, the share of
items in their right place (3 of 5 in place scores 0.6).
"""

from __future__ import annotations

import random
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
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
    ScoredAnswerMixin,
    checked,
    common_author_fields,
    lines,
)
from lms.text import canonical

ORDERING_JS = "content_authoring/ordering.js"
MAX_ITEMS = 20


def item_token(block: XBlock, kind: str, index: int, text: str) -> str:
    """An opaque, stable name for item ``index`` of a block's list ``kind``."""
    usage_id = block.scope_ids.usage_id
    return salted_hmac(
        f"content_authoring.blocks.{kind}",
        f"{usage_id}:{index}:{text}",
        algorithm="sha256",
    ).hexdigest()[:16]


def shuffled(items: list, *, avoid: list | None = None) -> list:
    """``items`` in a random order, other than ``avoid`` when possible."""
    result = list(items)
    if len(set(map(str, items))) < 2:
        return result
    for _attempt in range(10):
        random.shuffle(result)  # noqa: S311 - a quiz shuffle, not a secret
        if result != (avoid if avoid is not None else items):
            break
    return result


class OrderingBlock(ScoredAnswerMixin, AnswerableBlock, AuthorableBlock, XBlock):
    """Steps to put in order: "the stages of grafting a coffee seedling"."""

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Put in order"),
    )
    prompt = String(
        display_name=gettext_lazy("Instructions"), scope=Scope.content, default=""
    )
    items = List(
        display_name=gettext_lazy("Items in the right order"),
        scope=Scope.content,
        default=[],
    )
    partial_credit = Boolean(
        display_name=gettext_lazy("Partial credit for items in their right place"),
        scope=Scope.content,
        default=False,
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    # The learner's last order, as positions in the right order (server side only).
    last_order = List(scope=Scope.user_state, default=[])
    best_score = Float(scope=Scope.user_state, default=None)
    attempts = Integer(scope=Scope.user_state, default=0)

    has_score = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def _items(self) -> list[str]:
        return [str(i) for i in self.items or []]

    def _tokens(self) -> list[str]:
        return [
            item_token(self, "ordering", i, text)
            for i, text in enumerate(self._items())
        ]

    def _score(self, order: list[int]) -> float:
        placed = sum(1 for position, index in enumerate(order) if position == index)
        if placed == len(order):
            return 1.0
        if self.partial_credit and order:
            return round(placed / len(order), 4)
        return 0.0

    # Views -------------------------------------------------------------------------

    def student_view(self, context: dict | None = None) -> Fragment:
        items, tokens = self._items(), self._tokens()
        count = len(items)
        last = [i for i in self.last_order or [] if isinstance(i, int)]
        answered = bool(self.attempts) and sorted(last) == list(range(count))
        order = last if answered else shuffled(list(range(count)))
        rows = [
            {
                "token": tokens[i],
                "text": items[i],
                "position": position + 1,
                "in_place": (position == i) if answered else None,
            }
            for position, i in enumerate(order)
        ]
        return render_view(
            self,
            "content_authoring/blocks/ordering.html",
            {
                "prompt": self.prompt,
                "rows": rows,
                "count": count,
                "lang": language_tag(self.lang),
                "submit_url": self.runtime.handler_url(self, "submit"),
                "submission_id": fresh_submission_id(),
                "return_url": getattr(self.runtime, "return_url", ""),
                "feedback": self._feedback(order) if answered else None,
            },
            js=(BLOCKS_JS, ORDERING_JS),
        )

    def _feedback(self, order: list[int]) -> dict:
        placed = sum(1 for position, index in enumerate(order) if position == index)
        return {
            "correct": placed == len(order),
            "placed": placed,
            "total": len(order),
            "partial": bool(self.partial_credit),
            "best_score": self.best_score,
            "max_score": self.max_score(),
        }

    def _feedback_html(self, order: list[int]) -> str:
        return render_to_string(
            "content_authoring/blocks/_ordering_feedback.html",
            {"feedback": self._feedback(order)},
        )

    # Answers -----------------------------------------------------------------------

    def parse_answer(self, data: Any) -> list[int]:
        """Positions (in the right order) of the items as the learner put them.

        JSON sends ``{"order": [token, ...]}``; the form sends ``item`` (tokens
        in page order) with ``position`` numbers beside them, which is what a
        phone without JavaScript edits.
        """
        if not isinstance(data, dict):
            raise ValidationError(_("The answer must be an object."), code="invalid")
        raw = data.get("order", data.get("item"))
        if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
            raise ValidationError(
                _("The answer must list every item once."), code="invalid"
            )
        positions = data.get("position")
        if positions is not None:
            if not isinstance(positions, list) or len(positions) != len(raw):
                raise ValidationError(_("Give every item a position."), code="invalid")
            try:
                numbers = [int(str(p).strip()) for p in positions]
            except ValueError as exc:
                raise ValidationError(
                    _("Each position must be a whole number."), code="invalid"
                ) from exc
            # A stable sort: equal numbers keep their page order.
            raw = [
                token
                for _number, _page, token in sorted(
                    zip(numbers, range(len(raw)), raw, strict=True)
                )
            ]
        index_of = {token: i for i, token in enumerate(self._tokens())}
        if len(raw) != len(index_of) or set(raw) != set(index_of):
            raise ValidationError(
                _("The answer must list every item once."), code="wrong_items"
            )
        return [index_of[token] for token in raw]

    def submit_answer(self, data: dict) -> dict:
        if len(self._items()) < 2:
            raise ValidationError(
                _("This exercise has no items yet; tell your trainer."),
                code="no_answer_key",
            )
        order = self.parse_answer(data)
        score = self._score(order)
        self.last_order = order
        return self._record_score(
            score=score,
            answer={"order": order},
            correct=score == self.max_score(),
            feedback_html=self._feedback_html(order),
        )

    def attempt_result(
        self, *, answer: dict, score: float | None, max_score: float | None
    ) -> dict:
        raw = answer.get("order", []) if isinstance(answer, dict) else []
        order = [i for i in raw if isinstance(i, int)] if isinstance(raw, list) else []
        return {
            "correct": bool(score and max_score and score >= max_score),
            "score": score,
            "max_score": max_score,
            "feedback_html": self._feedback_html(order),
        }

    # Authoring ---------------------------------------------------------------------

    def studio_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self,
            "content_authoring/blocks/author/ordering.html",
            {"block": self, "items_text": "\n".join(self._items())},
        )

    def author_parse(self, data) -> dict[str, Any]:
        return {
            **common_author_fields(data),
            "prompt": canonical((data.get("prompt") or "").strip()),
            "items": lines(data.get("items")),
            "partial_credit": checked(data, "partial_credit"),
        }

    def validate(self):
        validation = super().validate()
        items = self._items()
        if len(items) < 2:
            validation.add(
                ValidationMessage(
                    ValidationMessage.ERROR, _("Give at least two items to order.")
                )
            )
        elif len(items) > MAX_ITEMS:
            validation.add(
                ValidationMessage(
                    ValidationMessage.ERROR,
                    _("Use at most %(max)s items.") % {"max": MAX_ITEMS},
                )
            )
        if len(set(items)) != len(items):
            validation.add(
                ValidationMessage(
                    ValidationMessage.ERROR, _("Two items have the same text.")
                )
            )
        return validation
