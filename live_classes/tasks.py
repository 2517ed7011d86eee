"""Background work of live classes: thin wrappers around services."""

from __future__ import annotations

from django.tasks import task

from live_classes import services


@task()
def attendance_progress_record(session_id: int) -> int:
    return services.attendance_progress_record(session_id=session_id)


@task()
def replay_compose(session_id: int) -> str:
    return services.replay_compose(session_id=session_id)
