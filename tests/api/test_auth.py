from __future__ import annotations

import pytest
from django.conf import settings
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from courses.models import Enrollment
from tests.api.support import NOT_SIGNED_IN
from tests.factories import make_course

PASSWORD = "pw-Đắk-Lắk-2026"  # the factories' password


def test_me_describes_the_signed_in_user(learner, as_learner):
    body = as_learner.get("/api/me/").json()
    assert body["username"] == learner.username
    assert body["role"] == "learner"
    assert body["display_name"] == learner.display_name


def test_me_refuses_anonymous(anon, db):
    assert anon.get("/api/me/").status_code in NOT_SIGNED_IN


def test_token_is_obtained_with_username_and_password(learner, anon):
    response = anon.post(
        "/api/auth/token/",
        {"username": learner.username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=learner).key}


def test_token_is_refused_for_a_wrong_password(learner, anon):
    response = anon.post(
        "/api/auth/token/",
        {"username": learner.username, "password": "wrong"},
        format="json",
    )
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_token_authenticates_reads_and_writes_without_csrf(learner):
    token = Token.objects.create(user=learner)
    course = make_course()
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/me/").json()["username"] == learner.username
    response = client.post("/api/enrollments/", {"course": course.slug}, format="json")
    assert response.status_code == 201, response.content


def test_wrong_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/me/")
    assert response.status_code in NOT_SIGNED_IN
    assert response.json()["detail"] == "Invalid token."


@pytest.fixture
def session_client(learner) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username=learner.username, password=PASSWORD)
    return client


def test_session_reads_need_no_csrf_token(session_client, learner):
    assert session_client.get("/api/me/").json()["username"] == learner.username


def test_session_post_without_csrf_token_is_refused(session_client, learner):
    course = make_course()
    response = session_client.post(
        "/api/enrollments/", {"course": course.slug}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Enrollment.objects.filter(user=learner).exists()


def test_session_post_with_csrf_token_is_accepted(session_client, learner):
    course = make_course()
    secret = get_random_string(32)
    session_client.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = session_client.post(
        "/api/enrollments/",
        {"course": course.slug},
        format="json",
        HTTP_X_CSRFTOKEN=secret,
    )
    assert response.status_code == 201, response.content


def test_catalog_is_open_to_anonymous_visitors(anon, db):
    make_course()
    assert anon.get("/api/catalog/courses/").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/enrollments/"),
        ("post", "/api/enrollments/"),
        ("post", "/api/enrollments/1/approve/"),
        ("post", "/api/enrollments/1/reject/"),
        ("get", "/api/lessons/1/"),
        ("post", "/api/lessons/1/viewed/"),
        ("post", "/api/blocks/1/submissions/"),
        ("get", "/api/progress/courses/any/"),
        ("get", "/api/me/"),
    ],
)
def test_private_endpoints_refuse_anonymous(anon, db, method, path):
    response = getattr(anon, method)(path, format="json")
    assert response.status_code in NOT_SIGNED_IN
    assert response.json()["code"] == "not_authenticated" or path == "/api/me/"


def test_anonymous_call_is_challenged_with_401_and_www_authenticate(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/enrollments/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
