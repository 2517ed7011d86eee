"""The handler and "mark as done" views over HTTP, with real CSRF checks."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from content_authoring.models import Block, BlockUserState
from courses.models import Attempt, BlockSummary

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(block, handler="submit"):
    return f"/blocks/{block.pk}/handler/{handler}/"


@pytest.fixture
def client_for(db):
    def make(user, **kwargs):
        client = Client(**kwargs)
        client.force_login(user)
        return client

    return make


def test_htmx_answer_returns_the_block_with_feedback_and_a_fresh_form(
    client_for, enrolled, mcq
):
    sent = str(uuid.uuid4())
    response = client_for(enrolled).post(
        _url(mcq), {"selected": "1", "submission_id": sent, "next": "/lesson/"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<section class="block block-mcq" id="block-{mcq.pk}"')
    assert "Đúng rồi!" in html or "Right!" in html
    fresh = re.search(r'name="submission_id" value="([0-9a-f-]{36})"', html).group(1)
    assert fresh != sent
    assert 'name="next" value="/lesson/"' in html
    assert BlockSummary.objects.get(user=enrolled, block=mcq).score == 1.0


def test_feedback_shows_the_right_answer_and_best_score(client_for, enrolled, mcq):
    client = client_for(enrolled)
    client.post(
        _url(mcq), {"selected": "1", "submission_id": str(uuid.uuid4())}, **HTMX
    )
    html = client.post(
        _url(mcq), {"selected": "0", "submission_id": str(uuid.uuid4())}, **HTMX
    ).content.decode()
    assert 'class="feedback bad"' in html
    assert re.search(r'<li class="right">Đắk Lắk.*✓', html)
    assert re.search(r"1 / 1", html)


def test_same_form_sent_twice_counts_once(client_for, enrolled, mcq):
    client = client_for(enrolled)
    form = {"selected": "1", "submission_id": str(uuid.uuid4())}
    assert client.post(_url(mcq), form, **HTMX).status_code == 200
    assert client.post(_url(mcq), form, **HTMX).status_code == 200
    assert Attempt.objects.filter(user=enrolled, block=mcq).count() == 1
    assert BlockSummary.objects.get(user=enrolled, block=mcq).attempts == 1


def test_plain_form_post_redirects_back_to_the_lesson(client_for, enrolled, mcq):
    response = client_for(enrolled).post(
        _url(mcq),
        {
            "selected": "1",
            "submission_id": str(uuid.uuid4()),
            "next": "/courses/c/l/1/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/courses/c/l/1/#block-{mcq.pk}"


def test_plain_form_post_ignores_a_next_on_another_site(client_for, enrolled, mcq):
    response = client_for(enrolled).post(
        _url(mcq),
        {
            "selected": "1",
            "submission_id": str(uuid.uuid4()),
            "next": "https://evil.example/",
        },
        HTTP_REFERER="http://testserver/courses/c/l/1/",
    )
    assert response["Location"].startswith("http://testserver/courses/c/l/1/")


def test_json_answer_returns_the_result(client_for, enrolled, mcq):
    response = client_for(enrolled).post(
        _url(mcq),
        json.dumps({"selected": [1], "submission_id": str(uuid.uuid4())}),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["correct"] is True and body["duplicate"] is False


def test_missing_csrf_token_is_refused(enrolled, mcq, client_for):
    client = client_for(enrolled, enforce_csrf_checks=True)
    response = client.post(
        _url(mcq), {"selected": "1", "submission_id": str(uuid.uuid4())}, **HTMX
    )
    assert response.status_code == 403
    assert not Attempt.objects.exists()


def test_csrf_token_in_the_htmx_header_is_accepted(enrolled, mcq, client_for):
    client = client_for(enrolled, enforce_csrf_checks=True)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    response = client.post(
        _url(mcq),
        {"selected": "1", "submission_id": str(uuid.uuid4())},
        HTTP_X_CSRFTOKEN=token,
        **HTMX,
    )
    assert response.status_code == 200
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize(
    "form",
    [
        {"selected": "9", "submission_id": "SUB"},
        {"selected": "hai", "submission_id": "SUB"},
        {"selected": "1", "submission_id": "not-a-uuid"},
        {"selected": "1"},
    ],
)
def test_malformed_input_is_a_400_with_a_message_and_nothing_recorded(
    client_for, enrolled, mcq, form
):
    form = {k: (str(uuid.uuid4()) if v == "SUB" else v) for k, v in form.items()}
    response = client_for(enrolled).post(_url(mcq), form, **HTMX)
    assert response.status_code == 400
    assert response.content.strip()
    assert not Attempt.objects.exists()
    assert not BlockUserState.objects.exists()


def test_malformed_json_is_a_400(client_for, enrolled, mcq):
    response = client_for(enrolled).post(
        _url(mcq), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_learner_not_enrolled_gets_403_with_a_message(client_for, learner, mcq):
    response = client_for(learner).post(
        _url(mcq), {"selected": "1", "submission_id": str(uuid.uuid4())}, **HTMX
    )
    assert response.status_code == 403
    assert response.content.strip()
    assert not Attempt.objects.exists()


def test_not_enrolled_plain_post_shows_a_page_with_the_message(
    client_for, learner, mcq
):
    response = client_for(learner).post(
        _url(mcq), {"selected": "1", "submission_id": str(uuid.uuid4())}
    )
    assert response.status_code == 403
    assert b'role="alert"' in response.content


def test_anonymous_htmx_request_gets_403(mcq):
    response = Client().post(
        _url(mcq), {"selected": "1", "submission_id": str(uuid.uuid4())}, **HTMX
    )
    assert response.status_code == 403


def test_anonymous_plain_post_is_sent_to_sign_in(mcq):
    response = Client().post(
        _url(mcq), {"selected": "1", "submission_id": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_block_is_404(client_for, enrolled):
    response = client_for(enrolled).post(
        "/blocks/999999/handler/submit/", {"submission_id": str(uuid.uuid4())}, **HTMX
    )
    assert response.status_code == 404


def test_unknown_handler_is_404(client_for, enrolled, mcq):
    response = client_for(enrolled).post(
        _url(mcq, "no_such_handler"), {"submission_id": str(uuid.uuid4())}, **HTMX
    )
    assert response.status_code == 404


def test_get_on_a_handler_is_405(client_for, enrolled, mcq):
    assert client_for(enrolled).get(_url(mcq)).status_code == 405


def test_block_of_a_type_that_cannot_load_is_404_not_500(client_for, enrolled, lesson):
    block = Block.objects.create(lesson=lesson, block_type="gone_type", position=7)
    response = client_for(enrolled).post(
        _url(block, "anything"), {"submission_id": str(uuid.uuid4())}, **HTMX
    )
    assert response.status_code == 404
    assert b"gone_type" in response.content


# --- media progress ------------------------------------------------------------


@pytest.fixture
def video(lesson):
    return Block.objects.create(
        lesson=lesson, block_type="video", position=3, fields={"src": "/media/v.mp4"}
    )


def test_video_played_to_the_end_completes_once(client_for, enrolled, video):
    client = client_for(enrolled)
    form = {"event": "ended", "submission_id": str(uuid.uuid4())}
    first = client.post(_url(video, "progress"), form)
    again = client.post(_url(video, "progress"), form)
    assert first.status_code == again.status_code == 200
    assert first.json() == {"completed": True}
    assert Attempt.objects.filter(user=enrolled, block=video).count() == 1
    summary = BlockSummary.objects.get(user=enrolled, block=video)
    assert summary.completed_at is not None and summary.attempts == 1
    assert BlockUserState.objects.get(user=enrolled, block=video).state == {
        "watched": True
    }


def test_unknown_media_event_is_400(client_for, enrolled, video):
    response = client_for(enrolled).post(
        _url(video, "progress"), {"event": "paused", "submission_id": str(uuid.uuid4())}
    )
    assert response.status_code == 400
    assert not Attempt.objects.exists()


# --- mark as done ----------------------------------------------------------------


def _viewed_url(lesson):
    return f"/blocks/lessons/{lesson.pk}/viewed/"


def test_mark_as_done_htmx_returns_the_progress_fragment(
    client_for, enrolled, lesson, html_block
):
    response = client_for(enrolled).post(
        _viewed_url(lesson), {"submission_id": str(uuid.uuid4())}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="lesson-done' in html
    assert "50%" in html  # the text block of two required blocks
    assert BlockSummary.objects.get(user=enrolled, block=html_block).completed_at


def test_mark_as_done_plain_post_redirects_to_next(client_for, enrolled, lesson):
    response = client_for(enrolled).post(
        _viewed_url(lesson), {"submission_id": str(uuid.uuid4()), "next": "/courses/x/"}
    )
    assert response.status_code == 302 and response["Location"] == "/courses/x/"


def test_mark_as_done_refuses_learners_not_enrolled(client_for, learner, lesson):
    response = client_for(learner).post(
        _viewed_url(lesson), {"submission_id": str(uuid.uuid4())}, **HTMX
    )
    assert response.status_code == 403
    assert not Attempt.objects.exists()


def test_mark_as_done_needs_a_submission_id(client_for, enrolled, lesson):
    response = client_for(enrolled).post(_viewed_url(lesson), {}, **HTMX)
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_mark_as_done_unknown_lesson_is_404(client_for, enrolled):
    response = client_for(enrolled).post(
        "/blocks/lessons/999999/viewed/", {"submission_id": str(uuid.uuid4())}, **HTMX
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "uri",
    [
        "public/../__init__.py",
        "public/./x.css",
        "runtime.py",
        "../../lms/settings/env.py",
    ],
)
def test_block_resources_outside_public_are_not_served(client, uri):
    from django.urls import reverse

    url = reverse("content_authoring:block_resource", args=["html", uri])
    assert client.get(url).status_code == 404
