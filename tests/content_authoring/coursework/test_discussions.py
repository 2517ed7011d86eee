"""Discussion prompts: posting, completion on the first post, peers' posts,
hiding by the course's trainers."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from content_authoring.coursework import services
from content_authoring.coursework.models import DiscussionPost
from content_authoring.services import lesson_mark_viewed
from courses.models import Attempt, BlockSummary
from tests import factories


def _post(user, block, body="Hai lần một tuần.", submission_id=None):
    return services.discussion_post_create(
        user=user,
        block_id=block.pk,
        submission_id=submission_id or uuid.uuid4(),
        body=body,
    )


def test_first_post_completes_the_block_later_posts_record_nothing(
    discussion, enrolled
):
    post, created = _post(enrolled, discussion, "  Tưới gốc  ")
    assert created and post.body == "Tưới gốc"
    summary = BlockSummary.objects.get(user=enrolled, block=discussion)
    assert summary.completed_at is not None
    _post(enrolled, discussion, "Thêm ý nữa")
    assert Attempt.objects.filter(block=discussion).count() == 1
    assert DiscussionPost.objects.filter(block=discussion).count() == 2


def test_post_text_is_stored_nfc(discussion, enrolled):
    import unicodedata

    post, _ = _post(enrolled, discussion, unicodedata.normalize("NFD", "Đắk Lắk"))
    assert post.body == unicodedata.normalize("NFC", "Đắk Lắk")


def test_same_submission_id_counts_once(discussion, enrolled):
    sent = uuid.uuid4()
    first, _ = _post(enrolled, discussion, "Một", sent)
    again, created = _post(enrolled, discussion, "Hai", sent)
    assert not created and again.pk == first.pk
    assert DiscussionPost.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001, 42])
def test_empty_too_long_or_non_text_post_is_refused(discussion, enrolled, body):
    with pytest.raises(ValidationError):
        _post(enrolled, discussion, body)
    assert not DiscussionPost.objects.exists()
    assert not Attempt.objects.exists()


def test_learner_not_enrolled_cannot_post(discussion, learner):
    with pytest.raises(PermissionDenied):
        _post(learner, discussion)


def test_mark_as_done_does_not_complete_a_discussion(discussion, enrolled):
    lesson_mark_viewed(
        user=enrolled, lesson_id=discussion.lesson_id, submission_id=uuid.uuid4()
    )
    assert not BlockSummary.objects.filter(
        user=enrolled, block=discussion, completed_at__isnull=False
    ).exists()


def test_learners_see_peers_posts_newest_first(discussion, enrolled, course, render):
    peer = factories.make_user(full_name="Y Bih")
    factories.enroll(peer, course)
    _post(peer, discussion, "Bài cũ")
    _post(enrolled, discussion, "Bài mới")
    html = render(discussion, enrolled)
    assert html.index("Bài mới") < html.index("Bài cũ")
    assert "Y Bih" in html


def test_block_shows_at_most_twenty_posts_and_links_to_the_rest(
    discussion, enrolled, render, client_for
):
    for i in range(23):
        _post(enrolled, discussion, f"Bài số {i:02d}")
    html = render(discussion, enrolled)
    assert "Bài số 22" in html and "Bài số 02" not in html
    assert f"/blocks/coursework/discussions/{discussion.pk}/" in html
    page2 = client_for(enrolled).get(
        f"/blocks/coursework/discussions/{discussion.pk}/?page=2"
    )
    assert page2.status_code == 200 and "Bài số 02" in page2.content.decode()


def test_trainer_hides_a_post_and_learners_no_longer_see_it(
    discussion, enrolled, trainer, course, render
):
    course.trainers.add(trainer)
    post, _ = _post(enrolled, discussion, "Quảng cáo phân bón")
    services.discussion_post_hide(actor=trainer, post_id=post.pk)
    assert "Quảng cáo phân bón" not in render(discussion, enrolled)
    assert "Quảng cáo phân bón" in render(discussion, trainer)  # marked hidden
    services.discussion_post_hide(actor=trainer, post_id=post.pk, hidden=False)
    assert "Quảng cáo phân bón" in render(discussion, enrolled)


def test_learners_and_other_trainers_cannot_hide(discussion, enrolled):
    post, _ = _post(enrolled, discussion)
    for actor in (enrolled, factories.make_user("trainer")):
        with pytest.raises(PermissionDenied):
            services.discussion_post_hide(actor=actor, post_id=post.pk)
    post.refresh_from_db()
    assert not post.hidden


def test_htmx_post_returns_the_block_with_the_new_post(
    discussion, enrolled, client_for
):
    response = client_for(enrolled).post(
        f"/blocks/coursework/discussions/{discussion.pk}/posts/",
        {"body": "Ba lần", "submission_id": str(uuid.uuid4())},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Ba lần" in response.content.decode()


def test_hide_over_http_refuses_a_learner(discussion, enrolled, client_for):
    post, _ = _post(enrolled, discussion)
    response = client_for(enrolled).post(
        f"/blocks/coursework/posts/{post.pk}/hide/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403


def test_all_posts_page_refuses_someone_not_in_the_course(
    discussion, learner, client_for
):
    response = client_for(learner).get(
        f"/blocks/coursework/discussions/{discussion.pk}/"
    )
    assert response.status_code == 403
