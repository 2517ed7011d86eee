"""Sign in with a username or a phone number: many learners have no e-mail."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from lms.models import User


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        login = username.strip()
        phone = login.replace(" ", "").replace(".", "")
        if phone.startswith("+84"):
            phone = "0" + phone[3:]
        user = (
            User.objects.filter(Q(username=login) | (Q(phone=phone) & ~Q(phone="")))
            .order_by("id")
            .first()
        )
        if user is None:
            User().set_password(password)  # same work as a real check: no timing leak
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
