"""The assignment block's learner and author views (uploads: tests/…/coursework)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from content_authoring.models import Block
from tests.content_authoring.blocks.conftest import author_roundtrip

RUBRIC = [{"name": "Vết ghép", "description": "Khít", "points": 6}]


@pytest.fixture
def assignment(make_block):
    return make_block(
        "assignment",
        {"instructions": "Chụp ảnh cây ghép.", "rubric": RUBRIC, "kinds": ["photo"]},
    )


def test_assignment_renders_instructions_rubric_and_a_camera_upload(
    assignment, enrolled, render
):
    html = render(assignment, enrolled)
    assert "Chụp ảnh cây ghép." in html and "Vết ghép" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert f"/blocks/coursework/assignments/{assignment.pk}/submit/" in html


def test_assignment_accepting_pdf_offers_no_camera(make_block, enrolled, render):
    block = make_block(
        "assignment",
        {"instructions": "Nộp báo cáo.", "rubric": RUBRIC, "kinds": ["document"]},
    )
    html = render(block, enrolled)
    assert "application/pdf" in html and "capture" not in html


def test_mark_as_done_does_not_complete_an_assignment(assignment, enrolled):
    import uuid

    from content_authoring.services import lesson_mark_viewed
    from courses.models import BlockSummary

    lesson_mark_viewed(
        user=enrolled, lesson_id=assignment.lesson_id, submission_id=uuid.uuid4()
    )
    assert not BlockSummary.objects.filter(block=assignment).exists()


def test_author_form_round_trips(assignment, trainer, xblock_of):
    xblock = xblock_of(assignment, trainer)
    html = xblock.studio_view({}).body_html()
    assert 'value="Vết ghép"' in html and "<form" not in html
    fields = author_roundtrip(
        "assignment",
        [
            ("instructions", "Chụp ảnh."),
            ("criterion_name", "Rõ nét"),
            ("criterion_description", ""),
            ("criterion_points", "2,5"),
            ("criterion_name", ""),
            ("criterion_description", ""),
            ("criterion_points", ""),
            ("kinds", "photo"),
            ("kinds", "document"),
            ("kinds", "exe"),
            ("max_size_mb", "5"),
        ],
        xblock,
    )
    assert fields["rubric"] == [{"name": "Rõ nét", "description": "", "points": 2.5}]
    assert fields["kinds"] == ["photo", "document"]
    assert fields["max_size_mb"] == 5


@pytest.mark.parametrize(
    "pairs",
    [
        [("instructions", "x"), ("kinds", "photo")],  # no rubric
        [
            ("instructions", "x"),
            ("criterion_name", "a"),
            ("criterion_description", ""),
            ("criterion_points", "0"),
            ("kinds", "photo"),
        ],
        [
            ("instructions", "x"),
            ("criterion_name", "a"),
            ("criterion_description", ""),
            ("criterion_points", "3"),
        ],  # no kinds
        [
            ("instructions", "x"),
            ("criterion_name", "a"),
            ("criterion_description", ""),
            ("criterion_points", "nhiều"),
            ("kinds", "photo"),
        ],
    ],
)
def test_bad_author_form_is_refused(assignment, trainer, xblock_of, pairs):
    with pytest.raises(ValidationError):
        author_roundtrip("assignment", pairs, xblock_of(assignment, trainer))


def test_block_create_refuses_an_assignment_without_rubric(lesson, trainer):
    from content_authoring.services import block_create

    lesson.course.trainers.add(trainer)
    with pytest.raises(ValidationError):
        block_create(
            actor=trainer,
            lesson=lesson,
            block_type="assignment",
            fields={"instructions": "x", "rubric": []},
        )
    assert not Block.objects.filter(block_type="assignment").exists()
