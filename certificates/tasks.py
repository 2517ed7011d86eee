"""Background work of certificates: thin wrappers around services, taking ids."""

from __future__ import annotations

from django.tasks import task

from certificates import services
from courses.models import Course
from lms.models import User


@task()
def certificate_issue_on_completion(user_id: int, course_id: int) -> str:
    issued = services.certificate_issue(
        user=User.objects.get(pk=user_id), course=Course.objects.get(pk=course_id)
    )
    return issued.certificate.serial


@task()
def certificate_render(certificate_id: int) -> str:
    return services.certificate_render(certificate_id=certificate_id).serial


@task()
def certificates_render_batch(batch_id: int) -> int:
    return services.certificates_render_batch(batch_id=batch_id)
