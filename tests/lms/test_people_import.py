from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lms import services
from lms.models import LearnerProfile, PeopleImport, Role, User
from tests.factories import make_cohort, make_user
from tests.lms.files import HEADER, csv_upload, person, xlsx_bytes, xlsx_upload

pytestmark = pytest.mark.django_db


def preview(actor, cohort, upload) -> PeopleImport:
    return services.people_import_preview(
        actor=actor, cohort=cohort, uploaded_file=upload
    )


def codes(row) -> list[str]:
    return [e["code"] for e in row["errors"]]


@pytest.fixture
def cohort():
    return make_cohort(name="Lớp tiếng Ê Đê 2026")


# --- reading files -------------------------------------------------------------


def test_xlsx_list_is_read_and_each_value_recognised(admin_user, cohort):
    people_import = preview(admin_user, cohort, xlsx_upload([person()]))
    [row] = people_import.rows
    assert row["errors"] == []
    assert row["row"] == 2
    assert row["full_name"] == "H'Hen Niê"
    assert row["phone"] == "0912345678"
    assert row["group"] == "official"
    assert row["ethnicity_code"] == "12"
    assert row["commune_name"] == "Xã Ea Kar"
    assert row["gender"] == "female"
    assert row["birth_year"] == 1990
    assert row["action"] == "create"
    assert people_import.status == PeopleImport.Status.PREVIEW
    assert len(people_import.file_sha256) == 64


def test_preview_writes_nothing_but_the_import(admin_user, cohort):
    users = User.objects.count()
    preview(admin_user, cohort, xlsx_upload([person()]))
    assert User.objects.count() == users
    assert cohort.members.count() == 0


def test_csv_with_bom_and_semicolons_is_read(admin_user, cohort):
    upload = csv_upload(
        [person(), person("Y Sương Mlô", "0987654321")], delimiter=";", bom=True
    )
    rows = preview(admin_user, cohort, upload).rows
    assert [r["errors"] for r in rows] == [[], []]
    assert [r["full_name"] for r in rows] == ["H'Hen Niê", "Y Sương Mlô"]


def test_csv_with_commas_and_english_headers_is_read(admin_user, cohort):
    header = [
        "Full_Name",
        "PHONE",
        "group",
        "Ethnicity",
        "commune",
        "agency",
        "position",
        "gender",
        "birth year",
    ]
    upload = csv_upload(
        [
            person(
                "Y Khu Niê",
                "+84 912 345 678",
                "official",
                "Rhade",
                "ea kar",
                "",
                "",
                "male",
                "1985",
            )
        ],
        header=header,
    )
    [row] = preview(admin_user, cohort, upload).rows
    assert row["errors"] == []
    assert row["phone"] == "0912345678"
    assert row["ethnicity_code"] == "12"
    assert row["gender"] == "male"


def test_headers_match_without_diacritics_or_case(admin_user, cohort):
    header = [
        "HO VA TEN",
        "so dien thoai",
        "NHÓM",
        "dan toc",
        "Xã/Phường",
        "co quan",
        "chuc vu",
        "GIOI TINH",
        "nam sinh",
    ]
    [row] = preview(admin_user, cohort, csv_upload([person()], header=header)).rows
    assert row["errors"] == []
    assert row["commune_name"] == "Xã Ea Kar"


def test_title_rows_above_the_header_are_skipped(admin_user, cohort):
    upload = SimpleUploadedFile(
        "ds.xlsx", xlsx_bytes([person()], title="DANH SÁCH HỌC VIÊN LỚP TIẾNG Ê ĐÊ")
    )
    [row] = preview(admin_user, cohort, upload).rows
    assert row["errors"] == []
    assert row["row"] == 3


def test_phone_stored_as_a_number_in_excel_keeps_its_leading_zero(admin_user, cohort):
    [row] = preview(admin_user, cohort, xlsx_upload([person(phone=912345678)])).rows
    assert row["phone"] == "0912345678"


def test_name_typed_with_breve_before_horn_is_stored_canonical(admin_user, cohort):
    # "ơ̆" typed as o + breve + horn: looks the same, is another string.
    typed = "H'Ho\u0306\u031bn Ê Ban"
    canonical_name = "H'H\u01a1\u0306n Ê Ban"  # ơ then the combining breve
    assert typed != canonical_name
    people_import = preview(admin_user, cohort, xlsx_upload([person(name=typed)]))
    assert people_import.rows[0]["full_name"] == canonical_name
    services.people_import_commit(actor=admin_user, people_import=people_import)
    user = User.objects.get(phone="0912345678")
    assert user.full_name == canonical_name
    assert unicodedata.is_normalized("NFC", user.full_name)


def test_name_typed_with_breve_before_circumflex_is_stored_canonical(
    admin_user, cohort
):
    # NFC alone keeps "ĕ" + circumflex; the orthography writes "ê" + breve.
    typed = unicodedata.normalize("NFC", "Y Ke\u0306\u0302 Mlô")
    assert typed == "Y K\u0115\u0302 Mlô"
    [row] = preview(admin_user, cohort, csv_upload([person(name=typed)], bom=True)).rows
    assert row["full_name"] == "Y K\u00ea\u0306 Mlô"


def test_decomposed_name_from_csv_is_stored_nfc(admin_user, cohort):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hạnh")
    [row] = preview(admin_user, cohort, csv_upload([person(name=decomposed)])).rows
    assert row["full_name"] == unicodedata.normalize("NFC", "Nguyễn Thị Hạnh")


# --- refused files -------------------------------------------------------------


def test_oversize_file_is_refused_and_nothing_stored(admin_user, cohort, settings):
    settings.PEOPLE_IMPORT_MAX_BYTES = 1024
    rows = [person(f"Người {n}", f"09123456{n:02d}") for n in range(40)]
    with pytest.raises(ValidationError) as refused:
        preview(admin_user, cohort, csv_upload(rows))
    assert refused.value.code == "too_large"
    assert PeopleImport.objects.count() == 0


def test_too_many_rows_are_refused(admin_user, cohort, settings):
    settings.PEOPLE_IMPORT_MAX_ROWS = 3
    rows = [person(f"Người {n}", f"09123456{n:02d}") for n in range(4)]
    with pytest.raises(ValidationError) as refused:
        preview(admin_user, cohort, xlsx_upload(rows))
    assert refused.value.code == "too_many_rows"
    assert PeopleImport.objects.count() == 0


def test_corrupt_xlsx_is_refused_with_a_message(admin_user, cohort):
    data = xlsx_bytes([person()])
    broken = SimpleUploadedFile("people.xlsx", data[: len(data) // 2])
    with pytest.raises(ValidationError) as refused:
        preview(admin_user, cohort, broken)
    assert refused.value.code == "corrupt"
    assert "Excel" in refused.value.message
    assert PeopleImport.objects.count() == 0


def test_xlsx_name_on_something_else_is_refused(admin_user, cohort):
    with pytest.raises(ValidationError) as refused:
        preview(admin_user, cohort, SimpleUploadedFile("people.xlsx", b"just text"))
    assert refused.value.code == "corrupt"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n....", "wrong_type"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 50, "xls"),
        ("people.csv", "Họ và tên\nNguyễn Văn A\n".encode("utf-16"), "encoding"),
        ("people.csv", b"", "empty"),
        ("people.csv", b" \n\n", "empty"),
        ("people.csv", "Họ và tên\n".encode(), "empty"),
        ("people.csv", "Tên\nA\n".encode(), "no_header"),
        ("people.csv", "Họ và tên,Họ tên\nA,B\n".encode(), "duplicate_column"),
    ],
)
def test_unreadable_files_are_refused_and_nothing_stored(
    admin_user, cohort, name, data, code
):
    with pytest.raises(ValidationError) as refused:
        preview(admin_user, cohort, SimpleUploadedFile(name, data))
    assert refused.value.code == code
    assert refused.value.message
    assert PeopleImport.objects.count() == 0


# --- row errors ----------------------------------------------------------------


def test_preview_reports_each_bad_row(admin_user, cohort):
    rows = [
        person("Y Một", "0912000001"),  # row 2: fine
        person("Y Hai", "12345"),  # row 3: bad phone
        person("Y Ba", "0912000003", commune="Xã Không Có"),  # row 4: unknown commune
        person("", "0912000004"),  # row 5: no name
        person("Y Năm", "0912000001"),  # row 6: phone of row 2 again
        person("Y Sáu", "0912000006", birth_year=1850),  # row 7: bad year
        person("Y Bảy", "0912000007", ethnicity="Sao Hỏa"),  # row 8: unknown ethnicity
        person("Y Tám", "0912000008", gender="?"),  # row 9: unknown gender
    ]
    people_import = preview(admin_user, cohort, xlsx_upload(rows))
    by_row = {r["row"]: codes(r) for r in people_import.rows}
    assert by_row == {
        2: ["phone_duplicate"],
        3: ["phone_invalid"],
        4: ["commune_unknown"],
        5: ["name_missing"],
        6: ["phone_duplicate"],
        7: ["birth_year_invalid"],
        8: ["ethnicity_unknown"],
        9: ["gender_unknown"],
    }
    unknown = people_import.rows[2]["errors"][0]
    assert unknown["params"]["value"] == "Xã Không Có"
    assert people_import.rows[0]["errors"][0]["params"]["other"] == 6


def test_birth_year_must_leave_the_person_at_least_ten(admin_user, cohort):
    too_young = datetime.date.today().year - 5
    [row] = preview(
        admin_user, cohort, xlsx_upload([person(birth_year=too_young)])
    ).rows
    assert codes(row) == ["birth_year_invalid"]


def test_only_learners_can_be_imported(admin_user, cohort):
    header = [*HEADER, "Vai trò"]
    rows = [person() + ["Giảng viên"], person("Y Hai", "0912000002") + ["học viên"]]
    people_import = preview(admin_user, cohort, csv_upload(rows, header=header))
    assert [codes(r) for r in people_import.rows] == [["role_not_allowed"], []]


def test_phone_of_an_administrator_cannot_be_imported_over(admin_user, cohort):
    make_user(Role.ADMIN, phone="0912345678")
    [row] = preview(admin_user, cohort, xlsx_upload([person()])).rows
    assert codes(row) == ["account_not_learner"]


# --- commit --------------------------------------------------------------------


def test_commit_creates_people_with_profiles_in_the_cohort(admin_user, cohort):
    people_import = preview(
        admin_user, cohort, xlsx_upload([person(), person("Y Sương Mlô", "0987654321")])
    )
    result = services.people_import_commit(
        actor=admin_user, people_import=people_import
    )
    assert (result.created_count, result.updated_count) == (2, 0)
    assert result.status == PeopleImport.Status.COMMITTED
    assert result.committed_at is not None
    user = User.objects.get(phone="0912345678")
    assert user.role == Role.LEARNER
    assert user.username == "0912345678"
    assert user.profile.ethnicity.code == "12"
    assert user.profile.commune.name == "Xã Ea Kar"
    assert user.profile.commune.former_district == "Huyện Ea Kar"
    assert (user.profile.group, user.profile.gender) == ("official", "female")
    assert user.profile.birth_year == 1990
    assert set(cohort.members.values_list("phone", flat=True)) == {
        "0912345678",
        "0987654321",
    }


def test_initial_password_is_returned_once_and_signs_in(admin_user, cohort):
    people_import = preview(admin_user, cohort, xlsx_upload([person()]))
    result = services.people_import_commit(
        actor=admin_user, people_import=people_import
    )
    [credential] = result.credentials
    assert credential["username"] == "0912345678"
    user = authenticate(
        username=credential["username"], password=credential["password"]
    )
    assert user is not None and user.phone == "0912345678"
    stored = PeopleImport.objects.get(pk=people_import.pk)
    assert credential["password"] not in str(stored.rows)


def test_person_without_phone_gets_a_username_from_the_name(admin_user, cohort):
    make_user(username="hhoneban")
    rows = [person("H'Hơ̆n Ê Ban", "")]
    people_import = preview(admin_user, cohort, xlsx_upload(rows))
    result = services.people_import_commit(
        actor=admin_user, people_import=people_import
    )
    assert result.credentials[0]["username"] == "hhoneban2"


def test_commit_is_all_or_nothing(admin_user, cohort):
    rows = [person("Y Một", "0912000001"), person("Y Hai", "not a phone")]
    people_import = preview(admin_user, cohort, xlsx_upload(rows))
    users = User.objects.count()
    with pytest.raises(services.PeopleImportHasErrors):
        services.people_import_commit(actor=admin_user, people_import=people_import)
    assert User.objects.count() == users
    assert cohort.members.count() == 0
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.PREVIEW


def test_commit_rolls_back_when_the_database_changed_since_preview(admin_user, cohort):
    rows = [person("Y Một", "0912000001"), person("Y Hai", "0912000002")]
    people_import = preview(admin_user, cohort, xlsx_upload(rows))
    make_user(Role.TRAINER, phone="0912000002")  # arrives between preview and commit
    users = User.objects.count()
    with pytest.raises(services.PeopleImportHasErrors):
        services.people_import_commit(actor=admin_user, people_import=people_import)
    assert User.objects.count() == users
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.PREVIEW


def test_second_commit_is_refused_and_imports_nothing_more(admin_user, cohort):
    people_import = preview(admin_user, cohort, xlsx_upload([person()]))
    services.people_import_commit(actor=admin_user, people_import=people_import)
    users = User.objects.count()
    with pytest.raises(services.PeopleImportAlreadyCommitted):
        # the stale object still says "preview": the database row decides
        services.people_import_commit(actor=admin_user, people_import=people_import)
    assert User.objects.count() == users


def test_reimport_creates_no_duplicates_and_updates_profiles(admin_user, cohort):
    rows = [person(), person("Y Sương Mlô", "0987654321", ethnicity="M'nông")]
    first = preview(admin_user, cohort, xlsx_upload(rows))
    services.people_import_commit(actor=admin_user, people_import=first)
    users = User.objects.count()
    profiles = LearnerProfile.objects.count()

    rows[0] = person(position="Phó chủ tịch xã", commune="Phường Tuy Hòa")
    second = preview(admin_user, cohort, csv_upload(rows, delimiter=";", bom=True))
    assert [r["action"] for r in second.rows] == ["update", "update"]
    result = services.people_import_commit(actor=admin_user, people_import=second)

    assert (result.created_count, result.updated_count) == (0, 2)
    assert result.credentials == []
    assert User.objects.count() == users
    assert LearnerProfile.objects.count() == profiles
    assert cohort.members.count() == 2
    profile = User.objects.get(phone="0912345678").profile
    assert profile.position == "Phó chủ tịch xã"
    assert profile.commune.former_province == "Phú Yên"


def test_reimport_of_people_without_phone_matches_them_in_the_cohort(
    admin_user, cohort
):
    rows = [person("Y Một", ""), person("Y Hai", "")]
    services.people_import_commit(
        actor=admin_user, people_import=preview(admin_user, cohort, xlsx_upload(rows))
    )
    users = User.objects.count()
    again = preview(admin_user, cohort, xlsx_upload(rows))
    assert [r["action"] for r in again.rows] == ["update", "update"]
    services.people_import_commit(actor=admin_user, people_import=again)
    assert User.objects.count() == users


def test_existing_person_matched_by_username_is_updated(admin_user, cohort):
    existing = make_user(username="yhai", full_name="Y Hai cũ")
    header = [*HEADER, "Tên đăng nhập"]
    rows = [person("Y Hai", "0912000002") + ["yhai"]]
    people_import = preview(admin_user, cohort, csv_upload(rows, header=header))
    assert people_import.rows[0]["action"] == "update"
    services.people_import_commit(actor=admin_user, people_import=people_import)
    existing.refresh_from_db()
    assert (existing.full_name, existing.phone) == ("Y Hai", "0912000002")


def test_only_administrators_preview_or_commit(
    learner, trainer, organiser, admin_user, cohort
):
    people_import = preview(admin_user, cohort, xlsx_upload([person()]))
    for actor in (learner, trainer, organiser):
        with pytest.raises(PermissionDenied):
            preview(actor, cohort, xlsx_upload([person()]))
        with pytest.raises(PermissionDenied):
            services.people_import_commit(actor=actor, people_import=people_import)


def test_superuser_may_import(cohort):
    root = User.objects.create_superuser(
        "root", password="x-Đắk-Lắk", role=Role.TRAINER
    )
    people_import = preview(root, cohort, xlsx_upload([person()]))
    services.people_import_commit(actor=root, people_import=people_import)
    assert cohort.members.count() == 1


def test_initial_password_gets_full_strength_hash_at_first_sign_in(
    admin_user, cohort, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    people_import = preview(admin_user, cohort, xlsx_upload([person()]))
    result = services.people_import_commit(
        actor=admin_user, people_import=people_import
    )
    [credential] = result.credentials
    algorithm, iterations, *_rest = User.objects.get(phone="0912345678").password.split(
        "$"
    )
    assert (algorithm, int(iterations)) == ("pbkdf2_sha256", 10_000)

    assert authenticate(username="0912345678", password=credential["password"])
    _algorithm, iterations, *_rest = User.objects.get(
        phone="0912345678"
    ).password.split("$")
    assert int(iterations) == PBKDF2PasswordHasher.iterations


def test_namesakes_without_phone_in_the_cohort_make_the_row_ambiguous(
    admin_user, cohort
):
    cohort.members.add(make_user(full_name="Y Một"), make_user(full_name="Y Một"))
    [row] = preview(admin_user, cohort, xlsx_upload([person("Y Một", "")])).rows
    assert codes(row) == ["name_ambiguous"]


def test_two_rows_naming_the_same_account_are_refused(admin_user, cohort):
    make_user(username="yhai", phone="0912000002")
    header = [*HEADER, "Tên đăng nhập"]
    rows = [person("Y Hai", "0912000002") + [""], person("Y Hai", "") + ["yhai"]]
    people_import = preview(admin_user, cohort, csv_upload(rows, header=header))
    assert [codes(r) for r in people_import.rows] == [[], ["same_account"]]
