"""True/false statements: render, answer, grade, refuse bad payloads, author."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from content_authoring.blocks.truefalse import TrueFalseBlock
from courses.models import Attempt, BlockSummary
from tests.content_authoring.blocks.conftest import author_roundtrip, normalised

FIELDS = {
    "statement": "Cà phê vối (Robusta) là giống trồng nhiều nhất ở Đắk Lắk.",
    "answer": True,
    "explanation": "Robusta chiếm phần lớn diện tích cà phê Tây Nguyên.",
}


@pytest.fixture
def tf(make_block):
    return make_block("truefalse", FIELDS)


def test_truefalse_renders_the_statement_and_two_choices(tf, enrolled, render):
    html = render(tf, enrolled)
    assert FIELDS["statement"] in html
    assert 'name="answer" value="true"' in html
    assert 'name="answer" value="false"' in html
    assert f'hx-post="/blocks/{tf.pk}/handler/submit/"' in html


def test_truefalse_page_does_not_reveal_the_answer_or_explanation(
    make_block, enrolled, render
):
    true_html = render(make_block("truefalse", FIELDS), enrolled)
    false_html = render(make_block("truefalse", {**FIELDS, "answer": False}), enrolled)
    assert FIELDS["explanation"] not in true_html
    assert normalised(true_html) == normalised(false_html)


def test_right_answer_scores_one_and_shows_the_explanation(tf, enrolled, submit):
    result = submit(enrolled, tf, {"answer": ["true"]})
    assert result["correct"] is True and result["score"] == 1.0
    assert FIELDS["explanation"] in result["feedback_html"]
    assert BlockSummary.objects.get(user=enrolled, block=tf).score == 1.0


def test_wrong_answer_scores_zero(tf, enrolled, submit):
    result = submit(enrolled, tf, {"answer": False})
    assert result["correct"] is False and result["score"] == 0.0


def test_explanation_shows_on_the_page_after_answering(tf, enrolled, submit, render):
    submit(enrolled, tf, {"answer": "false"})
    html = render(tf, enrolled)
    assert FIELDS["explanation"] in html
    assert 'class="feedback bad"' in html


@pytest.mark.parametrize(
    "data", [{}, {"answer": ""}, {"answer": "maybe"}, {"answer": 2}, {"answer": []}]
)
def test_bad_payload_is_refused_and_records_nothing(tf, enrolled, submit, data):
    with pytest.raises(ValidationError):
        submit(enrolled, tf, data)
    assert not Attempt.objects.filter(block=tf).exists()


def test_same_submission_id_counts_once(tf, enrolled, submit):
    sent = uuid.uuid4()
    submit(enrolled, tf, {"answer": "true"}, sent)
    again = submit(enrolled, tf, {"answer": "false"}, sent)
    assert again["duplicate"] is True and again["correct"] is True
    assert Attempt.objects.filter(block=tf).count() == 1


def test_author_form_round_trips(tf, trainer, xblock_of):
    xblock = xblock_of(tf, trainer)
    assert isinstance(xblock, TrueFalseBlock)
    html = xblock.studio_view({}).body_html()
    assert "<form" not in html and "<button" not in html
    assert 'name="statement"' in html and FIELDS["statement"] in html
    assert 'value="true" checked' in html
    fields = author_roundtrip(
        "truefalse",
        [
            ("display_name", "Đúng hay sai"),
            ("statement", "  Hồ tiêu là cây công nghiệp. "),
            ("answer", "false"),
            ("explanation", ""),
            ("lang", "vi"),
        ],
        xblock,
    )
    assert fields["statement"] == "Hồ tiêu là cây công nghiệp."
    assert fields["answer"] is False


def test_author_form_without_a_value_is_refused(tf, trainer, xblock_of):
    xblock = xblock_of(tf, trainer)
    with pytest.raises(ValidationError):
        author_roundtrip("truefalse", [("statement", "x")], xblock)


def test_empty_statement_fails_validation(tf, trainer, xblock_of):
    with pytest.raises(ValidationError):
        author_roundtrip(
            "truefalse",
            [("statement", " "), ("answer", "true")],
            xblock_of(tf, trainer),
        )
