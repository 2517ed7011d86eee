"""Sign in with a username or a phone number: many learners have no e-mail."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from lms.models import User
from lms.services import normalise_phone


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        login = username.strip()
        match = Q(username=login)
        # The same normalisation as the people import, so "+84 912 345 678"
        # finds the person imported as 0912345678.
        if phone := normalise_phone(login):
            match |= Q(phone=phone)
        user = User.objects.filter(match).order_by("id").first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing leak
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
