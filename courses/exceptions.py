"""Refusals a service can give; views turn them into clear messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class EnrollmentRefused(Exception):
    """The learner may not enroll; ``message`` says why, for people."""

    code = "refused"
    default_message = _("You cannot enroll in this course.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class AlreadyEnrolled(EnrollmentRefused):
    code = "already_enrolled"
    default_message = _("You are already enrolled in this course.")


class AlreadyRequested(EnrollmentRefused):
    code = "already_requested"
    default_message = _("Your request is waiting for a trainer's approval.")


class WrongRole(EnrollmentRefused):
    code = "wrong_role"
    default_message = _("Only learners enroll in courses.")


class CourseClosed(EnrollmentRefused):
    code = "course_closed"
    default_message = _("This course is not open yet.")


class CohortOnly(EnrollmentRefused):
    code = "cohort_only"
    default_message = _(
        "This course enrolls whole cohorts; ask your trainer or administrator."
    )


class PrerequisiteMissing(EnrollmentRefused):
    code = "prerequisite_missing"

    def __init__(self, missing_titles: list[str]) -> None:
        self.missing_titles = missing_titles
        super().__init__(
            str(_("Complete these courses first: %(titles)s"))
            % {"titles": ", ".join(missing_titles)}
        )


class NotEnrolled(PermissionDenied):
    """The user has no active enrollment in the course."""


__all__ = [
    "AlreadyEnrolled",
    "AlreadyRequested",
    "CohortOnly",
    "CourseClosed",
    "EnrollmentRefused",
    "NotEnrolled",
    "PermissionDenied",
    "PrerequisiteMissing",
    "WrongRole",
]
