"""Issuing certificates: on completion, by hand, for a cohort; idempotence,
revocation, re-issue after a name correction; the PDF's text."""

from __future__ import annotations

import re
import threading
import unicodedata
import uuid

import pypdfium2
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from certificates import services
from certificates.models import Certificate, CertificateTemplate
from courses.services import block_result_record
from lms.models import Role
from tests.factories import enroll, make_cohort, make_course, make_user

pytestmark = pytest.mark.django_db

NAME = "H'Hơ̆n Ê̆ Ƀuôn Ya ƀ č ĕ ĭ ŏ ŭ ñ ê̆ ô̆ ơ̆ ư̆"


def _complete(user, course) -> None:
    for block in course.lessons.first().blocks.all():
        block_result_record(
            user=user, block_id=block.pk, submission_id=uuid.uuid4(), progress=1.0
        )


def _pdf_text(certificate: Certificate) -> str:
    document = pypdfium2.PdfDocument(certificate.pdf.path)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


@pytest.fixture
def learner():
    return make_user(full_name=unicodedata.normalize("NFD", NAME))


@pytest.fixture
def course():
    return make_course(
        with_question=False, title="Tiếng Êđê giao tiếp cho cán bộ", hours=24
    )


@pytest.fixture
def admin():
    return make_user(Role.ADMIN)


def test_completing_a_course_issues_one_certificate_with_pdf_and_credential(
    learner, course, django_capture_on_commit_callbacks
):
    enroll(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        _complete(learner, course)
    certificate = Certificate.objects.get(user=learner)
    assert re.fullmatch(r"DL-\d{4}-\d{6}", certificate.serial)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{16}", certificate.code)
    assert certificate.holder_name == unicodedata.normalize("NFC", NAME)
    assert certificate.hours == 24
    assert certificate.pdf and certificate.credential
    text = _pdf_text(certificate)
    assert re.sub(r"\s+", "", unicodedata.normalize("NFC", NAME)) in text
    assert certificate.serial in text
    assert certificate.code in text  # the verification address is printed


def test_issuing_again_returns_the_same_certificate(
    learner, course, admin, django_capture_on_commit_callbacks
):
    enroll(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        _complete(learner, course)
    first = Certificate.objects.get(user=learner)
    again = services.certificate_issue(user=learner, course=course)
    by_hand = services.certificate_issue(user=learner, course=course, actor=admin)
    assert again.certificate == first == by_hand.certificate
    assert not again.created and not by_hand.created
    assert Certificate.objects.filter(user=learner).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_issuances_make_one_certificate(learner, course, admin):
    enroll(learner, course)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def issue():
        try:
            barrier.wait(timeout=10)
            results.append(
                services.certificate_issue(user=learner, course=course, actor=admin)
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len({r.certificate.pk for r in results}) == 1
    assert Certificate.objects.filter(user=learner).count() == 1


def test_the_platform_issues_only_for_completed_courses_and_admins_by_hand(
    learner, course, admin
):
    enroll(learner, course)
    with pytest.raises(ValidationError):
        services.certificate_issue(user=learner, course=course)
    trainer = make_user(Role.TRAINER)
    with pytest.raises(PermissionDenied):
        services.certificate_issue(user=learner, course=course, actor=trainer)
    stranger = make_user()
    with pytest.raises(ValidationError):
        services.certificate_issue(user=stranger, course=course, actor=admin)
    issued = services.certificate_issue(user=learner, course=course, actor=admin)
    assert issued.created and issued.certificate.issued_by == admin


def test_serials_count_up_and_codes_are_random(course, admin):
    serials, codes = [], []
    for _ in range(5):
        learner = make_user()
        enroll(learner, course)
        c = services.certificate_issue(user=learner, course=course, actor=admin)
        serials.append(c.certificate.serial)
        codes.append(c.certificate.code)
    numbers = [int(s.rsplit("-", 1)[1]) for s in serials]
    assert numbers == list(range(numbers[0], numbers[0] + 5))
    assert len(set(codes)) == 5
    assert sorted(codes) != codes or sorted(codes, reverse=True) != codes


def test_revoking_needs_a_reason_and_an_administrator(learner, course, admin):
    enroll(learner, course)
    certificate = services.certificate_issue(
        user=learner, course=course, actor=admin
    ).certificate
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=admin, certificate=certificate, reason=" ")
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(actor=learner, certificate=certificate, reason="x")
    services.certificate_revoke(
        actor=admin, certificate=certificate, reason="Cấp nhầm người"
    )
    assert certificate.status == Certificate.Status.REVOKED
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=admin, certificate=certificate, reason="x")
    # A revoked certificate no longer blocks a new one for the same course.
    again = services.certificate_issue(user=learner, course=course, actor=admin)
    assert again.created and again.certificate.serial != certificate.serial


def test_reissue_after_a_name_correction_replaces_the_old_serial(
    learner, course, admin, django_capture_on_commit_callbacks
):
    enroll(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        old = services.certificate_issue(
            user=learner, course=course, actor=admin
        ).certificate
    learner.full_name = "H'Hơ̆n Niê"
    learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(actor=admin, certificate=old)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == Certificate.Status.REPLACED and old.replaced_by == new
    assert new.holder_name == unicodedata.normalize("NFC", "H'Hơ̆n Niê")
    assert new.serial != old.serial and new.status == Certificate.Status.VALID
    assert "H'Hơ̆nNiê" in _pdf_text(new)
    with pytest.raises(ValidationError):
        services.certificate_reissue(actor=admin, certificate=old)


def test_cohort_issuance_covers_those_who_completed(
    course, admin, django_capture_on_commit_callbacks
):
    done = [make_user(full_name="Y Siu Ayun"), make_user(full_name="H'Nhi Êban")]
    waiting = make_user(full_name="Ksor Blơ̆ng")
    cohort = make_cohort(*done, waiting)
    for person in (*done, waiting):
        enroll(person, course)
    for person in done:
        with django_capture_on_commit_callbacks(execute=False):
            _complete(person, course)  # the completion event is not delivered here
    with django_capture_on_commit_callbacks(execute=True):
        first = services.certificates_issue_for_cohort(
            actor=admin, course=course, cohort=cohort
        )
    assert (first.issued, first.existing, first.not_completed) == (2, 0, 1)
    # Rendered in one batch: each its own PDF, with its own holder's name.
    names = {c.pk: re.sub(r"\s+", "", c.holder_name) for c in Certificate.objects.all()}
    for certificate in Certificate.objects.filter(user__in=done):
        assert certificate.credential
        text = _pdf_text(certificate)
        assert names[certificate.pk] in text
        assert all(n not in text for pk, n in names.items() if pk != certificate.pk)
    second = services.certificates_issue_for_cohort(
        actor=admin, course=course, cohort=cohort
    )
    assert (second.issued, second.existing, second.not_completed) == (0, 2, 1)


def test_a_course_template_of_the_administrators_is_used(
    learner, course, admin, django_capture_on_commit_callbacks
):
    CertificateTemplate.objects.create(
        name="Mẫu tiếng Êđê",
        course=course,
        second_language="rad",
        issuer_name="Trường Chính trị tỉnh Đắk Lắk",
        html=(
            "<h1>Giấy chứng nhận</h1><p class='name'>{{ certificate.holder_name }}</p>"
            "<p>Mẫu riêng của khoá {{ certificate.title }}</p>"
            "<p>{{ certificate.serial }}</p>{{ qr_svg|safe }}"
        ),
        css=".name { font-family: 'Andika'; }",
    )
    enroll(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(
            user=learner, course=course, actor=admin
        ).certificate
    certificate.refresh_from_db()
    text = _pdf_text(certificate)
    assert "Mẫuriêngcủakhoá" in text
    assert re.sub(r"\s+", "", unicodedata.normalize("NFC", NAME)) in text


def test_the_printed_name_is_canonical_however_the_breve_was_typed(course, admin):
    learner = make_user(full_name="Y K" + "e\u0306\u0302" + "t")  # breve first
    enroll(learner, course)
    certificate = services.certificate_issue(
        user=learner, course=course, actor=admin
    ).certificate
    assert certificate.holder_name == "Y Kê̆t"
