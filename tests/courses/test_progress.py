import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from content_authoring.models import Block
from courses import services
from courses.exceptions import NotEnrolled
from courses.models import Attempt, BlockSummary, Enrollment
from courses.signals import course_completed
from tests.factories import enroll, make_course, make_user

pytestmark = pytest.mark.django_db


def _blocks(course):
    html, mcq = Block.objects.filter(lesson__course=course).order_by("position")
    return html, mcq


@pytest.fixture
def completions():
    received = []

    def receiver(sender, **kwargs):
        kwargs.pop("signal")
        received.append(kwargs)

    course_completed.connect(receiver)
    yield received
    course_completed.disconnect(receiver)


def test_replayed_submission_changes_nothing(learner):
    course = make_course()
    enroll(learner, course)
    _html, mcq = _blocks(course)
    sid = uuid.uuid4()
    first = services.block_result_record(
        user=learner, block_id=mcq.pk, submission_id=sid, score=0, max_score=1
    )
    again = services.block_result_record(
        user=learner, block_id=mcq.pk, submission_id=str(sid), score=1, max_score=1
    )
    assert first.created and not again.created
    assert Attempt.objects.filter(user=learner).count() == 1
    summary = BlockSummary.objects.get(user=learner, block=mcq)
    assert summary.attempts == 1 and summary.score == 0


def test_best_score_is_kept_across_attempts(learner):
    course = make_course()
    enroll(learner, course)
    _html, mcq = _blocks(course)
    for score in (1, 0):
        services.block_result_record(
            user=learner,
            block_id=mcq.pk,
            submission_id=uuid.uuid4(),
            score=score,
            max_score=1,
        )
    summary = BlockSummary.objects.get(user=learner, block=mcq)
    assert (summary.score, summary.attempts) == (1, 2)


def test_submission_id_reused_for_another_block_is_refused(learner):
    course = make_course()
    enroll(learner, course)
    html, mcq = _blocks(course)
    sid = uuid.uuid4()
    services.block_result_record(user=learner, block_id=html.pk, submission_id=sid)
    with pytest.raises(ValidationError):
        services.block_result_record(
            user=learner, block_id=mcq.pk, submission_id=sid, score=1, max_score=1
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"submission_id": "not-a-uuid"},
        {"progress": 1.5},
        {"score": 2, "max_score": 1},
        {"score": 1},
    ],
)
def test_malformed_result_is_refused_and_nothing_recorded(learner, kwargs):
    course = make_course()
    enroll(learner, course)
    _html, mcq = _blocks(course)
    args = {"user": learner, "block_id": mcq.pk, "submission_id": uuid.uuid4()} | kwargs
    with pytest.raises(ValidationError):
        services.block_result_record(**args)
    assert not Attempt.objects.exists()


def test_not_enrolled_learner_cannot_record(learner):
    course = make_course()
    _html, mcq = _blocks(course)
    with pytest.raises(NotEnrolled):
        services.block_result_record(
            user=learner, block_id=mcq.pk, submission_id=uuid.uuid4()
        )
    assert not Attempt.objects.exists()


def test_pending_learner_cannot_record(learner):
    course = make_course()
    Enrollment.objects.create(
        user=learner, course=course, status="pending", source="self"
    )
    _html, mcq = _blocks(course)
    with pytest.raises(PermissionDenied):
        services.block_result_record(
            user=learner, block_id=mcq.pk, submission_id=uuid.uuid4()
        )


def test_draft_lesson_does_not_record(learner):
    course = make_course()
    enroll(learner, course)
    html, _mcq = _blocks(course)
    html.lesson.status = "draft"
    html.lesson.save()
    with pytest.raises(PermissionDenied):
        services.block_result_record(
            user=learner, block_id=html.pk, submission_id=uuid.uuid4()
        )


def test_course_completes_once_and_emits_one_event_after_commit(
    learner, completions, django_capture_on_commit_callbacks
):
    course = make_course(lessons=2, pass_mark=0.5)
    enrollment = enroll(learner, course)
    blocks = list(Block.objects.filter(lesson__course=course))
    with django_capture_on_commit_callbacks(execute=True):
        for block in blocks:
            graded = {"score": 1, "max_score": 1} if block.graded else {}
            services.block_result_record(
                user=learner, block_id=block.pk, submission_id=uuid.uuid4(), **graded
            )
        # More attempts after completion emit nothing more.
        services.block_result_record(
            user=learner,
            block_id=blocks[-1].pk,
            submission_id=uuid.uuid4(),
            score=1,
            max_score=1,
        )
    enrollment.refresh_from_db()
    assert enrollment.progress == 1 and enrollment.completed_at is not None
    assert completions == [
        {"enrollment_id": enrollment.pk, "user_id": learner.pk, "course_id": course.pk}
    ]


def test_score_below_pass_mark_does_not_complete(
    learner, completions, django_capture_on_commit_callbacks
):
    course = make_course(lessons=1, pass_mark=0.8)
    enrollment = enroll(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        for block in Block.objects.filter(lesson__course=course):
            graded = {"score": 0, "max_score": 1} if block.graded else {}
            services.block_result_record(
                user=learner, block_id=block.pk, submission_id=uuid.uuid4(), **graded
            )
    enrollment.refresh_from_db()
    assert enrollment.progress == 1 and enrollment.score == 0
    assert enrollment.completed_at is None and completions == []


def test_progress_counts_required_blocks_only(learner):
    course = make_course(lessons=2)
    enrollment = enroll(learner, course)
    optional = Block.objects.filter(lesson__course=course, graded=False).first()
    optional.required = False
    optional.save()
    done = Block.objects.filter(
        lesson__course=course, graded=False, required=True
    ).first()
    services.block_result_record(
        user=learner, block_id=done.pk, submission_id=uuid.uuid4()
    )
    enrollment.refresh_from_db()
    assert enrollment.progress == pytest.approx(1 / 3)


def test_one_learners_results_do_not_move_anothers_progress(learner):
    other = make_user()
    course = make_course()
    enroll(learner, course)
    theirs = enroll(other, course)
    html, _mcq = _blocks(course)
    services.block_result_record(
        user=learner, block_id=html.pk, submission_id=uuid.uuid4()
    )
    theirs.refresh_from_db()
    assert theirs.progress == 0


def test_lesson_and_module_progress_derive_from_block_summaries(learner):
    from courses.selectors import course_outline

    course = make_course(lessons=2)
    enroll(learner, course)
    first_lesson_html = (
        Block.objects.filter(lesson__course=course, graded=False)
        .order_by("lesson__position")
        .first()
    )
    services.block_result_record(
        user=learner, block_id=first_lesson_html.pk, submission_id=uuid.uuid4()
    )
    (module,) = course_outline(user=learner, course=course)
    assert [entry.percent for entry in module.lessons] == [50, 0]
    assert module.percent == 25


def test_course_taken_back_to_draft_does_not_record(learner):
    course = make_course()
    enroll(learner, course)
    course.status = "draft"
    course.save()
    html, _mcq = _blocks(course)
    with pytest.raises(PermissionDenied):
        services.block_result_record(
            user=learner, block_id=html.pk, submission_id=uuid.uuid4()
        )
    assert not Attempt.objects.exists()
