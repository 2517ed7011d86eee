"""Writes of certificates: issue (once per achievement), render, revoke, re-issue.

Issuing is idempotent: a person has at most one valid certificate per
achievement (a database constraint), and asking again returns it. The PDF and
the signed credential are made after the commit, in a background task.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateTemplate,
    IssueBatch,
    SerialCounter,
)
from courses.models import Course, Enrollment
from lms.models import Cohort, User
from lms.text import canonical

if TYPE_CHECKING:
    from ecommerce_training.models import Registration, Workshop

# Verification codes: 16 characters of an alphabet without look-alikes
# (80 bits): guessing one is hopeless, and they carry no order.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 16


def _nfc(text: str) -> str:
    """Stored form: NFC with the breve after the circumflex (lms.text)."""
    return canonical((text or "").strip())


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _next_serial(year: int) -> str:
    """The next serial of ``year`` (call inside a transaction)."""
    SerialCounter.objects.get_or_create(year=year)
    counter = SerialCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{settings.CERTIFICATE_SERIAL_PREFIX}-{year}-{counter.last:06d}"


def course_achievement(course: Course) -> str:
    return f"course:{course.pk}"


def _require_admin(actor: User) -> None:
    if not actor.is_province_admin:
        raise PermissionDenied(_("Only administrators issue and revoke certificates."))


def template_for(course: Course | None) -> CertificateTemplate | None:
    if course is not None:
        own = CertificateTemplate.objects.filter(course=course).first()
        if own is not None:
            return own
    return CertificateTemplate.objects.filter(course__isnull=True).first()


@dataclass
class Issued:
    certificate: Certificate
    created: bool


def _valid(*, user: User, achievement: str) -> Certificate | None:
    return Certificate.objects.filter(
        user=user, achievement=achievement, status=Certificate.Status.VALID
    ).first()


def _create_once(
    *, user: User, achievement: str, render: bool, **fields: Any
) -> Issued:
    """Create the valid certificate of (user, achievement) with a new serial
    and code, or return the one a racing issuance created: the partial unique
    constraint keeps one."""
    name = _nfc(user.display_name)
    if not name:
        raise ValidationError(_("The learner has no name to print."))
    now = timezone.now()
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                serial=_next_serial(timezone.localtime(now).year),
                code=_new_code(),
                user=user,
                achievement=achievement,
                holder_name=name,
                issued_at=now,
                **fields,
            )
            if render:
                _render_later(certificate.pk)
    except IntegrityError:
        # Two issuances raced (the completion event and an administrator, or
        # a task run twice): the constraint kept one; return it.
        return Issued(
            Certificate.objects.get(
                user=user, achievement=achievement, status=Certificate.Status.VALID
            ),
            created=False,
        )
    return Issued(certificate, created=True)


def certificate_issue(
    *, user: User, course: Course, actor: User | None = None, render: bool = True
) -> Issued:
    """Issue the certificate of ``course`` to ``user`` (once).

    ``actor`` None is the platform, on the completion event: the course must
    be completed. An administrator (``actor``) may issue by hand to anyone
    enrolled. Returns the existing valid certificate if there is one.
    """
    if actor is not None:
        _require_admin(actor)
    achievement = course_achievement(course)
    existing = _valid(user=user, achievement=achievement)
    if existing is not None:
        return Issued(existing, created=False)
    enrollment = Enrollment.objects.filter(
        user=user, course=course, status=Enrollment.Status.ACTIVE
    ).first()
    if enrollment is None:
        raise ValidationError(_("This person is not enrolled in the course."))
    if actor is None and enrollment.completed_at is None:
        raise ValidationError(_("The course is not completed yet."))
    return _create_once(
        user=user,
        achievement=achievement,
        render=render,
        course=course,
        title=_nfc(course.title),
        hours=course.hours,
        grade=enrollment.score,
        issued_by=actor,
        template=template_for(course),
    )


def workshop_achievement(workshop: Workshop) -> str:
    return f"workshop:{workshop.pk}"


def certificate_issue_for_workshop(
    *, registration: Registration, render: bool = True
) -> Issued:
    """The certificate of attendance of a workshop (once), for a registration
    that met the workshop's attendance rule. Returns the existing valid
    certificate if there is one."""
    workshop = registration.workshop
    user = registration.user
    achievement = workshop_achievement(workshop)
    existing = _valid(user=user, achievement=achievement)
    if existing is not None:
        return Issued(existing, created=False)
    if registration.completed_at is None:
        raise ValidationError(_("The workshop's attendance rule is not met yet."))
    return _create_once(
        user=user,
        achievement=achievement,
        render=render,
        course=workshop.course,
        title=_nfc(workshop.title),
        hours=workshop.hours,
        grade=None,
        issued_by=None,
        template=template_for(workshop.course),
    )


def _render_later(certificate_id: int) -> None:
    def enqueue() -> None:
        from certificates.tasks import certificate_render

        certificate_render.enqueue(certificate_id)

    transaction.on_commit(enqueue)


def certificate_revoke(*, actor: User, certificate: Certificate, reason: str) -> None:
    _require_admin(actor)
    reason = _nfc(reason)
    if not reason:
        raise ValidationError(_("Say why the certificate is revoked."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != Certificate.Status.VALID:
            raise ValidationError(_("Only a valid certificate can be revoked."))
        locked.status = Certificate.Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_reason"])
    certificate.refresh_from_db()


def certificate_reissue(*, actor: User, certificate: Certificate) -> Certificate:
    """A new certificate with the holder's current name (after a correction);
    the old one shows as replaced by it."""
    _require_admin(actor)
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status != Certificate.Status.VALID:
            raise ValidationError(_("Only a valid certificate can be re-issued."))
        old.status = Certificate.Status.REPLACED
        old.save(update_fields=["status"])
        now = timezone.now()
        new = Certificate.objects.create(
            serial=_next_serial(timezone.localtime(now).year),
            code=_new_code(),
            user=old.user,
            course=old.course,
            achievement=old.achievement,
            holder_name=_nfc(old.user.display_name),
            title=old.title,
            hours=old.hours,
            grade=old.grade,
            issued_at=now,
            issued_by=actor,
            template=old.template or template_for(old.course),
        )
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
        _render_later(new.pk)
    certificate.refresh_from_db()
    return new


@dataclass
class BulkResult:
    issued: int
    existing: int
    not_completed: int
    batch: IssueBatch | None = None


def certificates_issue_for_cohort(
    *, actor: User, course: Course, cohort: Cohort
) -> BulkResult:
    """Certificates for every member of ``cohort`` who completed ``course``;
    the new ones are rendered together in the background (``result.batch``
    follows the progress)."""
    _require_admin(actor)
    result = BulkResult(0, 0, 0)
    created: list[int] = []
    for enrollment in Enrollment.objects.filter(
        course=course,
        status=Enrollment.Status.ACTIVE,
        user__in=cohort.members.all(),
    ).select_related("user"):
        if enrollment.completed_at is None:
            result.not_completed += 1
            continue
        issued = certificate_issue(user=enrollment.user, course=course, render=False)
        if issued.created:
            result.issued += 1
            created.append(issued.certificate.pk)
        else:
            result.existing += 1
    batch = IssueBatch.objects.create(
        course=course,
        cohort=cohort,
        created_by=actor,
        certificate_ids=created,
        total=len(created),
        existing=result.existing,
        not_completed=result.not_completed,
    )
    result.batch = batch
    if created:
        transaction.on_commit(lambda: _render_batch_later(batch.pk))
    return result


def _render_batch_later(batch_id: int) -> None:
    from certificates.tasks import certificates_render_batch

    certificates_render_batch.enqueue(batch_id)


# Rendered in chunks: the PDFs of a chunk share their font subsets
# (pdf.render_pdfs), and the progress bar moves after each chunk.
BATCH_CHUNK = 25


def certificates_render_batch(*, batch_id: int) -> int:
    batch = IssueBatch.objects.get(pk=batch_id)
    ids = list(batch.certificate_ids)
    done = 0
    for start in range(0, len(ids), BATCH_CHUNK):
        done += certificates_render_many(
            certificate_ids=ids[start : start + BATCH_CHUNK]
        )
        IssueBatch.objects.filter(pk=batch_id).update(rendered=done)
    return done


# --- rendering ---------------------------------------------------------------------


def verify_url(certificate: Certificate) -> str:
    return f"{settings.SITE_URL}/certificates/verify/{certificate.code}/"


def qr_svg(url: str) -> str:
    import segno

    return segno.make_qr(url, error="m").svg_inline(scale=3, dark="#2b2118")


def certificate_html(certificate: Certificate) -> str:
    """The certificate as one HTML page (its template, or the default)."""
    template = certificate.template
    context = {
        "certificate": certificate,
        "template": template,
        "qr_svg": qr_svg(verify_url(certificate)),
        "verify_url": verify_url(certificate),
        "issuer_name": (template.issuer_name if template else "")
        or settings.CERTIFICATE_ISSUER_NAME,
        "second_language": template.second_language if template else "en",
        "grade_percent": None
        if certificate.grade is None
        else round(certificate.grade * 100),
    }
    with translation.override("vi"):
        if template is not None and template.html.strip():
            body = Template(template.html).render(Context(context))
            return render_to_string(
                "certificates/page.html",
                {**context, "body": body, "css": template.css},
            )
        return render_to_string("certificates/default_certificate.html", context)


SAMPLE_NAME = "H'Hơ̆n Ê̆ban Ƀuôn Ya · ƀ č ĕ ĭ ŏ ŭ ñ ê̆ ô̆ ơ̆ ư̆"


def sample_certificate(*, template: CertificateTemplate) -> Certificate:
    """An unsaved certificate for previewing ``template``."""
    course = template.course
    return Certificate(
        serial=f"{settings.CERTIFICATE_SERIAL_PREFIX}-{timezone.now().year}-000000",
        code="PREVIEW000000000",
        holder_name=canonical(SAMPLE_NAME),
        title=course.title if course else "Tiếng Êđê giao tiếp cho cán bộ",
        hours=course.hours if course else 24,
        grade=0.9,
        issued_at=timezone.now(),
        template=template,
    )


def certificates_render_many(*, certificate_ids: list[int]) -> int:
    """The PDFs and credentials of many certificates in one batch."""
    from certificates import credentials, pdf

    certificates = list(
        Certificate.objects.select_related("template", "course")
        .filter(pk__in=certificate_ids)
        .order_by("pk")
    )
    files = pdf.render_pdfs(htmls=[certificate_html(c) for c in certificates])
    for certificate, data in zip(certificates, files, strict=True):
        _store(
            certificate,
            data,
            credentials.credential_sign(
                credential=credentials.credential_build(certificate=certificate)
            ),
        )
    return len(certificates)


def _store(certificate: Certificate, data: bytes, token: str) -> None:
    if certificate.pdf:
        certificate.pdf.delete(save=False)
    certificate.pdf.save(
        f"{certificate.serial}-{secrets.token_hex(8)}.pdf",
        ContentFile(data),
        save=False,
    )
    certificate.credential = token
    certificate.save(update_fields=["pdf", "credential"])


def certificate_render(*, certificate_id: int) -> Certificate:
    """Make the PDF and the signed credential of a certificate."""
    from certificates import credentials, pdf

    certificate = Certificate.objects.select_related("template", "course").get(
        pk=certificate_id
    )
    data = pdf.render_pdf(html=certificate_html(certificate), base_url=None)
    token = credentials.credential_sign(
        credential=credentials.credential_build(certificate=certificate)
    )
    _store(certificate, data, token)
    return certificate
