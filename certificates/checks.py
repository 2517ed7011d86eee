"""Deployment checks: certificates need the platform's own key and address."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def signing_key_and_site_url(app_configs, **kwargs) -> list[Error]:
    errors = []
    if not settings.CERTIFICATE_SIGNING_KEY:
        errors.append(
            Error(
                "CERTIFICATE_SIGNING_KEY is not set: each server would make its "
                "own key file and sign credentials nobody can check against one "
                "published key.",
                hint="python manage.py certificate_key --new prints one.",
                id="certificates.E001",
            )
        )
    if settings.SITE_URL.startswith("http://127.0.0.1"):
        errors.append(
            Error(
                "SITE_URL is the local demo's address: QR codes on certificates "
                "would point nowhere.",
                hint="Set SITE_URL to the platform's public https address.",
                id="certificates.E002",
            )
        )
    return errors
