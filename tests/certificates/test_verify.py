"""The public verification page and API, downloads, and the admin page."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.test import override_settings

from certificates import services
from certificates.models import Certificate
from lms.models import Role
from tests.factories import PASSWORD, enroll, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(django_capture_on_commit_callbacks):
    admin = make_user(Role.ADMIN)
    learner = make_user(
        full_name="Y Siu Êban", email="ysiu@example.org", phone="0912345678"
    )
    course = make_course(with_question=False, title="Nghề dệt thổ cẩm")
    enroll(learner, course)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(
            user=learner, course=course, actor=admin
        ).certificate
    certificate.refresh_from_db()
    return admin, learner, certificate


def test_anyone_sees_the_holder_course_date_and_status_and_nothing_more(client, issued):
    admin, learner, certificate = issued
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "Y Siu Êban" in html and "Nghề dệt thổ cẩm" in html
    assert certificate.serial in html and "Valid" in html
    for private in ("ysiu@example.org", "0912345678", learner.username):
        assert private not in html
    data = client.get(f"/certificates/verify/{certificate.code}.json").json()
    assert data == {
        "serial": certificate.serial,
        "status": "valid",
        "holder": "Y Siu Êban",
        "course": "Nghề dệt thổ cẩm",
        "hours": certificate.hours,
        "issued_on": certificate.issued_at.date().isoformat(),
    }


def test_codes_are_case_insensitive_and_unknown_codes_are_not_found(client, issued):
    _admin, _learner, certificate = issued
    assert (
        client.get(f"/certificates/verify/{certificate.code.lower()}/").status_code
        == 200
    )
    assert client.get("/certificates/verify/AAAAAAAAAAAAAAAA/").status_code == 404
    assert client.get("/certificates/verify/AAAAAAAAAAAAAAAA.json").status_code == 404
    # The serial is not a way in: it is printed, sequential, guessable.
    assert client.get(f"/certificates/verify/{certificate.serial}/").status_code == 404


def test_revoked_and_replaced_certificates_say_so(client, issued):
    admin, learner, certificate = issued
    services.certificate_revoke(
        actor=admin, certificate=certificate, reason="Lý do nội bộ"
    )
    data = client.get(f"/certificates/verify/{certificate.code}.json").json()
    assert data["status"] == "revoked" and "Lý do nội bộ" not in str(data)
    other = services.certificate_issue(
        user=learner, course=certificate.course, actor=admin
    ).certificate
    new = services.certificate_reissue(actor=admin, certificate=other)
    data = client.get(f"/certificates/verify/{other.code}.json").json()
    assert data["status"] == "replaced" and data["replaced_by"] == new.serial
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/certificates/verify/{other.code}/").content.decode()
    assert "replaced" in html and new.serial in html


@override_settings(CERTIFICATE_VERIFY_RATE=3)
def test_lookups_are_rate_limited_per_address(client, issued):
    import random

    # Addresses of this run only: the cache may be a Redis shared with others.
    first, second = (
        f"10.{random.randrange(256)}.{n}.{random.randrange(256)}" for n in (1, 2)
    )
    _admin, _learner, certificate = issued
    codes = [
        client.get(
            f"/certificates/verify/{certificate.code}.json", REMOTE_ADDR=first
        ).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    other = client.get(
        f"/certificates/verify/{certificate.code}.json", REMOTE_ADDR=second
    )
    assert other.status_code == 200


def test_the_holder_and_administrators_download_others_do_not(client, issued):
    from certificates import credentials

    admin, learner, certificate = issued
    client.login(username=learner.username, password=PASSWORD)
    response = client.get(f"/certificates/{certificate.serial}.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    token = client.get(f"/certificates/{certificate.serial}.jwt").content.decode()
    payload = credentials.credential_verify(token=token)
    assert "Y Siu Êban" in str(payload)
    assert "Nghề dệt thổ cẩm" in client.get("/certificates/").content.decode()
    client.login(username=make_user().username, password=PASSWORD)
    assert client.get(f"/certificates/{certificate.serial}.pdf").status_code == 403
    client.login(username=admin.username, password=PASSWORD)
    assert client.get(f"/certificates/{certificate.serial}.pdf").status_code == 200


def test_the_issuer_profile_publishes_the_public_key(client):
    profile = client.get("/certificates/issuer.json").json()
    assert "Ed25519" in str(profile)


def test_administrators_revoke_and_reissue_from_their_page_others_are_refused(
    client, issued
):
    admin, learner, certificate = issued
    client.login(username=learner.username, password=PASSWORD)
    assert client.get("/certificates/manage/").status_code == 403
    assert (
        client.post(
            f"/certificates/manage/{certificate.serial}/revoke/", {"reason": "x"}
        ).status_code
        == 403
    )
    client.login(username=admin.username, password=PASSWORD)
    assert certificate.serial in client.get("/certificates/manage/").content.decode()
    client.post(
        f"/certificates/manage/{certificate.serial}/revoke/", {"reason": "Sai tên"}
    )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_administrators_preview_a_template_as_a_pdf(client):
    import pypdfium2

    from certificates.models import CertificateTemplate

    template = CertificateTemplate.objects.create(
        name="Mặc định",
        issuer_name="Ban Dân tộc tỉnh Đắk Lắk",
        html="<h1>Giấy chứng nhận</h1><p>{{ certificate.holder_name }}</p>",
    )
    client.login(username=make_user().username, password=PASSWORD)
    url = f"/certificates/templates/{template.pk}/preview.pdf"
    assert client.get(url).status_code == 403
    client.login(username=make_user(Role.ADMIN).username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.content)
    text = document[0].get_textpage().get_text_range()
    assert "Giấy chứng nhận" in text and "ƀ" in text


def test_cohort_issuance_page_shows_progress_until_every_pdf_is_ready(
    client, django_capture_on_commit_callbacks
):
    from courses.services import block_result_record
    from tests.factories import make_cohort

    admin = make_user(Role.ADMIN, preferred_language="en")
    course = make_course(with_question=False, title="Sửa xe máy")
    people = [make_user(full_name=f"Học viên {n}") for n in range(3)]
    cohort = make_cohort(*people)
    for person in people:
        enroll(person, course)
    for person in people[:2]:
        with django_capture_on_commit_callbacks(execute=False):
            for block in course.lessons.first().blocks.all():
                block_result_record(
                    user=person,
                    block_id=block.pk,
                    submission_id=uuid.uuid4(),
                    progress=1.0,
                )
    client.login(username=admin.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/certificates/manage/cohort/", {"course": course.pk, "cohort": cohort.pk}
        )
    assert response.status_code == 302
    batch_url = response["Location"]
    waiting = client.get(batch_url, HTTP_HX_REQUEST="true").content.decode()
    assert "0 of 2 certificates ready" in waiting and 'hx-trigger="every 2s"' in waiting
    assert "1 have not completed the course" in waiting
    for callback in callbacks:
        callback()  # the commit: the batch renders (tasks run inline in tests)
    done = client.get(batch_url, HTTP_HX_REQUEST="true").content.decode()
    assert "2 of 2 certificates ready" in done and "hx-trigger" not in done
    assert done.count(".pdf") == 2


def test_an_administrator_issues_by_hand_once(client):
    admin = make_user(Role.ADMIN, preferred_language="en")
    learner = make_user(phone="0987654321")
    course = make_course(with_question=False)
    enroll(learner, course)
    client.login(username=admin.username, password=PASSWORD)
    form = {"person": "0987654321", "course": course.pk}
    first = client.post("/certificates/manage/one/", form, follow=True)
    assert "issued" in first.content.decode()
    again = client.post("/certificates/manage/one/", form, follow=True)
    assert "already holds" in again.content.decode()
    assert Certificate.objects.filter(user=learner).count() == 1
    missing = client.post(
        "/certificates/manage/one/",
        {"person": "nobody", "course": course.pk},
        follow=True,
    )
    assert "Nobody has this username" in missing.content.decode()
    client.login(username=learner.username, password=PASSWORD)
    assert client.post("/certificates/manage/one/", form).status_code == 403
