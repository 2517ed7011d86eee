"""Background work of ecommerce_training: thin wrappers around services,
taking ids."""

from __future__ import annotations

from django.tasks import task


@task()
def workshop_certificate_issue(registration_id: int) -> str:
    """The certificate of attendance of a registration that met the rule."""
    from certificates.services import certificate_issue_for_workshop
    from ecommerce_training.models import Registration

    registration = Registration.objects.select_related("workshop", "user").get(
        pk=registration_id
    )
    return certificate_issue_for_workshop(registration=registration).certificate.serial
