"""The learner's word review on other apps' pages: ``{% load dictionary %}``."""

from __future__ import annotations

from django import template

from dictionary import srs

register = template.Library()


@register.inclusion_tag("dictionary/_home_review.html", takes_context=True)
def review_queue_for_home(context) -> dict:
    user = context["request"].user
    if not user.is_authenticated or not user.review_cards.exists():
        return {"due": 0, "has_cards": False}
    return {"due": srs.due_count(user=user), "has_cards": True}
