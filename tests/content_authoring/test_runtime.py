"""The XBlock runtime over Django models."""

from __future__ import annotations

import importlib.metadata

import pytest
import xblock.plugin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from xblock.core import XBlock, XBlockAside
from xblock.exceptions import InvalidScopeError
from xblock.fields import Integer, Scope

from content_authoring.models import Block, BlockTypePreference, BlockUserState
from content_authoring.runtime import BlockRuntime, BlockTypeUnavailable
from content_authoring.selectors import lesson_render
from tests import factories


def _lesson_with_blocks(count: int):
    course = factories.make_course(lessons=1, with_question=False)
    lesson = course.lessons.get()
    lesson.blocks.all().delete()
    kinds = [
        ("html", {"html": "<p>Chữ</p>"}),
        ("mcq", {"question": "Hỏi?", "choices": ["a", "b"], "correct": [0]}),
        ("video", {"src": "/media/v.mp4"}),
        ("audio", {"src": "/media/a.mp3"}),
        ("image", {"src": "/media/i.jpg", "alt": "ảnh"}),
    ]
    Block.objects.bulk_create(
        Block(
            lesson=lesson,
            block_type=kinds[i % 5][0],
            fields=kinds[i % 5][1],
            position=i + 1,
            graded=kinds[i % 5][0] == "mcq",
        )
        for i in range(count)
    )
    return course, lesson


def _queries_to_render(lesson, user, rf) -> tuple[int, object]:
    request = rf.get("/lesson/")
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        rendered = lesson_render(request=request, user=user, lesson=lesson)
    return len(ctx.captured_queries), rendered


def test_rendering_a_lesson_takes_the_same_queries_for_2_or_40_blocks(learner, rf, db):
    small_course, small = _lesson_with_blocks(2)
    big_course, big = _lesson_with_blocks(40)
    for course in (small_course, big_course):
        factories.enroll(learner, course)
    # The learner has state on some blocks and a preference: rows to prefill.
    for block in list(big.blocks.all())[:10] + list(small.blocks.all()):
        BlockUserState.objects.create(
            block=block, user=learner, state={"watched": True}
        )
    BlockTypePreference.objects.create(user=learner, block_type="video", state={})

    small_queries, small_rendered = _queries_to_render(small, learner, rf)
    big_queries, big_rendered = _queries_to_render(big, learner, rf)

    assert len(small_rendered.blocks) == 2 and len(big_rendered.blocks) == 40
    assert all(b.available for b in big_rendered.blocks)
    assert small_queries == big_queries == 4


def test_page_resources_are_included_once(learner, rf, db):
    _course, lesson = _lesson_with_blocks(10)
    request = rf.get("/lesson/")
    request.user = learner
    rendered = lesson_render(request=request, user=learner, lesson=lesson)
    assert rendered.head_html.count("content_authoring/blocks.css") == 1
    assert rendered.foot_html.count("content_authoring/media.js") == 1
    assert rendered.foot_html.count("content_authoring/blocks.js") == 1


def test_user_state_persists_between_two_runtimes(enrolled, mcq):
    first = BlockRuntime(user=enrolled)
    block = first.get_block(str(mcq.pk))
    block.selected = [1]
    block.attempts = 3
    block.save()

    second = BlockRuntime(user=enrolled)
    again = second.get_block(str(mcq.pk))
    assert again.selected == [1]
    assert again.attempts == 3
    assert BlockUserState.objects.get(block=mcq, user=enrolled).state == {
        "selected": [1],
        "attempts": 3,
    }


def test_user_state_is_per_user(enrolled, mcq, db):
    other = factories.make_user()
    runtime = BlockRuntime(user=enrolled)
    block = runtime.get_block(str(mcq.pk))
    block.attempts = 2
    block.save()
    assert BlockRuntime(user=other).get_block(str(mcq.pk)).attempts == 0


class _SpeedBlock(XBlock):
    speed = Integer(scope=Scope.preferences, default=1)


def test_preferences_are_shared_by_blocks_of_one_type(enrolled, lesson):
    a = Block.objects.create(lesson=lesson, block_type="speed_test", position=5)
    b = Block.objects.create(lesson=lesson, block_type="speed_test", position=6)

    @XBlock.register_temp_plugin(_SpeedBlock, "speed_test")
    def scenario():
        block = BlockRuntime(user=enrolled).get_block(str(a.pk))
        block.speed = 2
        block.save()
        return BlockRuntime(user=enrolled).get_block(str(b.pk)).speed

    assert scenario() == 2
    assert BlockTypePreference.objects.get(
        user=enrolled, block_type="speed_test"
    ).state == {"speed": 2}


def test_learners_cannot_change_block_content(enrolled, mcq):
    block = BlockRuntime(user=enrolled).get_block(str(mcq.pk))
    block.question = "Khác"
    with pytest.raises(InvalidScopeError):
        block.save()
    mcq.refresh_from_db()
    assert mcq.fields["question"] == "Cà phê trồng ở đâu?"


def test_an_unknown_block_type_renders_a_message(enrolled, lesson, rf):
    Block.objects.create(lesson=lesson, block_type="no_such_type", position=9)
    request = rf.get("/lesson/")
    request.user = enrolled
    rendered = lesson_render(request=request, user=enrolled, lesson=lesson)
    broken = rendered.blocks[-1]
    assert broken.available is False
    assert "no_such_type" in broken.html
    assert "block-unavailable" in broken.html
    assert all(b.available for b in rendered.blocks[:-1])


@pytest.fixture
def broken_entry_point():
    """An installed XBlock whose import fails (a missing dependency)."""
    entry_point = importlib.metadata.EntryPoint(
        name="broken_xblock", value="no_such_module_xyz:Block", group="xblock.v1"
    )
    XBlock.extra_entry_points.append(("broken_xblock", entry_point))
    yield
    XBlock.extra_entry_points.remove(("broken_xblock", entry_point))
    xblock.plugin.PLUGIN_CACHE.clear()


def test_a_block_type_whose_class_fails_to_import_renders_a_message(
    enrolled, lesson, rf, broken_entry_point
):
    block = Block.objects.create(lesson=lesson, block_type="broken_xblock", position=9)
    with pytest.raises(BlockTypeUnavailable):
        BlockRuntime(user=enrolled).get_block(str(block.pk))
    request = rf.get("/lesson/")
    request.user = enrolled
    rendered = lesson_render(request=request, user=enrolled, lesson=lesson)
    assert "broken_xblock" in rendered.blocks[-1].html
    assert rendered.blocks[-1].available is False


def test_installed_asides_do_not_wrap_blocks(enrolled, lesson, html_block, rf):
    from web_fragments.fragment import Fragment

    class NoisyAside(XBlockAside):
        @XBlockAside.aside_for("student_view")
        def student_view_aside(self, block, context=None):
            return Fragment("<p>ASIDE</p>")

    @XBlockAside.register_temp_plugin(
        NoisyAside, "noisy_aside", group="xblock_asides.v1"
    )
    def scenario():
        request = rf.get("/lesson/")
        request.user = enrolled
        return lesson_render(request=request, user=enrolled, lesson=lesson)

    rendered = scenario()
    assert "ASIDE" not in "".join(b.html for b in rendered.blocks)


def test_handler_url_points_at_the_handler_view(enrolled, mcq):
    runtime = BlockRuntime(user=enrolled)
    block = runtime.get_block(str(mcq.pk))
    assert runtime.handler_url(block, "submit") == f"/blocks/{mcq.pk}/handler/submit/"
    assert (
        runtime.handler_url(block, "x", suffix="a/b", query="k=1")
        == f"/blocks/{mcq.pk}/handler/x/a/b?k=1"
    )
