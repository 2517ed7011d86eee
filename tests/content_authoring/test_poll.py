"""xblock-poll from PyPI, unchanged: its tally is shared by all learners of the
block (XBlock's user_state_summary scope, ``BlockSharedState``)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from content_authoring.models import Block, BlockSharedState
from courses.models import BlockSummary
from lms.models import Role
from tests import factories
from tests.content_authoring.test_third_party import _call, _render

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll(lesson):
    return Block.objects.create(
        lesson=lesson,
        block_type="poll",
        position=5,
        fields={
            "display_name": "Thăm dò",
            "question": "Bạn tưới cà phê bằng cách nào?",
            "answers": [
                ["G", {"label": "Tưới gốc", "img": None, "img_alt": None}],
                ["P", {"label": "Tưới phun", "img": None, "img_alt": None}],
            ],
        },
        required=True,
        graded=False,
    )


def _learner(course):
    user = factories.make_user(Role.LEARNER)
    factories.enroll(user, course)
    return user


def _tally(poll) -> dict:
    return BlockSharedState.objects.get(block=poll).state["tally"]


def test_the_poll_renders_in_the_lesson(poll, lesson, rf):
    learner = _learner(lesson.course)
    rendered = _render(lesson, learner, rf)
    html = next(b.html for b in rendered.blocks if b.block.pk == poll.pk)
    assert "Bạn tưới cà phê bằng cách nào?" in html and "Tưới phun" in html
    assert 'data-init="PollBlock"' in html


def test_votes_of_different_learners_add_up_and_complete_the_block(
    poll, lesson, csrf_client
):
    first, second = _learner(lesson.course), _learner(lesson.course)
    for user, choice in ((first, "P"), (second, "P")):
        response = _call(csrf_client(user), poll, "vote", {"choice": choice})
        assert response.status_code == 200 and response.json()["success"] is True
    assert _tally(poll) == {"G": 0, "P": 2}
    for user in (first, second):
        summary = BlockSummary.objects.get(block=poll, user=user)
        assert summary.completed_at is not None
    results = _call(csrf_client(first), poll, "get_results").json()
    assert results["total"] == 2


def test_a_resent_vote_counts_once(poll, lesson, csrf_client):
    learner = _learner(lesson.course)
    client = csrf_client(learner)
    submission = uuid.uuid4()
    _call(client, poll, "vote", {"choice": "G"}, submission_id=submission)
    again = _call(client, poll, "vote", {"choice": "G"}, submission_id=submission)
    assert again.status_code == 200
    assert _tally(poll) == {"G": 1, "P": 0}


def test_a_second_vote_is_refused_by_the_poll_itself(poll, lesson, csrf_client):
    learner = _learner(lesson.course)
    client = csrf_client(learner)
    _call(client, poll, "vote", {"choice": "G"})
    second = _call(client, poll, "vote", {"choice": "P"}).json()
    assert second["success"] is False and second["errors"]
    assert _tally(poll) == {"G": 1, "P": 0}


def test_someone_not_enrolled_cannot_vote(poll, csrf_client):
    outsider = factories.make_user(Role.LEARNER)
    response = _call(csrf_client(outsider), poll, "vote", {"choice": "G"})
    assert response.status_code == 403
    assert not BlockSharedState.objects.filter(block=poll, state__tally__G=1).exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_votes_are_not_lost(poll, lesson, csrf_client):
    """Each handler call locks the shared row, so two votes at the same moment
    both count (without the lock, one tally would overwrite the other)."""
    voters = [_learner(lesson.course) for _ in range(4)]
    clients = [csrf_client(v) for v in voters]
    barrier = threading.Barrier(len(clients))
    errors: list[BaseException] = []

    def vote(client):
        try:
            barrier.wait()
            response = _call(client, poll, "vote", {"choice": "G"})
            assert response.status_code == 200, response.content
        except BaseException as exc:  # reported below, in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _tally(poll) == {"G": 4, "P": 0}
