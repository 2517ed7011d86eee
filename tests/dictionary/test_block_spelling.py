"""Spelling feedback: which letter lacks which mark, for each kind of mistake
learners make typing Ê Đê, M'nông and J'rai on a phone keyboard."""

from __future__ import annotations

import unicodedata

import pytest
from django.utils import translation

from dictionary.blocks.spelling import spelling_hints, spelling_mistakes

BREVE, CIRCUMFLEX = "\u0306", "\u0302"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("typed", "expected", "kind", "letter", "message"),
    [
        ("hriam", "hriăm", "breve", 4, "The 4th letter needs a breve: ă."),
        ("ngô", "ngô̆", "breve", 3, "The 3rd letter needs a breve: ô̆."),
        ("ngŏ", "ngô̆", "circumflex", 3, "The 3rd letter needs a circumflex: ô̆."),
        ("mơng", "mơ̆ng", "breve", 2, "The 2nd letter needs a breve: ơ̆."),
        ("kêt", "kê̆t", "breve", 2, "The 2nd letter needs a breve: ê̆."),
        ("mong", "mơng", "hook", 2, "The 2nd letter needs a hook: ơ."),
        ("mung", "mưng", "hook", 2, "The 2nd letter needs a hook: ư."),
        ("bon", "bôn", "circumflex", 2, "The 2nd letter needs a circumflex: ô."),
        ("ket", "kê̆t", "circumflex_breve", 2, "needs a circumflex and a breve: ê̆."),
        ("mong", "mơ̆ng", "hook_breve", 2, "needs a hook and a breve: ơ̆."),
        ("buôn", "ƀuôn", "letter", 1, "The 1st letter is ƀ, not b."),
        ("cư", "čư", "letter", 1, "The 1st letter is č, not c."),
        ("dam", "đam", "letter", 1, "The 1st letter is đ, not d."),
        ("nu", "ñu", "letter", 1, "The 1st letter is ñ, not n."),
        ("hriăăm", "hriăm", None, None, "Not this word"),
        ("ămi", "ami", "letter", 1, "The 1st letter is a, not ă."),
    ],
)
def test_each_kind_of_mistake_is_named_with_its_position(
    typed, expected, kind, letter, message
):
    mistakes = spelling_mistakes(typed, expected)
    if kind is None:
        assert mistakes is None
    else:
        assert mistakes is not None and len(mistakes) == 1
        assert (mistakes[0].kind, mistakes[0].letter) == (kind, letter)
    hints = spelling_hints(typed, expected)
    assert len(hints) == 1 and message in hints[0]


def test_right_answers_get_no_hint_whatever_the_case_or_mark_order():
    assert spelling_hints("  HRIĂM ", "hriăm") == []
    # ê̆ typed breve first: the same letter once canonical.
    typed = unicodedata.normalize("NFC", "k" + "e" + BREVE + CIRCUMFLEX + "t")
    assert spelling_hints(typed, "kê̆t") == []


def test_a_mistake_in_the_second_word_names_the_word():
    hints = spelling_hints("buôn ma thuot", "ƀuôn ma thuôt")
    assert hints == [
        "Word 1: The 1st letter is ƀ, not b.",
        "Word 3: The 4th letter needs a circumflex: ô.",
    ]


def test_ordinals_past_ten():
    hints = spelling_hints("abcdefghijkla", "abcdefghijklă")
    assert hints == ["The 13th letter needs a breve: ă."]


def test_a_different_word_is_not_explained_letter_by_letter():
    assert spelling_hints("ama", "ami") == [
        "Not this word: listen again and check the letters."
    ]
