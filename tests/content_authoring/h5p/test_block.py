"""The h5p block's author view: choose one of the course's packages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from content_authoring.h5p.services import h5p_package_upload
from content_authoring.models import Block
from content_authoring.runtime import BlockRuntime
from content_authoring.services import block_fields_clean
from tests import factories
from tests.content_authoring.h5p.conftest import make_package, upload_of


@pytest.fixture
def setup(trainer):
    course = factories.make_course(trainers=(trainer,), with_question=False)
    other = factories.make_course(trainers=(trainer,), with_question=False)
    mine = h5p_package_upload(
        actor=trainer, course=course, upload=upload_of(make_package())
    ).package
    theirs = h5p_package_upload(
        actor=trainer, course=other, upload=upload_of(make_package({"x.txt": b"1"}))
    ).package
    block = Block.objects.create(
        lesson=course.lessons.get(), block_type="h5p", fields={}, position=3
    )
    runtime = BlockRuntime(user=trainer, can_edit_content=True)
    runtime.kvs.prime(blocks=[block])
    return runtime.get_block(str(block.pk)), mine, theirs, course


def test_author_view_lists_only_this_courses_packages_and_an_upload_link(setup):
    xblock, mine, theirs, course = setup
    html = xblock.studio_view({}).body_html()
    assert f'value="{mine.pk}"' in html
    assert f'value="{theirs.pk}"' not in html
    assert f"/blocks/h5p/courses/{course.pk}/upload/" in html
    assert "<form" not in html and "<button" not in html


def test_author_parse_takes_a_package_of_this_course(setup):
    xblock, mine, _theirs, _course = setup
    fields = xblock.author_parse(QueryDict(f"package_id={mine.pk}&display_name=Bài"))
    assert fields == {"package_id": mine.pk, "display_name": "Bài"}
    assert block_fields_clean(block_type="h5p", fields=fields)["package_id"] == mine.pk


@pytest.mark.parametrize("value", ["", "abc", "999999", "THEIRS"])
def test_author_parse_refuses_another_courses_or_no_package(setup, value):
    xblock, _mine, theirs, _course = setup
    value = str(theirs.pk) if value == "THEIRS" else value
    with pytest.raises(ValidationError) as info:
        xblock.author_parse(QueryDict(f"package_id={value}"))
    assert "package_id" in info.value.message_dict


def test_a_block_without_a_package_does_not_validate():
    with pytest.raises(ValidationError):
        block_fields_clean(block_type="h5p", fields={"display_name": "x"})
