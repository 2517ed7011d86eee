import unicodedata
import xml.etree.ElementTree as ET

import pytest
from django.test import RequestFactory

from content_authoring.selectors import lesson_render
from courses.models import Course, Enrollment, Lesson
from lms.demo.courses import WORDS
from lms.demo.loader import load_demo
from lms.models import Role, User

pytestmark = pytest.mark.django_db


def test_demo_has_every_role_and_six_published_courses_on_four_tracks():
    load_demo()
    assert {u.role for u in User.objects.all()} == set(Role.values)
    published = Course.objects.filter(status="published")
    assert published.count() >= 6
    assert {c.program.track for c in published} == {
        "ethnic_language",
        "vocational",
        "ecommerce",
        "it_literacy",
    }
    assert Course.objects.filter(status="draft").exists()


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    counts = (
        User.objects.count(),
        Course.objects.count(),
        Lesson.objects.count(),
        Enrollment.objects.count(),
    )
    load_demo()
    assert counts == (
        User.objects.count(),
        Course.objects.count(),
        Lesson.objects.count(),
        Enrollment.objects.count(),
    )


def test_ede_demo_words_come_from_the_abvd_list(shared_fixtures):
    """Each form is the source's, with only the documented fixes applied."""
    lift = shared_fixtures / "dictionary" / "rade-abvd-741.lift"
    root = ET.parse(lift).getroot()  # noqa: S314 - a fixture file we ship
    source = {e.findtext("lexical-unit/form/text") for e in root.iter("entry")}
    for word in WORDS["words"]:
        assert word["source_form"] in source
        fixed = word["source_form"].replace("ɗ", "đ").replace("ɓ", "ƀ")
        fixed = fixed.replace(" \u0306", "\u0306").lower()
        fixed = unicodedata.normalize("NFC", fixed)
        assert word["form"] == fixed
    assert "CC BY 4.0" in WORDS["license"]


def test_every_demo_lesson_renders_all_its_blocks():
    load_demo()
    learner = User.objects.get(username="thanhnien")
    request = RequestFactory().get("/")
    request.user = learner
    for lesson in Lesson.objects.select_related("course"):
        rendered = lesson_render(request=request, user=learner, lesson=lesson)
        assert rendered.blocks, lesson
        assert all(b.available for b in rendered.blocks), lesson
