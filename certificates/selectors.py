"""Reads of certificates."""

from __future__ import annotations

from django.db.models import QuerySet

from certificates.models import Certificate


def certificate_by_code(*, code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("course", "replaced_by")
        .filter(code=code.upper())
        .first()
    )


def certificates_of(*, user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).select_related("course")


def public_record(certificate: Certificate) -> dict:
    """What anyone holding the code may know: nothing more private."""
    record = {
        "serial": certificate.serial,
        "status": certificate.status,
        "holder": certificate.holder_name,
        "course": certificate.title,
        "hours": certificate.hours,
        "issued_on": certificate.issued_at.date().isoformat(),
    }
    if certificate.status == Certificate.Status.REVOKED:
        record["revoked_on"] = (
            certificate.revoked_at.date().isoformat()
            if certificate.revoked_at
            else None
        )
    if certificate.replaced_by is not None:
        record["replaced_by"] = certificate.replaced_by.serial
    return record
