import uuid

import pytest
from django.core.management import call_command
from django.test import override_settings

from content_authoring.models import Block
from courses import services, tasks
from courses.models import Enrollment
from tests.factories import enroll, make_course

pytestmark = pytest.mark.django_db(transaction=True)


def _half_done_course(learner):
    course = make_course(lessons=1)
    enrollment = enroll(learner, course)
    html = Block.objects.get(lesson__course=course, graded=False)
    services.block_result_record(
        user=learner, block_id=html.pk, submission_id=uuid.uuid4()
    )
    enrollment.refresh_from_db()
    assert enrollment.progress == 0.5
    # The trainer makes the question optional: progress must follow.
    Block.objects.filter(lesson__course=course, graded=True).update(required=False)
    return course, enrollment


def test_recompute_follows_a_change_of_required_blocks(learner):
    course, enrollment = _half_done_course(learner)
    assert services.course_progress_recompute(course_id=course.pk) == 1
    enrollment.refresh_from_db()
    assert enrollment.progress == 1 and enrollment.completed_at is not None


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_database_queue_and_db_worker_run_the_task(learner):
    course, enrollment = _half_done_course(learner)
    result = tasks.course_progress_recompute.enqueue(course.pk)
    assert Enrollment.objects.get(pk=enrollment.pk).progress == 0.5  # not run yet
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == 1
    assert Enrollment.objects.get(pk=enrollment.pk).progress == 1
