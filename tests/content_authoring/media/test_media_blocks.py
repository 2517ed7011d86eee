"""Video, audio and image blocks over media assets: the learner's player and
the author view."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from content_authoring.media.models import MediaAsset, Rendition
from content_authoring.models import Block
from content_authoring.runtime import BlockRuntime
from content_authoring.selectors import lesson_render
from content_authoring.services import block_create
from tests import factories


@pytest.fixture
def lesson(media_course):
    lesson = media_course.lessons.get()
    lesson.blocks.all().delete()
    return lesson


def make_ready_asset(course, kind="video", *, subtitles=""):
    asset = MediaAsset.objects.create(
        course=course,
        kind=kind,
        title="Tỉa cành cà phê",
        status="ready",
        progress=1,
        duration=62,
        subtitles=subtitles,
        subtitles_lang="vi" if subtitles else "",
    )
    if kind == "audio":
        rows = [("audio", "m4a", "audio/mp4", 480_000, None, None)]
    else:
        rows = [
            ("360p", "mp4", "video/mp4", 3_400_000, 480, 360),
            ("240p", "mp4", "video/mp4", 1_600_000, 320, 240),
            ("poster", "jpg", "image/jpeg", 20_000, None, None),
        ]
    for name, ext, mime, size, w, h in rows:
        Rendition.objects.create(
            asset=asset,
            name=name,
            file=f"media_assets/{asset.pk}/{name}-0123456789abcdef.{ext}",
            mime_type=mime,
            size_bytes=size,
            width=w,
            height=h,
        )
    return asset


def render(lesson, user, rf, block, **headers):
    request = rf.get("/lesson/", **headers)
    request.user = user
    rendered = lesson_render(request=request, user=user, lesson=lesson)
    html = next(str(b.html) for b in rendered.blocks if b.block.pk == block.pk)
    return html, rendered


def test_video_plays_360p_by_default_and_offers_the_small_copy_to_download(
    lesson, learner, rf
):
    asset = make_ready_asset(lesson.course, subtitles="media_assets/1/sub.vtt")
    block = Block.objects.create(
        lesson=lesson, block_type="video", position=1, fields={"asset_id": asset.pk}
    )
    html, rendered = render(lesson, learner, rf, block)
    base = f"/media/media_assets/{asset.pk}/"
    assert '<video controls preload="none"' in html
    assert f'<source src="{base}360p-0123456789abcdef.mp4" type="video/mp4">' in html
    assert f'data-src-small="{base}240p-0123456789abcdef.mp4"' in html
    assert 'data-choice="normal"' in html
    assert f'poster="{base}poster-0123456789abcdef.jpg"' in html
    assert re.search(
        rf'<a href="{base}240p-0123456789abcdef.mp4" download[^>]*>[^<]*1[.,]5\s?MB',
        html,
    )
    assert (
        '<track kind="subtitles" src="/media/media_assets/1/sub.vtt" srclang="vi"'
        in html
    )
    assert 'width="480" height="360"' in html
    assert "data-data-saver" in html
    assert "content_authoring/media-player.js" in rendered.foot_html
    assert "content_authoring/media.js" in rendered.foot_html


def test_save_data_header_makes_the_small_copy_the_one_that_plays(lesson, learner, rf):
    asset = make_ready_asset(lesson.course)
    block = Block.objects.create(
        lesson=lesson, block_type="video", position=1, fields={"asset_id": asset.pk}
    )
    html, _ = render(lesson, learner, rf, block, HTTP_SAVE_DATA="on")
    assert re.search(r'<source src="[^"]*/240p-[0-9a-f]{16}\.mp4"', html)
    assert 'data-choice="small"' in html
    assert re.search(r"<input type=\"checkbox\" data-data-saver checked>", html)


def test_a_video_still_processing_says_so_instead_of_a_broken_player(
    lesson, learner, rf
):
    asset = MediaAsset.objects.create(course=lesson.course, kind="video")
    block = Block.objects.create(
        lesson=lesson, block_type="video", position=1, fields={"asset_id": asset.pk}
    )
    html, _ = render(lesson, learner, rf, block)
    assert "<video" not in html
    assert "prepared" in html or "chuẩn bị" in html


def test_an_outside_video_keeps_its_address_and_subtitles(lesson, learner, rf):
    block = Block.objects.create(
        lesson=lesson,
        block_type="video",
        position=1,
        fields={
            "src": "https://example.org/v.mp4",
            "subtitles": "https://example.org/v.vtt",
            "subtitles_lang": "rad",
        },
    )
    html, _ = render(lesson, learner, rf, block)
    assert '<source src="https://example.org/v.mp4">' in html
    assert 'src="https://example.org/v.vtt" srclang="rad"' in html
    assert "data-data-saver" not in html


def test_audio_plays_its_small_m4a_with_a_download_link(lesson, learner, rf):
    asset = make_ready_asset(lesson.course, kind="audio")
    block = Block.objects.create(
        lesson=lesson, block_type="audio", position=1, fields={"asset_id": asset.pk}
    )
    html, _ = render(lesson, learner, rf, block)
    assert '<audio controls preload="none"' in html
    assert re.search(
        r'<source src="[^"]*/audio-[0-9a-f]{16}\.m4a" type="audio/mp4">', html
    )
    assert re.search(r"468[.,]8\s?KB", html)  # 480,000 bytes


def _studio(block, user):
    runtime = BlockRuntime(user=user, can_edit_content=True)
    runtime.kvs.prime(blocks=[block])
    xblock = runtime.get_block(str(block.pk))
    return xblock, xblock.studio_view({}).body_html()


def test_author_view_lists_only_this_courses_ready_videos(lesson, trainer):
    mine = make_ready_asset(lesson.course)
    MediaAsset.objects.create(course=lesson.course, kind="video", title="Đang xử lý")
    other = make_ready_asset(factories.make_course(lessons=1))
    block = Block.objects.create(
        lesson=lesson, block_type="video", position=1, fields={"asset_id": mine.pk}
    )
    _, html = _studio(block, trainer)
    assert f'<option value="{mine.pk}" selected>' in html
    assert f'value="{other.pk}"' not in html
    assert "Đang xử lý" not in html
    assert 'name="subtitles"' in html and 'name="transcript"' in html
    assert f"/blocks/media/course/{lesson.course_id}/" in html


def test_author_parse_refuses_another_courses_asset(lesson, trainer):
    other = make_ready_asset(factories.make_course(lessons=1))
    block = Block.objects.create(
        lesson=lesson, block_type="video", position=1, fields={"src": "/media/x.mp4"}
    )
    xblock, _ = _studio(block, trainer)
    with pytest.raises(ValidationError) as caught:
        xblock.author_parse(QueryDict(f"asset_id={other.pk}"))
    assert "asset_id" in caught.value.message_dict


def test_author_parse_reads_the_form_into_fields(lesson, trainer):
    asset = make_ready_asset(lesson.course)
    block = Block.objects.create(
        lesson=lesson, block_type="video", position=1, fields={"src": "/media/x.mp4"}
    )
    xblock, _ = _studio(block, trainer)
    data = QueryDict(mutable=True)
    data.update(
        {
            "asset_id": str(asset.pk),
            "caption": " Tỉa cành ",
            "transcript": "Dòng một",
            "lang": "vi",
            "src": "",
            "poster": "javascript:alert(1)",
        }
    )
    with pytest.raises(ValidationError):
        xblock.author_parse(data)
    data["poster"] = ""
    values = xblock.author_parse(data)
    assert values["asset_id"] == asset.pk and values["caption"] == "Tỉa cành"


def test_a_video_block_needs_a_file_or_an_address(lesson, trainer):
    lesson.course.trainers.add(trainer)
    with pytest.raises(ValidationError):
        block_create(actor=trainer, lesson=lesson, block_type="video", fields={})
    asset = make_ready_asset(lesson.course)
    block = block_create(
        actor=trainer, lesson=lesson, block_type="video", fields={"asset_id": asset.pk}
    )
    assert block.fields["asset_id"] == asset.pk


def test_image_author_view_offers_an_upload_that_fills_the_address(lesson, trainer):
    block = Block.objects.create(
        lesson=lesson,
        block_type="image",
        position=1,
        fields={"src": "/media/i.jpg", "alt": "Cây cà phê"},
    )
    xblock, html = _studio(block, trainer)
    assert f'data-image-upload="/blocks/media/course/{lesson.course_id}/image/"' in html
    # The file input has no name: the authoring form never posts the file.
    assert re.search(r'<input type="file"(?![^>]*name=)', html)
    values = xblock.author_parse(
        QueryDict("src=/media/j.jpg&alt=Hoa&caption=&width=1280&height=853")
    )
    assert values["width"] == 1280 and values["alt"] == "Hoa"


def _add_video(lesson, asset, position):
    return Block.objects.create(
        lesson=lesson,
        block_type="video",
        position=position,
        fields={"asset_id": asset.pk, "caption": f"Video {position}"},
        required=True,
        graded=False,
    )


def test_players_of_a_lesson_cost_the_same_queries_however_many(
    lesson, learner, rf, django_assert_max_num_queries
):
    """Every uploaded video of the page is read in one go, not per player."""
    factories.enroll(learner, lesson.course)
    _add_video(lesson, make_ready_asset(lesson.course), 1)
    request = rf.get("/lesson/")
    request.user = learner
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        lesson_render(request=request, user=learner, lesson=lesson)
    for position in range(2, 6):
        _add_video(lesson, make_ready_asset(lesson.course), position)
    with django_assert_max_num_queries(len(one)):
        rendered = lesson_render(request=request, user=learner, lesson=lesson)
    assert len(rendered.blocks) == 5
    assert all("240p" in str(b.html) or "360p" in str(b.html) for b in rendered.blocks)
