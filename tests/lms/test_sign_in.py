import pytest
from django.urls import reverse

from lms.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Đắk-Lắk-2026"


@pytest.mark.parametrize(
    "login", ["hnie", "0912345678", "+84 912 345 678", "0912.345.678", "84912345678"]
)
def test_sign_in_with_username_or_phone_in_any_usual_form(client, login):
    user = make_user(Role.LEARNER, username="hnie", phone="0912345678")
    response = client.post(reverse("login"), {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("password", ["wrong", ""])
def test_wrong_password_is_refused_with_a_message(client, password):
    make_user(Role.LEARNER, username="hnie", phone="0912345678")
    response = client.post(
        reverse("login"), {"username": "0912345678", "password": password}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivated_account_cannot_sign_in(client):
    make_user(Role.LEARNER, username="hnie", phone="0912345678", is_active=False)
    client.post(reverse("login"), {"username": "0912345678", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_unknown_login_is_refused(client):
    client.post(reverse("login"), {"username": "0999999999", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
