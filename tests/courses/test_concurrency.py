"""Two copies of one submission arriving at once (a phone resending while the
first is still in flight) count once, on SQLite and on PostgreSQL."""

import threading
import uuid

import pytest
from django.db import connection

from content_authoring.models import Block
from courses import services
from courses.models import Attempt, BlockSummary, Enrollment
from tests.factories import enroll, make_course

pytestmark = pytest.mark.django_db(transaction=True)


def _race(target, n: int = 2) -> list:
    barrier = threading.Barrier(n)
    results: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # collected, asserted by the caller
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_same_submission_sent_twice_at_once_counts_once(learner):
    course = make_course(lessons=1)
    enroll(learner, course)
    mcq = Block.objects.get(lesson__course=course, graded=True)
    sid = uuid.uuid4()

    results = _race(
        lambda: services.block_result_record(
            user=learner, block_id=mcq.pk, submission_id=sid, score=1, max_score=1
        )
    )

    recorded = [r for r in results if not isinstance(r, Exception)]
    assert recorded, results
    assert Attempt.objects.filter(user=learner).count() == 1
    assert BlockSummary.objects.get(user=learner, block=mcq).attempts == 1


def test_two_enrollment_requests_at_once_leave_one_enrollment(learner):
    course = make_course()
    results = _race(lambda: services.enrollment_request(user=learner, course=course))
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1, results
    assert sum(1 for r in results if isinstance(r, Enrollment)) >= 1
