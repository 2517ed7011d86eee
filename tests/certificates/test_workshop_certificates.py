"""Certificates of attendance of workshops: issued once per workshop and
person, for a registration that met the attendance rule."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from certificates import services
from certificates.models import Certificate, CertificateTemplate
from ecommerce_training import services_workshops as workshops
from ecommerce_training.models import Registration, Workshop
from lms.models import Role
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db


def _registration(*, course=None, completed: bool = True, **details) -> Registration:
    organiser = make_user(Role.ORGANISER)
    workshop = workshops.workshop_create(
        actor=organiser,
        title=details.pop("title", "Chụp ảnh sản phẩm bằng điện thoại"),
        seats=5,
        hours=details.pop("hours", 6),
        course=course,
    )
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.OPEN)
    workshop.refresh_from_db()
    learner = make_user(full_name=details.pop("full_name", "H'Hơ̆n Niê"))
    registration = workshops.registration_create(
        actor=learner, workshop=workshop
    ).registration
    if completed:
        registration.completed_at = timezone.now()
        registration.save(update_fields=["completed_at"])
    return registration


def test_a_completed_registration_gets_its_certificate_of_attendance():
    course = make_course(title="Bán hàng trực tuyến")
    own = CertificateTemplate.objects.create(
        name="Mẫu riêng", course=course, html="<p>{{ certificate.title }}</p>"
    )
    registration = _registration(course=course, hours=8)
    issued = services.certificate_issue_for_workshop(
        registration=registration, render=False
    )
    certificate = issued.certificate
    assert issued.created
    assert certificate.achievement == f"workshop:{registration.workshop_id}"
    assert certificate.achievement == services.workshop_achievement(
        registration.workshop
    )
    assert certificate.user == registration.user
    assert certificate.course == course
    assert certificate.title == "Chụp ảnh sản phẩm bằng điện thoại"
    assert certificate.holder_name == "H'Hơ̆n Niê"
    assert certificate.hours == 8 and certificate.grade is None
    assert certificate.template == own
    assert certificate.issued_by is None


def test_issuing_again_returns_the_same_certificate():
    registration = _registration()
    first = services.certificate_issue_for_workshop(
        registration=registration, render=False
    )
    again = services.certificate_issue_for_workshop(
        registration=registration, render=False
    )
    assert not again.created and again.certificate.pk == first.certificate.pk
    assert Certificate.objects.count() == 1


def test_a_workshop_certificate_is_apart_from_the_courses():
    course = make_course()
    registration = _registration(course=course)
    services.certificate_issue_for_workshop(registration=registration, render=False)
    other = _registration(course=course)
    services.certificate_issue_for_workshop(registration=other, render=False)
    assert Certificate.objects.filter(user=registration.user).count() == 1
    assert Certificate.objects.count() == 2


def test_no_certificate_before_the_attendance_rule_is_met():
    registration = _registration(completed=False)
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="attendance rule"),
    ):
        services.certificate_issue_for_workshop(registration=registration)
    assert not Certificate.objects.exists()


def test_a_workshop_without_a_course_renders_with_the_default_template(
    django_capture_on_commit_callbacks,
):
    registration = _registration(course=None)
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.certificate_issue_for_workshop(registration=registration)
    certificate = Certificate.objects.get(pk=issued.certificate.pk)
    assert certificate.course is None
    assert certificate.pdf and certificate.credential


@pytest.mark.django_db(transaction=True)
def test_two_issuances_at_once_leave_one_certificate():
    registration = _registration()
    barrier = threading.Barrier(2)
    results: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(
                services.certificate_issue_for_workshop(
                    registration=registration, render=False
                )
            )
        except Exception as exc:  # collected, asserted below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Certificate.objects.count() == 1
