"""Whatever order results arrive in, and however often a phone resends them,
the summaries say what the distinct submissions say."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_authoring.models import Block
from courses import services
from courses.models import Attempt, BlockSummary, Enrollment
from tests.factories import enroll, make_course, make_user

# (block index 0..3, submission number 0..5, score 0 or 1); a repeated
# submission number is a resend of the same submission.
events = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 5), st.integers(0, 1)),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(events=events)
def test_summaries_follow_the_distinct_submissions(events):
    learner = make_user()
    course = make_course(lessons=2, pass_mark=1.0)
    enrollment = enroll(learner, course)
    blocks = list(Block.objects.filter(lesson__course=course).order_by("id"))
    sent: dict[int, tuple[int, int]] = {}  # submission -> (block, score)
    ids = {n: uuid.uuid4() for n in range(6)}
    for block_index, number, score in events:
        block = blocks[block_index]
        if number in sent and sent[number][0] != block_index:
            continue  # one submission id belongs to one block
        graded = {"score": score, "max_score": 1} if block.graded else {}
        services.block_result_record(
            user=learner, block_id=block.pk, submission_id=ids[number], **graded
        )
        sent.setdefault(number, (block_index, score))

    assert Attempt.objects.filter(user=learner).count() == len(sent)
    done = {b for b, _s in sent.values()}
    for index, block in enumerate(blocks):
        mine = [s for b, s in sent.values() if b == index]
        summary = BlockSummary.objects.filter(user=learner, block=block).first()
        if not mine:
            assert summary is None
            continue
        assert summary.attempts == len(mine)
        if block.graded:
            assert summary.score == max(mine)
    enrollment.refresh_from_db()
    assert enrollment.progress == pytest.approx(len(done) / len(blocks))
    graded_best = [
        max((s for b, s in sent.values() if b == i), default=0)
        for i, block in enumerate(blocks)
        if block.graded
    ]
    complete = len(done) == len(blocks) and all(graded_best)
    assert (enrollment.completed_at is not None) == complete
    assert Enrollment.objects.filter(user=learner).count() == 1
