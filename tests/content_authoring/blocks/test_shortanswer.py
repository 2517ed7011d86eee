"""Short answers with accepted variants: render, answer, grade, refuse, author."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from content_authoring.blocks.shortanswer import answer_key
from courses.models import Attempt
from tests.content_authoring.blocks.conftest import author_roundtrip, normalised

FIELDS = {
    "question": "Tỉnh nào có thủ phủ là Buôn Ma Thuột?",
    "answers": ["Đắk Lắk", "Daklak"],
    "feedback_correct": "Chính xác.",
    "feedback_incorrect": "Gợi ý: tỉnh lớn nhất Tây Nguyên.",
}


@pytest.fixture
def sa(make_block):
    return make_block("shortanswer", FIELDS)


def test_answer_key_normalises_nfc_case_and_spaces():
    assert answer_key("  ĐẮK\u00a0 lắk ") == "đắk lắk"
    assert answer_key("Ê\u0306") == answer_key("Ĕ\u0302".replace("Ĕ", "E\u0306"))
    assert answer_key("Đắk Lắk", strict_diacritics=False) == "dak lak"


def test_short_answer_renders_an_input_without_the_answers(sa, enrolled, render):
    html = render(sa, enrolled)
    assert FIELDS["question"] in html and 'name="answer"' in html
    for secret in FIELDS["answers"] + [FIELDS["feedback_incorrect"]]:
        assert secret not in html


def test_page_is_the_same_whatever_the_accepted_answers(make_block, enrolled, render):
    one = render(make_block("shortanswer", FIELDS), enrolled)
    two = render(
        make_block("shortanswer", {**FIELDS, "answers": ["Gia Lai"]}), enrolled
    )
    assert normalised(one) == normalised(two)


@pytest.mark.parametrize("typed", ["Đắk Lắk", "đắk lắk", " DAKLAK ", "daklak"])
def test_any_accepted_variant_scores_one(sa, enrolled, submit, typed):
    result = submit(enrolled, sa, {"answer": [typed]})
    assert result["correct"] is True and result["score"] == 1.0
    assert "Chính xác." in result["feedback_html"]


def test_wrong_or_unaccented_answer_scores_zero_with_feedback(sa, enrolled, submit):
    result = submit(enrolled, sa, {"answer": "Dak Lak"})
    assert result["correct"] is False and result["score"] == 0.0
    assert FIELDS["feedback_incorrect"] in result["feedback_html"]


def test_diacritic_insensitive_setting_accepts_unaccented(make_block, enrolled, submit):
    block = make_block("shortanswer", {**FIELDS, "strict_diacritics": False})
    assert submit(enrolled, block, {"answer": "dak lak"})["correct"] is True


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"answer": ""},
        {"answer": "   "},
        {"answer": ["a", "b"]},
        {"answer": 3},
        {"answer": "x" * 501},
    ],
)
def test_bad_payload_is_refused_and_records_nothing(sa, enrolled, submit, data):
    with pytest.raises(ValidationError):
        submit(enrolled, sa, data)
    assert not Attempt.objects.filter(block=sa).exists()


def test_same_submission_id_counts_once(sa, enrolled, submit):
    sent = uuid.uuid4()
    submit(enrolled, sa, {"answer": "Daklak"}, sent)
    again = submit(enrolled, sa, {"answer": "sai"}, sent)
    assert again["duplicate"] is True and again["correct"] is True
    assert Attempt.objects.filter(block=sa).count() == 1


def test_author_form_round_trips(sa, trainer, xblock_of):
    xblock = xblock_of(sa, trainer)
    html = xblock.studio_view({}).body_html()
    assert "Đắk Lắk\nDaklak" in html and "<form" not in html
    fields = author_roundtrip(
        "shortanswer",
        [
            ("question", "Thủ đô?"),
            ("answers", "Hà Nội\r\n\r\n  Ha Noi \n"),
            ("strict_diacritics", "on"),
        ],
        xblock,
    )
    assert fields["answers"] == ["Hà Nội", "Ha Noi"]
    assert fields["strict_diacritics"] is True


def test_no_accepted_answer_fails_validation(sa, trainer, xblock_of):
    with pytest.raises(ValidationError):
        author_roundtrip(
            "shortanswer",
            [("question", "Q?"), ("answers", "\n")],
            xblock_of(sa, trainer),
        )
