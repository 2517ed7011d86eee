"""The home page of each role, and the health check."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from courses import selectors as course_selectors
from lms import services
from lms.models import Role


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "lms/home_public.html")
    context: dict = {}
    if user.role == Role.LEARNER:
        enrollments = list(course_selectors.enrollments_for_home(user=user))
        first = course_selectors.first_lesson_id(
            course_ids=[e.course_id for e in enrollments if e.last_lesson_id is None]
        )
        context["enrollments"] = [
            (e, e.last_lesson_id or first.get(e.course_id)) for e in enrollments
        ]
    if user.role in (Role.TRAINER, Role.ADMIN) or user.is_superuser:
        context["courses_taught"] = list(course_selectors.courses_taught(user=user))
    return render(request, "lms/home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switch: Django's cookie, plus the signed-in person's profile."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return response


def login_url_back_to(request: HttpRequest) -> str:
    """The sign-in URL that returns to the page an htmx request came from."""
    current = request.headers.get("HX-Current-URL", "")
    path = urlsplit(current).path if current else request.get_full_path()
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        path = "/"
    return f"{reverse('login')}?{urlencode({'next': path})}"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form, mostly a session that ended on a shared phone: say so in
    the person's language and offer to sign in again; nothing else happened."""
    context = {"login_url": login_url_back_to(request)}
    if request.headers.get("HX-Request") == "true":
        return render(request, "lms/_csrf_failure.html", context, status=403)
    return render(request, "lms/csrf_failure.html", context, status=403)
