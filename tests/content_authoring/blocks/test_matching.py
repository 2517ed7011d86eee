"""Matching pairs: render shuffled with opaque options, grade by share, refuse."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.exceptions import ValidationError

from courses.models import Attempt
from tests.content_authoring.blocks.conftest import author_roundtrip

PAIRS = [["ama", "cha"], ["ami", "mẹ"], ["adei", "em"], ["ayŏng", "anh"]]


@pytest.fixture
def matching(make_block):
    return make_block(
        "matching", {"pairs": PAIRS, "distractors": ["ông"], "lang": "rad"}
    )


def _options(html: str) -> dict[str, str]:
    """Option text → token, from the first select."""
    first = html.split("</select>")[0]
    return {
        text: token
        for token, text in re.findall(
            r'<option value="([0-9a-f]{16})"[^>]*>([^<]+)<', first
        )
    }


def test_matching_renders_a_select_per_left_item(matching, enrolled, render):
    html = render(matching, enrolled)
    assert html.count('<select id="m-') == 4
    assert set(_options(html)) == {"cha", "mẹ", "em", "anh", "ông"}


def test_option_names_do_not_reveal_the_pairs(matching, enrolled, render):
    html = render(matching, enrolled)
    for value in re.findall(r'<option value="([^"]*)"', html):
        assert value == "" or re.fullmatch(r"[0-9a-f]{16}", value)


def test_right_side_is_shuffled(matching, enrolled, render):
    orders = {tuple(_options(render(matching, enrolled))) for _ in range(8)}
    assert len(orders) > 1


def test_all_pairs_right_scores_one(matching, enrolled, render, submit):
    tokens = _options(render(matching, enrolled))
    answer = [tokens[right] for _left, right in PAIRS]
    result = submit(enrolled, matching, {"match": answer})
    assert result["correct"] is True and result["score"] == 1.0


def test_score_is_the_share_of_pairs_right(matching, enrolled, render, submit):
    tokens = _options(render(matching, enrolled))
    answer = [tokens["cha"], tokens["ông"], "", tokens["anh"]]
    result = submit(enrolled, matching, {"matches": answer})
    assert result["score"] == 0.5
    html = render(matching, enrolled)
    assert html.count('class="match-row right"') == 2
    assert html.count('class="match-row wrong"') == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"match": "x"},
        {"match": ["", "", "", ""]},
        {"match": ["0", "1", "2", "3"]},
        {"match": ["deadbeefdeadbeef"] * 4},
        {"match": [None]},
    ],
)
def test_bad_payload_is_refused_and_records_nothing(matching, enrolled, submit, data):
    with pytest.raises(ValidationError):
        submit(enrolled, matching, data)
    assert not Attempt.objects.filter(block=matching).exists()


def test_same_submission_id_counts_once(matching, enrolled, render, submit):
    tokens = _options(render(matching, enrolled))
    sent = uuid.uuid4()
    right = [tokens[r] for _l, r in PAIRS]
    submit(enrolled, matching, {"match": right}, sent)
    again = submit(enrolled, matching, {"match": [tokens["ông"]] * 4}, sent)
    assert again["duplicate"] is True and again["score"] == 1.0
    assert Attempt.objects.filter(block=matching).count() == 1


def test_author_form_round_trips_and_drops_empty_rows(matching, trainer, xblock_of):
    xblock = xblock_of(matching, trainer)
    html = xblock.studio_view({}).body_html()
    assert html.count('name="left"') >= 6 and 'value="ayŏng"' in html
    fields = author_roundtrip(
        "matching",
        [
            ("left", "cuốc"),
            ("right", "xới đất"),
            ("left", ""),
            ("right", ""),
            ("left", "kéo"),
            ("right", "tỉa cành"),
            ("distractors", "tưới nước\n"),
        ],
        xblock,
    )
    assert fields["pairs"] == [["cuốc", "xới đất"], ["kéo", "tỉa cành"]]
    assert fields["distractors"] == ["tưới nước"]


def test_half_filled_pair_fails_validation(matching, trainer, xblock_of):
    with pytest.raises(ValidationError):
        author_roundtrip(
            "matching",
            [
                ("left", "a"),
                ("right", "b"),
                ("left", "c"),
                ("right", ""),
                ("left", "d"),
                ("right", "e"),
            ],
            xblock_of(matching, trainer),
        )
