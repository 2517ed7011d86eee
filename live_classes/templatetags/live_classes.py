"""Live classes on other apps' pages (home, course), without those apps'
views knowing of live classes: ``{% load live_classes %}``."""

from __future__ import annotations

from django import template
from django.utils import timezone

from courses import selectors as course_selectors
from live_classes import selectors

register = template.Library()


@register.inclusion_tag("live_classes/_home_card.html", takes_context=True)
def live_classes_for_home(context) -> dict:
    user = context["request"].user
    now = timezone.now()
    sessions = selectors.upcoming_for_user(user=user, now=now)
    return {
        "items": [
            {
                "session": s,
                "live": s.starts_at <= now <= s.ends_at or s.status == "live",
                "soon": selectors.is_reminder_due(s, now) and s.starts_at > now,
            }
            for s in sessions
        ],
        "now": now,
    }


@register.inclusion_tag("live_classes/_course_card.html", takes_context=True)
def live_classes_for_course(context, course) -> dict:
    user = context["request"].user
    return {
        "course": course,
        "sessions": selectors.sessions_for_course(user=user, course=course),
        "can_manage": course_selectors.course_can_manage(user=user, course=course),
    }
