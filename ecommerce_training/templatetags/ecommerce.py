"""E-commerce workshops on other apps' pages (home), without those apps'
views knowing of workshops: ``{% load ecommerce %}``."""

from __future__ import annotations

from django import template
from django.utils import timezone

from ecommerce_training import selectors_workshops as selectors

register = template.Library()


@register.inclusion_tag(
    "ecommerce_training/workshops/_home_card.html", takes_context=True
)
def workshops_for_home(context) -> dict:
    """The learner's "My workshops": seats and waitlist places, each with its
    next session and ticket; organisers also get a link to their workshops."""
    user = context["request"].user
    now = timezone.now()
    items = []
    for registration in selectors.registrations_for_home(user=user):
        sessions = list(registration.workshop.sessions.all())
        upcoming = [s for s in sessions if s.ends_at >= now]
        answered = hasattr(registration, "survey")
        items.append(
            {
                "registration": registration,
                "next": upcoming[0] if upcoming else None,
                # The survey opens when the last session starts.
                "survey_due": registration.status == "registered"
                and not answered
                and bool(sessions)
                and max(s.starts_at for s in sessions) <= now,
            }
        )
    return {
        "items": items,
        "can_create": selectors.workshop_can_create(user=user),
    }
