from __future__ import annotations

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, RequestFactory

from content_authoring.models import Block
from tests import factories


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The hashed-name manifest exists only after collectstatic; pages here
    # render {% static %} without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def course(db):
    return factories.make_course(lessons=1)


@pytest.fixture
def lesson(course):
    return course.lessons.get()


@pytest.fixture
def mcq(lesson):
    return Block.objects.get(lesson=lesson, block_type="mcq")


@pytest.fixture
def html_block(lesson):
    return Block.objects.get(lesson=lesson, block_type="html")


@pytest.fixture
def enrolled(learner, course):
    factories.enroll(learner, course)
    return learner


@pytest.fixture
def lesson_request(rf: RequestFactory, lesson):
    def make(user):
        request = rf.get(f"/courses/x/lessons/{lesson.pk}/")
        request.user = user
        return request

    return make


@pytest.fixture
def csrf_client(db):
    """A signed-in client that must send the CSRF token, as a browser does."""

    def make(user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        client.cookies["csrftoken"] = token = _get_new_csrf_string()
        client.csrf = token
        return client

    return make
