"""Fill in the blanks: render, answer, grade by share of blanks, refuse, author."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.exceptions import ValidationError

from content_authoring.blocks.blanks import parse_blanks
from courses.models import Attempt, BlockSummary
from tests.content_authoring.blocks.conftest import author_roundtrip

TEXT = (
    "Cà phê Buôn Ma Thuột trồng ở tỉnh *Đắk Lắk|Daklak*. "
    "Mùa thu hoạch bắt đầu vào tháng *mười|10*."
)


@pytest.fixture
def blanks(make_block):
    return make_block("blanks", {"text": TEXT})


def test_parse_blanks_splits_text_and_alternatives():
    segments = parse_blanks(r"Giá \*đặc biệt\*: *a|b* và *c*")
    assert [s.answers for s in segments] == [("a", "b"), ("c",)]
    assert segments[0].text == "Giá *đặc biệt*: "


def test_blanks_render_inputs_without_the_answers(blanks, enrolled, render):
    html = render(blanks, enrolled)
    assert html.count('name="blank"') == 2
    assert "Cà phê Buôn Ma Thuột trồng ở tỉnh " in html
    for answer in ("Đắk Lắk", "Daklak", "mười"):
        assert answer not in html


def test_all_blanks_right_scores_one_after_normalising(blanks, enrolled, submit):
    # Decomposed input (NFD), extra spaces and capitals still match.
    import unicodedata

    typed = unicodedata.normalize("NFD", "  đắk   LẮK ")
    result = submit(enrolled, blanks, {"blank": [typed, "10"]})
    assert result["correct"] is True and result["score"] == 1.0


def test_score_is_the_share_of_blanks_right(blanks, enrolled, submit):
    result = submit(enrolled, blanks, {"blanks": ["Daklak", "chín"]})
    assert result["correct"] is False and result["score"] == 0.5
    assert BlockSummary.objects.get(user=enrolled, block=blanks).score == 0.5


def test_diacritics_must_match_by_default(blanks, enrolled, submit):
    result = submit(enrolled, blanks, {"blanks": ["Dak Lak", "muoi"]})
    assert result["score"] == 0.0


def test_diacritics_may_be_ignored_when_the_trainer_says_so(
    make_block, enrolled, submit
):
    block = make_block("blanks", {"text": TEXT, "strict_diacritics": False})
    assert submit(enrolled, block, {"blanks": ["Dak Lak", "muoi"]})["score"] == 1.0


def test_ede_breve_matters(make_block, enrolled, submit):
    block = make_block("blanks", {"text": "Ama *Ĕ*", "lang": "rad"})
    assert submit(enrolled, block, {"blanks": ["E"]})["score"] == 0.0
    assert submit(enrolled, block, {"blanks": ["ĕ"]})["score"] == 1.0


def test_page_after_answering_marks_each_blank(blanks, enrolled, submit, render):
    submit(enrolled, blanks, {"blanks": ["Đắk Lắk", "chín"]})
    html = render(blanks, enrolled)
    assert re.search(r'value="Đắk Lắk"[^>]*class="right"', html)
    assert re.search(r'value="chín"[^>]*class="wrong"', html)
    assert "1 of 2 blanks right." in html or "1 / 2" in html or "1 trên 2" in html


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"blanks": "Đắk Lắk"},
        {"blanks": ["Đắk Lắk"]},
        {"blanks": ["a", "b", "c"]},
        {"blanks": ["", " "]},
        {"blanks": [1, 2]},
        {"blanks": ["x" * 501, "10"]},
    ],
)
def test_bad_payload_is_refused_and_records_nothing(blanks, enrolled, submit, data):
    with pytest.raises(ValidationError):
        submit(enrolled, blanks, data)
    assert not Attempt.objects.filter(block=blanks).exists()


def test_same_submission_id_counts_once(blanks, enrolled, submit):
    sent = uuid.uuid4()
    submit(enrolled, blanks, {"blanks": ["Đắk Lắk", "10"]}, sent)
    again = submit(enrolled, blanks, {"blanks": ["x", "y"]}, sent)
    assert again["duplicate"] is True and again["score"] == 1.0
    assert Attempt.objects.filter(block=blanks).count() == 1


def test_htmx_post_returns_the_block_with_feedback(blanks, enrolled, client_for):
    response = client_for(enrolled).post(
        f"/blocks/{blanks.pk}/handler/submit/",
        {"blank": ["Đắk Lắk", "10"], "submission_id": str(uuid.uuid4())},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'class="feedback ok"' in response.content.decode()


def test_htmx_post_with_a_wrong_number_of_blanks_is_a_400(blanks, enrolled, client_for):
    response = client_for(enrolled).post(
        f"/blocks/{blanks.pk}/handler/submit/",
        {"blank": ["Đắk Lắk"], "submission_id": str(uuid.uuid4())},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_author_form_round_trips(blanks, trainer, xblock_of):
    xblock = xblock_of(blanks, trainer)
    html = xblock.studio_view({}).body_html()
    assert "<form" not in html and 'name="text"' in html
    assert 'name="strict_diacritics" checked' in html
    fields = author_roundtrip(
        "blanks", [("text", "Thủ phủ là *Buôn Ma Thuột*."), ("prompt", "")], xblock
    )
    assert fields["text"] == "Thủ phủ là *Buôn Ma Thuột*."
    assert fields["strict_diacritics"] is False  # the box was not ticked


@pytest.mark.parametrize("text", ["Không có ô trống.", "Ô trống rỗng * *."])
def test_text_without_a_proper_blank_fails_validation(blanks, trainer, xblock_of, text):
    with pytest.raises(ValidationError):
        author_roundtrip("blanks", [("text", text)], xblock_of(blanks, trainer))
