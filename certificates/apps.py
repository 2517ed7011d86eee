"""Certificates: templates, issuance (on the completion event, by hand, for a
cohort), PDF rendering, the public verification page and API, revocation and
re-issue, and signed Open Badges 3.0 credentials.

It learns of completions from ``courses.signals.course_completed`` and never
writes another app's rows.
"""

from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from certificates import checks, receivers  # noqa: F401 - registers them
