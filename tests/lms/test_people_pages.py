from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms import services
from lms.models import Cohort, PeopleImport, User
from tests.factories import make_cohort, make_user
from tests.lms.files import csv_upload, person, xlsx_bytes, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Pages are tested without collectstatic: no manifest to look names up in.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def cohort():
    return make_cohort(name="Cán bộ xã Ea Kar")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def people_urls(cohort: Cohort, people_import: PeopleImport) -> list[tuple[str, str]]:
    return [
        ("get", reverse("people:cohorts")),
        ("post", reverse("people:cohorts")),
        ("get", reverse("people:cohort", args=[cohort.pk])),
        ("get", reverse("people:import", args=[cohort.pk])),
        ("post", reverse("people:import", args=[cohort.pk])),
        ("get", reverse("people:import_preview", args=[people_import.pk])),
        ("post", reverse("people:import_commit", args=[people_import.pk])),
    ]


@pytest.mark.parametrize("role_fixture", ["learner", "trainer", "organiser"])
def test_wrong_role_gets_403_on_every_people_page(
    request, client, admin_user, cohort, role_fixture
):
    people_import = services.people_import_preview(
        actor=admin_user, cohort=cohort, uploaded_file=xlsx_upload([person()])
    )
    client.force_login(request.getfixturevalue(role_fixture))
    for method, url in people_urls(cohort, people_import):
        response = getattr(client, method)(
            url, {"name": "x"} if method == "post" else None
        )
        assert response.status_code == 403, (method, url)
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.PREVIEW
    assert not Cohort.objects.filter(name="x").exists()


def test_anonymous_is_sent_to_sign_in(client, admin_user, cohort):
    people_import = services.people_import_preview(
        actor=admin_user, cohort=cohort, uploaded_file=xlsx_upload([person()])
    )
    for method, url in people_urls(cohort, people_import):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("login"))


def test_administrator_creates_and_lists_cohorts(admin_client):
    response = admin_client.post(
        reverse("people:cohorts"), {"name": "Thanh niên Buôn Đôn", "description": ""}
    )
    cohort = Cohort.objects.get(name="Thanh niên Buôn Đôn")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:cohort", args=[cohort.pk])
    page = admin_client.get(reverse("people:cohorts"))
    assert "Thanh niên Buôn Đôn" in page.content.decode()


def test_duplicate_cohort_name_is_a_form_error(admin_client, cohort):
    response = admin_client.post(reverse("people:cohorts"), {"name": cohort.name})
    assert response.status_code == 200
    assert Cohort.objects.filter(name=cohort.name).count() == 1
    assert response.context["form"].errors


def test_cohort_page_shows_members_commune_former_district_and_ethnicity(
    admin_client, admin_user, cohort
):
    people_import = services.people_import_preview(
        actor=admin_user,
        cohort=cohort,
        uploaded_file=xlsx_upload([person(commune="Phường Tuy Hòa")]),
    )
    services.people_import_commit(actor=admin_user, people_import=people_import)
    html = admin_client.get(reverse("people:cohort", args=[cohort.pk])).content.decode()
    for text in (
        "H&#x27;Hen Niê",
        "Phường Tuy Hòa",
        "Thành phố Tuy Hoà",
        "Phú Yên",
        "Ê-đê",
    ):
        assert text in html
    assert 'enctype="multipart/form-data"' in html


def test_cohort_page_runs_a_bounded_number_of_queries(
    admin_client, admin_user, cohort, django_assert_max_num_queries
):
    rows = [person(f"Người {n}", f"09120000{n:02d}") for n in range(30)]
    people_import = services.people_import_preview(
        actor=admin_user, cohort=cohort, uploaded_file=xlsx_upload(rows)
    )
    services.people_import_commit(actor=admin_user, people_import=people_import)
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("people:cohort", args=[cohort.pk]))


def test_upload_preview_commit_result_in_vietnamese(admin_client, cohort):
    upload = xlsx_upload([person(), person("Y Sương Mlô", "0987654321")])
    response = admin_client.post(
        reverse("people:import", args=[cohort.pk]), {"file": upload}
    )
    people_import = PeopleImport.objects.get()
    assert response["Location"] == reverse(
        "people:import_preview", args=[people_import.pk]
    )

    preview = admin_client.get(response["Location"]).content.decode()
    assert "2 người mới" in preview
    assert "Nhập những người này" in preview
    assert "disabled" not in preview

    result = admin_client.post(reverse("people:import_commit", args=[people_import.pk]))
    html = result.content.decode()
    assert result.status_code == 200
    assert "no-store" in result["Cache-Control"]
    assert "Mật khẩu ban đầu" in html
    assert cohort.members.count() == 2
    for username in ("0912345678", "0987654321"):
        assert username in html


def test_preview_lists_row_errors_and_disables_commit(admin_client, cohort):
    rows = [
        person("Y Một", "0912000001"),
        person("Y Hai", "123"),
        person("", "0912000003"),
    ]
    admin_client.post(
        reverse("people:import", args=[cohort.pk]), {"file": xlsx_upload(rows)}
    )
    people_import = PeopleImport.objects.get()
    html = admin_client.get(
        reverse("people:import_preview", args=[people_import.pk])
    ).content
    html = html.decode()
    assert "123" in html and "không phải số di động" in html
    assert "Thiếu họ và tên" in html
    assert "2 dòng có lỗi" in html
    assert '<button type="button" disabled>' in html
    assert reverse("people:import_commit", args=[people_import.pk]) not in html


def test_preview_speaks_the_readers_language(admin_client, admin_user, cohort):
    admin_client.post(
        reverse("people:import", args=[cohort.pk]),
        {"file": xlsx_upload([person(commune="Xã Không Có")])},
    )
    people_import = PeopleImport.objects.get()
    url = reverse("people:import_preview", args=[people_import.pk])
    assert "Không tìm thấy xã, phường “Xã Không Có”." in admin_client.get(url).text
    admin_user.preferred_language = "en"
    admin_user.save(update_fields=["preferred_language"])
    assert "Unknown commune or ward “Xã Không Có”." in admin_client.get(url).text


def test_commit_with_errors_is_refused_with_a_message(admin_client, cohort):
    admin_client.post(
        reverse("people:import", args=[cohort.pk]),
        {"file": xlsx_upload([person(phone="abc")])},
    )
    people_import = PeopleImport.objects.get()
    users = User.objects.count()
    response = admin_client.post(
        reverse("people:import_commit", args=[people_import.pk]), follow=True
    )
    assert User.objects.count() == users
    assert "Một số dòng có lỗi" in response.content.decode()


def test_second_post_of_the_commit_imports_nothing_more(admin_client, cohort):
    admin_client.post(
        reverse("people:import", args=[cohort.pk]), {"file": xlsx_upload([person()])}
    )
    people_import = PeopleImport.objects.get()
    url = reverse("people:import_commit", args=[people_import.pk])
    assert admin_client.post(url).status_code == 200
    users = User.objects.count()
    again = admin_client.post(url, follow=True)
    assert User.objects.count() == users
    html = again.content.decode()
    assert "Danh sách này đã được nhập" in html
    assert "Mật khẩu ban đầu" not in html


def test_oversize_upload_is_a_form_error(admin_client, cohort, settings):
    settings.PEOPLE_IMPORT_MAX_BYTES = 512
    rows = [person(f"Người {n}", f"09123456{n:02d}") for n in range(30)]
    response = admin_client.post(
        reverse("people:import", args=[cohort.pk]), {"file": csv_upload(rows)}
    )
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()
    assert PeopleImport.objects.count() == 0


def test_corrupt_xlsx_upload_is_a_form_error(admin_client, cohort):
    data = xlsx_bytes([person()])
    upload = SimpleUploadedFile("ds.xlsx", data[:200])
    response = admin_client.post(
        reverse("people:import", args=[cohort.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "Không đọc được tệp Excel" in response.content.decode()
    assert PeopleImport.objects.count() == 0


def test_wrong_file_type_is_a_form_error(admin_client, cohort):
    upload = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0 not a list")
    response = admin_client.post(
        reverse("people:import", args=[cohort.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert PeopleImport.objects.count() == 0


def test_missing_cohort_or_import_is_404(admin_client):
    assert admin_client.get(reverse("people:cohort", args=[999])).status_code == 404
    assert (
        admin_client.get(reverse("people:import_preview", args=[999])).status_code
        == 404
    )


def test_pages_fit_small_phones(admin_client, cohort):
    html = admin_client.get(reverse("people:cohort", args=[cohort.pk])).content.decode()
    assert 'name="viewport"' in html
    make_user()  # a member-less cohort still renders its empty state
    assert "Import" in html or "Nhập" in html


def test_upload_page_explains_the_columns(admin_client, cohort):
    response = admin_client.get(reverse("people:import", args=[cohort.pk]))
    assert response.status_code == 200
    assert "Cách chuẩn bị danh sách" in response.content.decode()


def test_long_preview_shows_errors_and_the_first_correct_rows(
    admin_client, admin_user, cohort
):
    rows = [person(f"Người {n}", f"0912{n:06d}") for n in range(130)]
    rows.append(person("Y Lỗi", "123"))
    people_import = services.people_import_preview(
        actor=admin_user, cohort=cohort, uploaded_file=xlsx_upload(rows)
    )
    url = reverse("people:import_preview", args=[people_import.pk])
    short = admin_client.get(url).content.decode()
    assert "Y Lỗi" in short
    assert "Người 99<" in short and "Người 100<" not in short
    assert "Còn 30 dòng hợp lệ" in short
    full = admin_client.get(url, {"show": "all"}).content.decode()
    assert "Người 129<" in full


def test_large_cohort_is_shown_a_page_at_a_time(admin_client, cohort):
    cohort.members.add(*(make_user(full_name=f"Người {n:03d}") for n in range(105)))
    url = reverse("people:cohort", args=[cohort.pk])
    first = admin_client.get(url).text
    assert "105 thành viên" in first
    assert "Người 099" in first and "Người 100" not in first
    second = admin_client.get(url, {"page": 2}).text
    assert "Người 104" in second and "Người 099" not in second
