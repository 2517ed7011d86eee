"""Ordering: shuffled with opaque tokens, reordered, graded, refused, authored."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.exceptions import ValidationError

from courses.models import Attempt, BlockSummary
from tests.content_authoring.blocks.conftest import author_roundtrip

STEPS = [
    "Chọn gốc ghép khoẻ",
    "Cắt vát mắt ghép",
    "Cắm mắt ghép vào gốc",
    "Buộc dây nilon",
    "Che nắng và tưới",
]


@pytest.fixture
def ordering(make_block):
    return make_block("ordering", {"items": STEPS})


def _rows(html: str) -> list[tuple[str, str]]:
    """(text, token) in page order."""
    return re.findall(
        r'<span class="order-text">([^<]+)</span>\s*'
        r'<input type="hidden" name="item" value="([0-9a-f]{16})">',
        html,
    )


def test_ordering_renders_items_shuffled_with_opaque_tokens(ordering, enrolled, render):
    html = render(ordering, enrolled)
    rows = _rows(html)
    assert sorted(t for t, _ in rows) == sorted(STEPS)
    assert [t for t, _ in rows] != STEPS
    assert "content_authoring/ordering.js" not in html  # a page resource
    assert 'data-move="up"' in html and 'aria-live="polite"' in html
    # Nothing on the page counts items in their right order.
    assert not re.search(r"data-(index|order|correct)=", html)


def test_ordering_loads_its_script_only_through_its_fragment(ordering, enrolled, rf):
    from content_authoring.selectors import lesson_render

    request = rf.get("/lesson/")
    request.user = enrolled
    rendered = lesson_render(request=request, user=enrolled, lesson=ordering.lesson)
    assert "content_authoring/ordering.js" in rendered.foot_html


def test_tokens_are_the_same_on_every_render_but_differ_per_block(
    ordering, make_block, enrolled, render
):
    first = dict(_rows(render(ordering, enrolled)))
    again = dict(_rows(render(ordering, enrolled)))
    other = dict(_rows(render(make_block("ordering", {"items": STEPS}), enrolled)))
    assert first == again
    assert set(first.values()).isdisjoint(other.values())


def test_right_order_scores_one(ordering, enrolled, render, submit):
    tokens = dict(_rows(render(ordering, enrolled)))
    result = submit(enrolled, ordering, {"order": [tokens[s] for s in STEPS]})
    assert result["correct"] is True and result["score"] == 1.0


def test_wrong_order_scores_zero_without_partial_credit(
    ordering, enrolled, render, submit
):
    tokens = dict(_rows(render(ordering, enrolled)))
    order = [tokens[s] for s in STEPS]
    order[0], order[1] = order[1], order[0]
    result = submit(enrolled, ordering, {"order": order})
    assert result["correct"] is False and result["score"] == 0.0
    # "3 of 5" in English, "3 trên 5" in Vietnamese.
    assert re.search(r"\b3 \S+ 5\b", result["feedback_html"]), result["feedback_html"]


def test_partial_credit_is_the_share_of_items_in_place(
    make_block, enrolled, render, submit
):
    block = make_block("ordering", {"items": STEPS, "partial_credit": True})
    tokens = dict(_rows(render(block, enrolled)))
    order = [tokens[s] for s in STEPS]
    order[0], order[1] = order[1], order[0]
    assert submit(enrolled, block, {"order": order})["score"] == 0.6
    assert BlockSummary.objects.get(user=enrolled, block=block).score == 0.6


def test_form_without_javascript_orders_by_position_numbers(
    ordering, enrolled, render, client_for
):
    rows = _rows(render(ordering, enrolled))
    positions = [str(STEPS.index(text) + 1) for text, _token in rows]
    response = client_for(enrolled).post(
        f"/blocks/{ordering.pk}/handler/submit/",
        {
            "item": [token for _t, token in rows],
            "position": positions,
            "submission_id": str(uuid.uuid4()),
            "next": "/lesson/",
        },
    )
    assert response.status_code == 302
    assert BlockSummary.objects.get(user=enrolled, block=ordering).score == 1.0


def test_page_after_answering_keeps_the_learners_order(
    ordering, enrolled, render, submit
):
    tokens = dict(_rows(render(ordering, enrolled)))
    mine = [STEPS[1], STEPS[0], *STEPS[2:]]
    submit(enrolled, ordering, {"order": [tokens[s] for s in mine]})
    html = render(ordering, enrolled)
    assert [t for t, _ in _rows(html)] == mine
    assert html.count('class="order-item wrong"') == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"order": "abc"},
        {"order": []},
        {"order": [0, 1, 2, 3, 4]},
        {"order": ["0", "1", "2", "3", "4"]},
        {"order": ["deadbeefdeadbeef"] * 5},
    ],
)
def test_bad_payload_is_refused_and_records_nothing(ordering, enrolled, submit, data):
    with pytest.raises(ValidationError):
        submit(enrolled, ordering, data)
    assert not Attempt.objects.filter(block=ordering).exists()


def test_repeated_or_missing_token_is_refused(ordering, enrolled, render, submit):
    tokens = [tok for _t, tok in _rows(render(ordering, enrolled))]
    with pytest.raises(ValidationError):
        submit(enrolled, ordering, {"order": tokens[:4] + tokens[:1]})
    with pytest.raises(ValidationError):
        submit(enrolled, ordering, {"item": tokens, "position": ["1", "x", "", "", ""]})
    assert not Attempt.objects.filter(block=ordering).exists()


def test_same_submission_id_counts_once(ordering, enrolled, render, submit):
    tokens = dict(_rows(render(ordering, enrolled)))
    sent = uuid.uuid4()
    right = [tokens[s] for s in STEPS]
    submit(enrolled, ordering, {"order": right}, sent)
    again = submit(enrolled, ordering, {"order": right[::-1]}, sent)
    assert again["duplicate"] is True and again["score"] == 1.0
    assert Attempt.objects.filter(block=ordering).count() == 1


def test_author_form_round_trips(ordering, trainer, xblock_of):
    xblock = xblock_of(ordering, trainer)
    html = xblock.studio_view({}).body_html()
    assert "\n".join(STEPS) in html
    fields = author_roundtrip(
        "ordering",
        [("items", "Một\r\nHai\r\n\r\nBa"), ("partial_credit", "on")],
        xblock,
    )
    assert fields["items"] == ["Một", "Hai", "Ba"]
    assert fields["partial_credit"] is True


@pytest.mark.parametrize("items", ["Một", "Một\nMột"])
def test_too_few_or_repeated_items_fail_validation(ordering, trainer, xblock_of, items):
    with pytest.raises(ValidationError):
        author_roundtrip("ordering", [("items", items)], xblock_of(ordering, trainer))
