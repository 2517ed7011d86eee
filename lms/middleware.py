"""Vietnamese first: the interface language is the one the person chose (their
profile's preference when signed in, else the language cookie set by the
switch), else Vietnamese. The browser's Accept-Language is not consulted: many
shared phones here are set to English by the shop that sold them."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        supported = {code for code, _name in settings.LANGUAGES}
        # A signed-in person's own choice first: phones here are often shared.
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user else ""
        if language not in supported:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
