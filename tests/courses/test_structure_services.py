"""Course structure edited by its trainers: details, modules, lessons."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses import selectors, services
from courses.models import Lesson, Module
from lms.models import Role
from tests import factories


@pytest.fixture
def course(trainer):
    return factories.make_course(lessons=2, trainers=(trainer,))


def test_course_details_are_saved_in_nfc_and_searchable(trainer, course):
    decomposed = (
        "Tie\u0302\u0301ng E\u0302 \u0110e\u0302"  # "Tiếng Ê Đê" typed with marks
    )
    services.course_update(actor=trainer, course=course, title=decomposed, hours=12)
    course.refresh_from_db()
    assert course.title == "Tiếng Ê Đê" and course.hours == 12
    assert "tieng e de" in course.search_text


def test_only_the_course_trainers_change_its_details(course):
    with pytest.raises(PermissionDenied):
        services.course_update(
            actor=factories.make_user(Role.TRAINER), course=course, title="x"
        )


def test_a_lesson_moves_to_another_module_at_its_end(trainer, course):
    second = services.module_create(actor=trainer, course=course, title="Phần 2")
    lesson = course.lessons.order_by("position").first()
    services.lesson_update(
        actor=trainer,
        lesson=lesson,
        title="Bài đầu",
        estimated_minutes=15,
        module=second,
    )
    lesson.refresh_from_db()
    assert lesson.module == second and lesson.position == 1
    assert lesson.title == "Bài đầu" and lesson.estimated_minutes == 15


def test_a_lesson_does_not_move_to_another_course(trainer, course):
    other = factories.make_course(trainers=(trainer,))
    lesson = course.lessons.first()
    with pytest.raises(ValidationError):
        services.lesson_update(
            actor=trainer,
            lesson=lesson,
            title=lesson.title,
            estimated_minutes=10,
            module=other.modules.first(),
        )


def test_lessons_and_modules_reorder_and_renumber(trainer, course):
    first, second = course.lessons.order_by("position")
    services.lesson_move(actor=trainer, lesson=second, offset=-1)
    assert list(
        Lesson.objects.filter(course=course)
        .order_by("position")
        .values_list("pk", flat=True)
    ) == [second.pk, first.pk]
    extra = services.module_create(actor=trainer, course=course, title="Phần 2")
    services.module_move(actor=trainer, module=extra, offset=-5)  # clamps at the top
    assert list(course.modules.order_by("position")) == [
        extra,
        Module.objects.get(course=course, title="Phần 1"),
    ]


def test_an_unpublished_lesson_leaves_the_learners_view(
    trainer, course, learner, django_capture_on_commit_callbacks
):
    factories.enroll(learner, course)
    lesson = course.lessons.first()
    assert selectors.lesson_get_for_user(
        user=learner, course=course, lesson_id=lesson.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_unpublish(actor=trainer, lesson=lesson)
    assert (
        selectors.lesson_get_for_user(user=learner, course=course, lesson_id=lesson.pk)
        is None
    )


def test_an_empty_title_is_refused(trainer, course):
    with pytest.raises(ValidationError):
        services.module_create(actor=trainer, course=course, title="   ")
    with pytest.raises(ValidationError):
        services.lesson_create(actor=trainer, module=course.modules.first(), title="")


def test_a_module_with_lessons_is_not_deleted(trainer, course):
    module = course.modules.first()
    with pytest.raises(ValidationError):
        services.module_delete(actor=trainer, module=module)
    empty = services.module_create(actor=trainer, course=course, title="Trống")
    services.module_delete(actor=trainer, module=empty)
    assert not Module.objects.filter(pk=empty.pk).exists()
