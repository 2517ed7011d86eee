"""The learner's daily review of dictionary words (``dictionary.srs``).

One word at a time: the front (the word, its recording and picture), the
answer behind a ``<details>`` (no script needed), then Again/Hard/Good/Easy.
Each answer is a POST carrying a submission id, redirected back to the queue
(POST/redirect/GET), so a resent answer or the back button counts once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from content_authoring.blocks import fresh_submission_id
from dictionary import srs
from dictionary.models import Review


def _interval_label(delta) -> str:
    minutes = round(delta.total_seconds() / 60)
    if minutes < 60:
        return _("%(n)s min") % {"n": max(1, minutes)}
    hours = round(minutes / 60)
    if hours < 24:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    days = round(hours / 24)
    if days < 31:
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    months = round(days / 30)
    return ngettext("%(n)s month", "%(n)s months", months) % {"n": months}


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            entry_id = int(request.POST.get("entry_id") or 0)
        except ValueError:
            entry_id = 0
        try:
            srs.review_record(
                user=request.user,
                entry_id=entry_id,
                rating=request.POST.get("rating"),
                submission_id=request.POST.get("submission_id"),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("dictionary:review")
    cards = srs.cards_due(user=request.user, limit=1)
    card = cards[0] if cards else None
    buttons = []
    if card is not None:
        intervals = srs.next_intervals(card)
        buttons = [
            (value, label, _interval_label(intervals[value]))
            for value, label in Review.Rating.choices
        ]
    return render(
        request,
        "dictionary/review.html",
        {
            "card": card,
            "entry": card.entry if card else None,
            "buttons": buttons,
            "remaining": srs.due_count(user=request.user),
            "submission_id": fresh_submission_id(),
        },
    )
