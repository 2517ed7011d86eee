from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lms import reference, selectors
from lms.models import Commune, EthnicGroup

pytestmark = pytest.mark.django_db


def test_every_commune_of_dak_lak_is_loaded_with_its_former_district():
    assert Commune.objects.count() == 102
    assert not Commune.objects.filter(former_district="").exists()
    assert not Commune.objects.filter(former_district_code__isnull=True).exists()
    assert set(Commune.objects.values_list("former_province", flat=True)) == {
        "Đắk Lắk",
        "Phú Yên",
    }


def test_commune_from_former_phu_yen_keeps_its_former_province():
    tuy_hoa = Commune.objects.get(code=22015)
    assert tuy_hoa.name == "Phường Tuy Hòa"
    assert tuy_hoa.division_type == "phường"
    assert tuy_hoa.former_province == "Phú Yên"
    assert tuy_hoa.former_district_code == 555


def test_commune_from_former_dak_lak_has_its_former_district():
    ea_kar = Commune.objects.get(name="Xã Ea Kar")
    assert ea_kar.former_district == "Huyện Ea Kar"
    assert ea_kar.former_province == "Đắk Lắk"
    assert ea_kar.search_name == "xa ea kar"


def test_former_district_is_where_most_legacy_wards_came_from():
    # Phường Tuy Hòa: six wards of Tuy Hoà city, two communes of Phú Hoà district.
    assert Commune.objects.get(code=22015).former_district == "Thành phố Tuy Hoà"


def test_fifty_four_ethnic_groups_with_gso_codes():
    assert EthnicGroup.objects.count() == 54
    codes = list(EthnicGroup.objects.values_list("code", flat=True))
    assert codes == [f"{n:02d}" for n in range(1, 55)]
    assert EthnicGroup.objects.get(code="12").name == "Ê-đê"
    assert EthnicGroup.objects.get(code="20").name == "Mnông"
    assert EthnicGroup.objects.get(code="10").name == "Gia-rai"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Ê Đê", "12"),
        ("Êđê", "12"),
        ("ê-đê", "12"),
        ("Rhade", "12"),
        ("Rađê", "12"),
        ("ede", "12"),
        ("J'rai", "10"),
        ("Jarai", "10"),
        ("Gia Rai", "10"),
        ("M'nông", "20"),
        ("mnong", "20"),
        ("Kinh", "01"),
        ("khmer", "05"),
        ("12", "12"),
        ("5", "05"),
    ],
)
def test_ethnic_group_found_by_any_usual_spelling_or_code(typed, code):
    assert reference.ethnic_group_code(typed) == code
    assert selectors.ethnic_group_find(text=typed).code == code


@pytest.mark.parametrize("typed", ["", "Martian", "55", "0"])
def test_unknown_ethnicity_finds_nothing(typed):
    assert reference.ethnic_group_code(typed) is None
    assert selectors.ethnic_group_find(text=typed) is None


def test_no_spelling_names_two_ethnic_groups():
    owners: dict[str, set[str]] = {}
    for code, name, other_names in reference.ETHNIC_GROUPS:
        for spelling in reference.ethnic_names(name, other_names):
            owners.setdefault(reference.ethnic_key(spelling), set()).add(code)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@pytest.mark.parametrize(
    "typed", ["Xã Ea H'Leo", "ea h'leo", "EA HLEO", "Ea Hleo", "xa ea hleo", "24184"]
)
def test_commune_found_with_or_without_prefix_and_diacritics(typed):
    assert selectors.commune_find(text=typed).code == 24184


def test_no_two_communes_share_a_match_key():
    keys = [
        reference.commune_key(name)
        for name in Commune.objects.values_list("name", flat=True)
    ]
    assert len(keys) == len(set(keys))


def test_loading_again_changes_nothing():
    before = list(Commune.objects.order_by("code").values())
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "102 communes" in out.getvalue()
    assert Commune.objects.count() == 102
    assert EthnicGroup.objects.count() == 54
    assert list(Commune.objects.order_by("code").values()) == before


def test_loading_restores_an_edited_commune():
    Commune.objects.filter(code=22015).update(former_province="?")
    reference.load_reference_data()
    assert Commune.objects.get(code=22015).former_province == "Phú Yên"
