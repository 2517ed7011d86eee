"""Background tasks: thin wrappers around services, taking ids."""

from django.tasks import task

from courses import services


@task
def course_progress_recompute(course_id: int) -> int:
    return services.course_progress_recompute(course_id=course_id)
