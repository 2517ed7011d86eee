"""Drafts and publication: learners keep the published lesson while a trainer
writes the next version."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils import translation

from content_authoring import selectors, services
from content_authoring.models import Block, LessonRevision
from courses.models import Enrollment
from lms.models import Role
from tests import factories


@pytest.fixture
def trainer_course(trainer):
    return factories.make_course(lessons=1, trainers=(trainer,))


@pytest.fixture
def lesson(trainer_course):
    return trainer_course.lessons.get()


def _form(**values) -> QueryDict:
    q = QueryDict(mutable=True)
    for k, v in values.items():
        q[k] = v
    return q


def _html_block(lesson) -> Block:
    return Block.objects.get(lesson=lesson, block_type="html")


def test_edit_waits_in_the_draft_until_published(trainer, lesson):
    block = _html_block(lesson)
    services.block_author_save(
        actor=trainer, block_id=block.pk, data=_form(html="<p>Bản mới</p>")
    )
    block.refresh_from_db()
    assert block.fields["html"] == "<p>Nội dung bài 1</p>"  # learners still see this
    assert block.draft["fields"]["html"] == "<p>Bản mới</p>"
    published = selectors.lesson_blocks(lesson_id=lesson.pk)
    assert [b.fields.get("html") for b in published if b.block_type == "html"] == [
        "<p>Nội dung bài 1</p>"
    ]
    drafts = selectors.lesson_blocks_draft(lesson_id=lesson.pk)
    assert drafts[0].fields["html"] == "<p>Bản mới</p>"

    revision = services.lesson_publish(
        actor=trainer, lesson=lesson, note="Sửa đoạn mở đầu"
    )
    block.refresh_from_db()
    assert block.fields["html"] == "<p>Bản mới</p>" and block.draft is None
    assert revision.number == 1 and revision.note == "Sửa đoạn mở đầu"
    assert revision.blocks[0]["fields"]["html"] == "<p>Bản mới</p>"


def test_trainer_html_is_sanitised_in_the_draft(trainer, lesson):
    block = _html_block(lesson)
    services.block_author_save(
        actor=trainer,
        block_id=block.pk,
        data=_form(html='<p onclick="x()">Chào<script>alert(1)</script></p>'),
    )
    block.refresh_from_db()
    assert block.draft["fields"]["html"] == "<p>Chào</p>"


def test_new_block_is_hidden_from_learners_until_published(trainer, lesson):
    block = services.block_add(actor=trainer, lesson=lesson, block_type="html")
    assert not block.live
    assert block.pk not in [b.pk for b in selectors.lesson_blocks(lesson_id=lesson.pk)]
    assert block.pk not in [
        p.id for p in selectors.course_counted_blocks(course_id=lesson.course_id)
    ]
    services.block_author_save(
        actor=trainer, block_id=block.pk, data=_form(html="<p>Thêm</p>")
    )
    services.lesson_publish(actor=trainer, lesson=lesson, note="Thêm đoạn văn")
    block.refresh_from_db()
    assert block.live and block.fields["html"] == "<p>Thêm</p>"
    assert [b.pk for b in selectors.lesson_blocks(lesson_id=lesson.pk)][-1] == block.pk


def test_publishing_an_invalid_block_changes_nothing(trainer, lesson):
    block = services.block_add(actor=trainer, lesson=lesson, block_type="mcq")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.lesson_publish(actor=trainer, lesson=lesson, note="Câu hỏi mới")
    assert any("Block 3" in m for m in exc.value.messages)
    block.refresh_from_db()
    assert not block.live
    assert not LessonRevision.objects.filter(lesson=lesson).exists()


def test_publishing_needs_a_change_note(trainer, lesson):
    with pytest.raises(ValidationError):
        services.lesson_publish(actor=trainer, lesson=lesson, note="   ")


def test_removed_block_stays_for_learners_until_published(trainer, lesson):
    block = _html_block(lesson)
    services.block_remove(actor=trainer, block_id=block.pk)
    assert block.pk in [b.pk for b in selectors.lesson_blocks(lesson_id=lesson.pk)]
    assert block.pk not in [
        b.pk for b in selectors.lesson_blocks_draft(lesson_id=lesson.pk)
    ]
    services.block_restore(actor=trainer, block_id=block.pk)
    assert block.pk in [
        b.pk for b in selectors.lesson_blocks_draft(lesson_id=lesson.pk)
    ]
    services.block_remove(actor=trainer, block_id=block.pk)
    services.lesson_publish(actor=trainer, lesson=lesson, note="Bỏ đoạn văn")
    block.refresh_from_db()
    assert not block.live  # the row and its learners' records stay
    assert block.pk not in [b.pk for b in selectors.lesson_blocks(lesson_id=lesson.pk)]


def test_removing_a_never_published_block_deletes_it(trainer, lesson):
    block = services.block_add(actor=trainer, lesson=lesson, block_type="html")
    services.block_remove(actor=trainer, block_id=block.pk)
    assert not Block.objects.filter(pk=block.pk).exists()


def test_reorder_and_move_apply_on_publish(trainer, lesson):
    html, mcq = selectors.lesson_blocks(lesson_id=lesson.pk)
    services.block_move(actor=trainer, block_id=mcq.pk, offset=-1)
    assert [b.pk for b in selectors.lesson_blocks_draft(lesson_id=lesson.pk)] == [
        mcq.pk,
        html.pk,
    ]
    assert [b.pk for b in selectors.lesson_blocks(lesson_id=lesson.pk)] == [
        html.pk,
        mcq.pk,
    ]
    services.lesson_publish(actor=trainer, lesson=lesson, note="Câu hỏi lên đầu")
    assert [b.pk for b in selectors.lesson_blocks(lesson_id=lesson.pk)] == [
        mcq.pk,
        html.pk,
    ]


def test_reorder_refuses_a_stale_order(trainer, lesson):
    html, mcq = selectors.lesson_blocks(lesson_id=lesson.pk)
    with pytest.raises(ValidationError):
        services.lesson_blocks_reorder(actor=trainer, lesson=lesson, order=[html.pk])
    with pytest.raises(ValidationError):
        services.lesson_blocks_reorder(
            actor=trainer, lesson=lesson, order=[html.pk, html.pk]
        )


def test_discarding_the_draft_restores_the_published_lesson(trainer, lesson):
    html = _html_block(lesson)
    services.block_author_save(
        actor=trainer, block_id=html.pk, data=_form(html="<p>Nháp</p>")
    )
    added = services.block_add(actor=trainer, lesson=lesson, block_type="html")
    services.lesson_draft_discard(actor=trainer, lesson=lesson)
    html.refresh_from_db()
    assert html.draft is None
    assert not Block.objects.filter(pk=added.pk).exists()


def test_saving_the_published_values_leaves_no_draft(trainer, lesson):
    html = _html_block(lesson)
    form = _form(html="<p>Bản mới</p>")
    services.block_author_save(actor=trainer, block_id=html.pk, data=form)
    services.lesson_publish(actor=trainer, lesson=lesson, note="Sửa")
    services.block_author_save(actor=trainer, block_id=html.pk, data=form)
    html.refresh_from_db()
    assert html.draft is None


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.ORGANISER])
def test_only_the_course_trainers_and_admins_edit(role, lesson, admin_user):
    outsider = factories.make_user(role)
    block = _html_block(lesson)
    with pytest.raises(PermissionDenied):
        services.block_author_save(
            actor=outsider, block_id=block.pk, data=_form(html="<p>x</p>")
        )
    with pytest.raises(PermissionDenied):
        services.block_add(actor=outsider, lesson=lesson, block_type="html")
    with pytest.raises(PermissionDenied):
        services.lesson_publish(actor=outsider, lesson=lesson, note="x")
    with pytest.raises(PermissionDenied):
        services.block_remove(actor=outsider, block_id=block.pk)
    # An administrator may.
    services.block_author_save(
        actor=admin_user, block_id=block.pk, data=_form(html="<p>x</p>")
    )


def test_publication_recomputes_progress_of_enrolled_learners(
    trainer, lesson, learner, django_capture_on_commit_callbacks
):
    """A new required block makes a finished course unfinished again."""
    course = lesson.course
    enrollment = factories.enroll(learner, course)
    Enrollment.objects.filter(pk=enrollment.pk).update(progress=0.5)
    block = services.block_add(actor=trainer, lesson=lesson, block_type="html")
    services.block_author_save(
        actor=trainer, block_id=block.pk, data=_form(html="<p>Thêm</p>")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_publish(actor=trainer, lesson=lesson, note="Thêm đoạn")
    enrollment.refresh_from_db()
    assert enrollment.progress == 0.0  # re-derived over three required blocks


def test_unknown_block_type_is_refused(trainer, lesson):
    with pytest.raises(ValidationError):
        services.block_add(actor=trainer, lesson=lesson, block_type="no-such-type")
