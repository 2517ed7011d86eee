import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.text import canonical, fold, search_document

E_CIRCUMFLEX_BREVE = "e\u0302\u0306"  # ê̆ as the orthography writes it


def test_breve_typed_before_circumflex_becomes_the_canonical_letter():
    typed = "e\u0306\u0302"  # ĕ then circumflex: looks the same, differs
    assert typed != E_CIRCUMFLEX_BREVE
    assert canonical(typed) == unicodedata.normalize("NFC", E_CIRCUMFLEX_BREVE)
    assert canonical(typed) == "ê\u0306"


def test_letters_without_precomposed_form_stay_two_code_points():
    for letter in ("ê\u0306", "ô\u0306", "ơ\u0306", "ư\u0306"):
        assert canonical(letter) == letter and len(canonical(letter)) == 2


def test_horn_letters_typed_breve_first_are_fixed():
    assert canonical("o\u0306\u031b") == "ơ\u0306"
    assert canonical("H'Ho\u0306\u031bn") == "H'Hơ\u0306n"


@given(st.text())
def test_canonical_is_idempotent_and_nfc(text):
    once = canonical(text)
    assert canonical(once) == once
    assert unicodedata.is_normalized("NFC", once)


def test_fold_removes_vietnamese_and_ethnic_marks():
    assert fold("Tiếng Êđê") == "tieng ede"
    assert fold("ƀuôn Đôn") == "buon don"
    assert fold("  Hriăm   ") == "hriam"
    assert fold("jơ̆ng") == "jong"


def test_search_document_lets_spaced_and_joined_spellings_meet():
    doc = search_document("Tiếng Ê Đê")
    assert "tieng e de" in doc and "tiengede" in doc


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Ƀuôn Ma Thuột", "buon ma thuot"),  # capital ƀ is U+0243
        ("ƀuôn", "buon"),
        ("ɓuôn ɗăm", "buon dam"),  # IPA letters of older sources
        ("ĐẮK LẮK", "dak lak"),
        ("Hriăm", "hriam"),
        ("ê̆ ô̆ ơ̆ ư̆ Ê̆", "e o o u e"),
        ("Čư Ñu", "cu nu"),
    ],
)
def test_fold_removes_every_mark_and_stroke_in_either_case(typed, folded):
    assert fold(typed) == folded
