"""A workshop's certificate says the person attended the workshop, in the PDF
and in the signed credential; a course's certificate still says completed."""

from __future__ import annotations

import json
import re
import unicodedata

import pypdfium2
import pytest
from django.utils import timezone

from certificates import credentials, services
from certificates.models import Certificate
from ecommerce_training import services_workshops as workshops
from ecommerce_training.models import Workshop
from lms.models import Role
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.CERTIFICATE_KEY_FILE = tmp_path / "keys" / "signing-key.pem"
    settings.SITE_URL = "https://lms.example.vn"


def _pdf_text(certificate: Certificate) -> str:
    document = pypdfium2.PdfDocument(certificate.pdf.path)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def _workshop_certificate(*, course=None) -> Certificate:
    organiser = make_user(Role.ORGANISER)
    workshop = workshops.workshop_create(
        actor=organiser,
        title="Chụp ảnh sản phẩm bằng điện thoại",
        seats=5,
        hours=6,
        course=course,
    )
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.OPEN)
    workshop.refresh_from_db()
    learner = make_user(full_name="H'Hơ̆n Niê")
    registration = workshops.registration_create(
        actor=learner, workshop=workshop
    ).registration
    registration.completed_at = timezone.now()
    registration.save(update_fields=["completed_at"])
    issued = services.certificate_issue_for_workshop(
        registration=registration, render=False
    )
    return services.certificate_render(certificate_id=issued.certificate.pk)


def _course_certificate() -> Certificate:
    user = make_user(full_name="Nguyễn Thị Hoa")
    course = make_course(title="Trồng cà phê bền vững", hours=24)
    certificate = Certificate.objects.create(
        serial="DL-2026-000777",
        code="COURSECODE000001",
        user=user,
        course=course,
        achievement=services.course_achievement(course),
        holder_name="Nguyễn Thị Hoa",
        title=course.title,
        hours=24,
        grade=0.9,
        issued_at=timezone.now(),
    )
    return services.certificate_render(certificate_id=certificate.pk)


def test_the_workshop_certificate_pdf_says_attended_the_workshop():
    certificate = _workshop_certificate()
    text = _pdf_text(certificate)
    assert "đã tham dự hội thảo" in text
    assert "has attended the workshop" in text
    assert "Certificate of attendance" in text
    assert "hoàn thành khoá học" not in text
    assert "has completed the course" not in text
    assert "Chụp ảnh sản phẩm bằng điện thoại" in text
    assert "H'Hơ̆n Niê" in text


def test_a_workshop_with_a_course_still_prints_attendance():
    course = make_course(title="Bán hàng trực tuyến")
    text = _pdf_text(_workshop_certificate(course=course))
    assert "đã tham dự hội thảo" in text
    assert "hoàn thành khoá học" not in text


def test_the_course_certificate_pdf_is_unchanged():
    text = _pdf_text(_course_certificate())
    assert "đã hoàn thành khoá học" in text
    assert "has completed the course" in text
    assert "Certificate of completion" in text
    assert "tham dự hội thảo" not in text


def test_the_workshop_credential_describes_attendance_and_verifies():
    certificate = _workshop_certificate()
    credential = credentials.credential_verify(token=certificate.credential)
    achievement = credential["credentialSubject"]["achievement"]
    title = "Chụp ảnh sản phẩm bằng điện thoại"
    assert achievement["description"] == (
        f"Tham dự hội thảo «{title}», thời lượng 6 giờ."
    )
    assert "tham dự hội thảo" in achievement["criteria"]["narrative"]
    assert "khoá học" not in achievement["criteria"]["narrative"]
    assert credential["description"] == (
        f"Chứng nhận H'Hơ̆n Niê đã tham dự hội thảo «{title}»."
    )
    assert "resultDescription" not in achievement


def test_the_course_credential_still_describes_completion():
    certificate = _course_certificate()
    credential = credentials.credential_build(certificate=certificate)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["description"] == (
        "Hoàn thành khoá học «Trồng cà phê bền vững», thời lượng 24 giờ, điểm đạt 90%."
    )
    assert credential["description"] == (
        "Chứng nhận Nguyễn Thị Hoa đã hoàn thành khoá học «Trồng cà phê bền vững»."
    )
    assert "hội thảo" not in json.dumps(credential, ensure_ascii=False)
