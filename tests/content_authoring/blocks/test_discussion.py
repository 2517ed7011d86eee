"""The discussion block's learner and author views (posting: tests/…/coursework)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.content_authoring.blocks.conftest import author_roundtrip


@pytest.fixture
def discussion(make_block):
    return make_block(
        "discussion", {"prompt": "Kể về vườn cà phê của bạn."}, graded=False
    )


def test_discussion_renders_the_prompt_and_a_reply_form(discussion, enrolled, render):
    html = render(discussion, enrolled)
    assert "Kể về vườn cà phê của bạn." in html
    assert 'name="body"' in html and 'maxlength="2000"' in html
    assert f"/blocks/coursework/discussions/{discussion.pk}/posts/" in html


def test_author_form_round_trips(discussion, trainer, xblock_of):
    xblock = xblock_of(discussion, trainer)
    assert 'name="prompt"' in xblock.studio_view({}).body_html()
    fields = author_roundtrip(
        "discussion", [("prompt", " Hỏi gì? "), ("max_length", "500")], xblock
    )
    assert (
        fields
        == {"display_name": "", "prompt": "Hỏi gì?", "max_length": 500, "lang": ""}
        or fields["prompt"] == "Hỏi gì?"
    )


@pytest.mark.parametrize(
    "pairs",
    [
        [("prompt", "")],
        [("prompt", "x"), ("max_length", "10")],
        [("prompt", "x"), ("max_length", "dài")],
    ],
)
def test_bad_author_form_is_refused(discussion, trainer, xblock_of, pairs):
    with pytest.raises(ValidationError):
        author_roundtrip("discussion", pairs, xblock_of(discussion, trainer))
