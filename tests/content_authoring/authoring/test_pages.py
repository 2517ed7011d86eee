"""The authoring pages, through the test client."""

from __future__ import annotations

import pytest
from django.urls import reverse
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Scope, String

from content_authoring.models import Block
from courses.models import Course, Lesson, Module
from lms.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def course(trainer):
    return factories.make_course(lessons=1, trainers=(trainer,))


@pytest.fixture
def lesson(course):
    return course.lessons.get()


def test_trainer_creates_a_course_and_becomes_its_trainer(client, trainer):
    program = factories.make_program()
    client.force_login(trainer)
    response = client.post(
        reverse("authoring:home"),
        {
            "program": program.pk,
            "title": "Ghép cà phê cho thanh niên",
            "language": "vi",
            "target_group": "youth",
        },
    )
    course = Course.objects.get(title="Ghép cà phê cho thanh niên")
    assert response.status_code == 302
    assert response.url == reverse("authoring:course", args=[course.slug])
    assert course.slug == "ghep-ca-phe-cho-thanh-nien"
    assert course.status == "draft"
    assert list(course.trainers.all()) == [trainer]


@pytest.mark.parametrize("role", [Role.LEARNER, Role.ORGANISER])
def test_people_who_do_not_teach_cannot_open_authoring(client, role, db):
    client.force_login(factories.make_user(role))
    assert client.get(reverse("authoring:home")).status_code == 403


def test_another_trainer_cannot_edit_the_course(client, lesson):
    client.force_login(factories.make_user(Role.TRAINER))
    assert client.get(reverse("authoring:lesson", args=[lesson.pk])).status_code == 403
    assert (
        client.get(reverse("authoring:course", args=[lesson.course.slug])).status_code
        == 403
    )
    block = Block.objects.filter(lesson=lesson).first()
    response = client.post(
        reverse("authoring:block_save", args=[block.pk]), {"html": "<p>x</p>"}
    )
    assert response.status_code == 403


def test_anonymous_is_sent_to_sign_in(client, lesson):
    response = client.get(reverse("authoring:lesson", args=[lesson.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_lesson_editor_shows_every_block_form(client, trainer, lesson):
    client.force_login(trainer)
    response = client.get(reverse("authoring:lesson", args=[lesson.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for block in Block.objects.filter(lesson=lesson):
        assert f'action="{reverse("authoring:block_save", args=[block.pk])}"' in html
    assert reverse("authoring:preview", args=[lesson.pk]) in html


def test_draft_edit_shows_in_preview_not_to_learners(client, trainer, lesson, learner):
    course = lesson.course
    factories.enroll(learner, course)
    block = Block.objects.get(lesson=lesson, block_type="html")
    client.force_login(trainer)
    response = client.post(
        reverse("authoring:block_save", args=[block.pk]),
        {"html": "<p>Đoạn văn mới về ghép cành</p>"},
    )
    assert response.status_code == 302
    preview = client.get(reverse("authoring:preview", args=[lesson.pk]))
    assert "Đoạn văn mới về ghép cành" in preview.content.decode()

    client.force_login(learner)
    page = client.get(reverse("courses:lesson", args=[course.slug, lesson.pk]))
    assert "Đoạn văn mới" not in page.content.decode()
    assert "Nội dung bài 1" in page.content.decode()

    client.force_login(trainer)
    client.post(reverse("authoring:publish", args=[lesson.pk]), {"note": "Viết lại"})
    client.force_login(learner)
    page = client.get(reverse("courses:lesson", args=[course.slug, lesson.pk]))
    assert "Đoạn văn mới về ghép cành" in page.content.decode()


def test_publish_without_note_is_refused_with_a_message(client, trainer, lesson):
    client.force_login(trainer)
    response = client.post(
        reverse("authoring:publish", args=[lesson.pk]), {"note": ""}, follow=True
    )
    assert not lesson.revisions.exists()
    assert "what changed" in response.content.decode().lower() or any(
        "what changed" in str(m).lower() or "thay đổi" in str(m).lower()
        for m in response.context["messages"]
    )


def test_drag_and_drop_order_is_saved(client, trainer, lesson):
    html, mcq = Block.objects.filter(lesson=lesson).order_by("position")
    client.force_login(trainer)
    response = client.post(
        reverse("authoring:reorder", args=[lesson.pk]),
        {"order": f"{mcq.pk},{html.pk}"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    mcq.refresh_from_db()
    assert mcq.draft == {"position": 1}
    stale = client.post(
        reverse("authoring:reorder", args=[lesson.pk]),
        {"order": f"{mcq.pk}"},
        HTTP_ACCEPT="application/json",
    )
    assert stale.status_code == 409 and "error" in stale.json()


def test_keyboard_move_buttons_reorder(client, trainer, lesson):
    html, mcq = Block.objects.filter(lesson=lesson).order_by("position")
    client.force_login(trainer)
    client.post(reverse("authoring:block_change", args=[mcq.pk]), {"action": "up"})
    mcq.refresh_from_db()
    html.refresh_from_db()
    assert mcq.draft == {"position": 1} and html.draft == {"position": 2}


def test_add_block_then_remove_it(client, trainer, lesson):
    client.force_login(trainer)
    response = client.post(
        reverse("authoring:block_add", args=[lesson.pk]), {"block_type": "html"}
    )
    block = Block.objects.filter(lesson=lesson).order_by("-pk").first()
    assert response.status_code == 302 and f"#b{block.pk}" in response.url
    assert not block.live
    client.post(
        reverse("authoring:block_change", args=[block.pk]), {"action": "remove"}
    )
    assert not Block.objects.filter(pk=block.pk).exists()


def test_adding_an_unknown_block_type_says_so(client, trainer, lesson):
    client.force_login(trainer)
    response = client.post(
        reverse("authoring:block_add", args=[lesson.pk]),
        {"block_type": "no-such-block"},
        follow=True,
    )
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    assert Block.objects.filter(lesson=lesson).count() == 2


def test_modules_and_lessons_are_built_from_the_course_page(client, trainer, course):
    client.force_login(trainer)
    client.post(
        reverse("authoring:module_add", args=[course.slug]), {"title": "Phần 2"}
    )
    module = Module.objects.get(course=course, title="Phần 2")
    response = client.post(
        reverse("authoring:module_change", args=[module.pk]),
        {"action": "add_lesson", "title": "Bài mới: Chào hỏi"},
    )
    lesson = Lesson.objects.get(module=module)
    assert response.url == reverse("authoring:lesson", args=[lesson.pk])
    assert lesson.status == "draft" and lesson.course_id == course.pk
    client.post(
        reverse("authoring:module_change", args=[module.pk]),
        {"action": "rename", "title": "Phần hai"},
    )
    client.post(reverse("authoring:module_change", args=[module.pk]), {"action": "up"})
    module.refresh_from_db()
    assert module.title == "Phần hai" and module.position == 1
    # A module with lessons is not deleted.
    client.post(
        reverse("authoring:module_change", args=[module.pk]), {"action": "delete"}
    )
    assert Module.objects.filter(pk=module.pk).exists()
    page = client.get(reverse("authoring:course", args=[course.slug]))
    assert "Bài mới: Chào hỏi" in page.content.decode()


def test_a_lesson_with_learner_records_is_not_deleted(client, trainer, lesson, learner):
    from courses.services import block_result_record

    factories.enroll(learner, lesson.course)
    block = Block.objects.get(lesson=lesson, block_type="html")
    block_result_record(
        user=learner,
        block_id=block.pk,
        submission_id="6f1c0c7e-8d41-4a51-9b1a-0a3b2c1d0e9f",
        kind="completion",
        progress=1.0,
    )
    client.force_login(trainer)
    client.post(
        reverse("authoring:lesson_change", args=[lesson.pk]), {"action": "delete"}
    )
    assert Lesson.objects.filter(pk=lesson.pk).exists()


@XBlock.needs("teleporter")
class _NeedsTeleporterBlock(XBlock):
    note = String(scope=Scope.content, default="")

    def student_view(self, context=None):
        return Fragment("<p>TELEPORTED</p>")


def test_block_needing_a_missing_service_says_so_in_the_editor(client, trainer, lesson):
    @XBlock.register_temp_plugin(_NeedsTeleporterBlock, "teleporter_author")
    def check():
        Block.objects.create(
            lesson=lesson, block_type="teleporter_author", position=9, fields={}
        )
        client.force_login(trainer)
        response = client.get(reverse("authoring:lesson", args=[lesson.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "teleporter_author" in html and "teleporter" in html
        assert "TELEPORTED" not in html
        # Adding another one is refused with the same reason, not a server error.
        added = client.post(
            reverse("authoring:block_add", args=[lesson.pk]),
            {"block_type": "teleporter_author"},
            follow=True,
        )
        assert added.status_code == 200
        assert any("teleporter" in str(m) for m in added.context["messages"])

    check()


def test_third_party_block_gets_the_generic_editor_and_saves(client, trainer, lesson):
    from tests.content_authoring.test_third_party import DND

    client.force_login(trainer)
    client.post(reverse("authoring:block_add", args=[lesson.pk]), {"block_type": DND})
    block = Block.objects.get(lesson=lesson, block_type=DND)
    page = client.get(reverse("authoring:lesson", args=[lesson.pk])).content.decode()
    assert 'name="field-display_name"' in page
    response = client.post(
        reverse("authoring:block_save", args=[block.pk]),
        {"field-display_name": "Kéo thả: các bộ phận cây cà phê", "field-weight": "1"},
    )
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.fields["display_name"] == "Kéo thả: các bộ phận cây cà phê"


def test_answering_a_draft_block_in_preview_is_not_recorded(client, trainer, lesson):
    block = services_block_add(trainer, lesson)
    client.force_login(trainer)
    response = client.post(
        reverse("content_authoring:block_handler", args=[block.pk, "submit"]),
        {"submission_id": "6f1c0c7e-8d41-4a51-9b1a-0a3b2c1d0e9f", "selected": "0"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 404
    assert response.json()["error"]
    from courses.models import Attempt

    assert not Attempt.objects.filter(block_id=block.pk).exists()


def services_block_add(trainer, lesson):
    from content_authoring.services import block_add

    return block_add(actor=trainer, lesson=lesson, block_type="mcq")
