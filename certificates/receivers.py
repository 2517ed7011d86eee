"""Certificates listen for completion; they never poll for it."""

from __future__ import annotations

from django.dispatch import receiver

from courses.signals import course_completed


@receiver(course_completed, dispatch_uid="certificates.issue_on_completion")
def issue_on_completion(sender, *, user_id: int, course_id: int, **kwargs) -> None:
    from certificates.tasks import certificate_issue_on_completion

    certificate_issue_on_completion.enqueue(user_id, course_id)
