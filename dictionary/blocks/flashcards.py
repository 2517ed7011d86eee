"""Flashcards: the word on the front (with its recording and picture), the
meanings on the back; the learner rates each card Again, Hard, Good or Easy.

Viewing the block puts its words in the learner's daily review queue
(``srs.cards_add``); each rating is a review (``srs.review_record``) carrying
the form's submission id, so a resent rating counts once. The card turns with
a ``<details>`` element and the rating is a plain form: it all works without
JavaScript, and htmx swaps the block in place when it is there. The block
completes when every card was rated once.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import webob
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import List, Scope, String

from content_authoring.blocks import fresh_submission_id
from dictionary import srs
from dictionary.blocks.common import DictionaryBlock, int_list
from dictionary.models import Entry, Review


class FlashcardsBlock(DictionaryBlock):
    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Flashcards"),
    )

    # Entry ids the learner has rated in this block, in the order rated.
    rated = List(scope=Scope.user_state, default=[])

    has_score = False
    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def too_few_message(self) -> str:
        return _("No dictionary entry matches this choice.")

    def _enqueue(self, entries: list[Entry]) -> None:
        """Put the block's words in the learner's review queue (a published
        block, seen by a signed-in user)."""
        user = getattr(self.runtime, "user", None)
        if not entries or user is None or not user.is_authenticated:
            return
        row = self.runtime.kvs.block_row(str(self.scope_ids.usage_id))
        if not row.pk or not row.live or row.lesson_id is None:
            return
        from courses.models import Lesson

        course_id = (
            Lesson.objects.filter(pk=row.lesson_id)
            .values_list("course_id", flat=True)
            .first()
        )
        srs.cards_add(user=user, entry_ids=[e.pk for e in entries], course_id=course_id)

    def student_view(self, context: dict | None = None) -> Fragment:
        entries = self.entries()
        self._enqueue(entries)
        rated = set(int_list(self.rated))
        position = next(
            (i for i, e in enumerate(entries) if e.pk not in rated), len(entries)
        )
        current = entries[position] if position < len(entries) else None
        return self.render_template(
            "dictionary/blocks/flashcards.html",
            {
                "card": self.word(current) if current else None,
                "number": position + 1,
                "total": len(entries),
                "done": bool(entries) and current is None,
                "ratings": Review.Rating.choices,
                "rate_url": self.runtime.handler_url(self, "rate"),
                "submission_id": fresh_submission_id(),
                "return_url": getattr(self.runtime, "return_url", ""),
                "empty_message": self.too_few_message(),
            },
        )

    # The rating ------------------------------------------------------------------

    @XBlock.handler
    def rate(self, request: webob.Request, suffix: str = "") -> webob.Response:
        """Record one rating; answer with the next card (htmx), JSON, or a
        redirect back to the lesson (a plain form)."""
        data = _posted(request)
        entries = self.entries()
        try:
            entry_id = int(str(data.get("entry_id") or ""))
        except ValueError:
            entry_id = 0
        if entry_id not in {e.pk for e in entries}:
            raise ValidationError(
                _("This card is not part of this exercise any more: reload the page.")
            )
        outcome = srs.review_record(
            user=self.runtime.user,  # type: ignore[attr-defined]
            entry_id=entry_id,
            rating=data.get("rating"),
            submission_id=self.runtime.submission_id,  # type: ignore[attr-defined]
        )
        if not outcome.repeated:
            rated = int_list(self.rated)
            if entry_id not in rated:
                rated.append(entry_id)
                self.rated = rated
                ids = {e.pk for e in entries}
                progress = len(ids & set(rated)) / len(ids)
                self.runtime.publish(self, "completion", {"completion": progress})
        return self._answer(request, due=outcome.due.isoformat())

    def _answer(self, request: webob.Request, *, due: str) -> webob.Response:
        django_request = getattr(request, "django_request", None)
        headers = django_request.headers if django_request is not None else {}
        if headers.get("HX-Request") == "true":
            back = _safe_back(request)
            self.runtime.return_url = back  # type: ignore[attr-defined]
            html = self.runtime.render(self, "student_view", {}).body_html()
            return webob.Response(
                body=html.encode(), content_type="text/html", charset="utf-8"
            )
        back = _safe_back(request)
        if back and "application/json" not in headers.get("Accept", ""):
            location = f"{back.split('#')[0]}#block-{self.scope_ids.usage_id}"
            return webob.Response(status=303, location=location)
        rated = int_list(self.rated)
        return webob.Response(
            json_body={"due": due, "rated": len(rated)}, content_type="application/json"
        )


def _posted(request: webob.Request) -> dict:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValidationError(_("The request is not valid JSON.")) from exc
        if not isinstance(body, dict):
            raise ValidationError(_("The request must be a JSON object."))
        return body
    return dict(request.POST.items())


def _safe_back(request: webob.Request) -> str:
    """The lesson page to go back to: the form's ``next``, on this site only."""
    django_request = getattr(request, "django_request", None)
    if django_request is None:
        return ""
    candidate = django_request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={django_request.get_host()},
        require_https=django_request.is_secure(),
    ):
        return urlsplit(candidate)._replace(fragment="").geturl()
    return ""
