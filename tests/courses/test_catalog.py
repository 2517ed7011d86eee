import pytest
from django.urls import reverse

from courses.selectors import course_list_for_catalog
from tests.factories import make_course, make_program

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query", ["tieng ede", "Tiếng Ê Đê", "TIENG EDE", "ê đê", "tiếng êđê", "ede"]
)
def test_search_folds_diacritics_and_spaces(learner, query):
    wanted = make_course(title="Tiếng Êđê cho cán bộ")
    spaced = make_course(title="Tiếng Ê Đê giao tiếp")
    make_course(title="Kỹ thuật trồng cà phê")
    found = set(course_list_for_catalog(user=learner, query=query))
    assert found == {wanted, spaced}


def test_catalog_shows_only_published(learner):
    published = make_course(title="Dệt thổ cẩm")
    make_course(title="Dệt thổ cẩm nâng cao", status="draft")
    assert list(course_list_for_catalog(user=learner, query="det")) == [published]


def test_filters_by_track_language_and_target_group(learner):
    lang = make_course(
        program=make_program("ethnic_language"),
        language="rad",
        target_group="officials",
    )
    make_course(program=make_program("vocational"), target_group="youth")
    assert list(course_list_for_catalog(user=learner, track="ethnic_language")) == [
        lang
    ]
    assert list(course_list_for_catalog(user=learner, language="rad")) == [lang]
    assert list(course_list_for_catalog(user=learner, target_group="officials")) == [
        lang
    ]


def test_catalog_page_and_htmx_partial(client):
    make_course(title="Bán hàng trên sàn thương mại điện tử")
    page = client.get(reverse("courses:catalog"), {"q": "thuong mai"})
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert "Bán hàng trên sàn" in page.content.decode()
    partial = client.get(
        reverse("courses:catalog"), {"q": "thuong mai"}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert "Bán hàng trên sàn" in body and "<html" not in body


def test_draft_course_page_is_hidden_from_learners_but_shown_to_its_trainer(
    client, learner, trainer
):
    course = make_course(status="draft", trainers=(trainer,))
    client.force_login(learner)
    assert client.get(reverse("courses:detail", args=[course.slug])).status_code == 404
    client.force_login(trainer)
    assert client.get(reverse("courses:detail", args=[course.slug])).status_code == 200


def test_course_trainer_publishes_and_another_trainer_is_refused(trainer):
    from django.core.exceptions import PermissionDenied

    from courses.services import course_publish
    from lms.models import Role
    from tests.factories import make_user

    course = make_course(status="draft", trainers=(trainer,))
    with pytest.raises(PermissionDenied):
        course_publish(actor=make_user(Role.TRAINER), course=course)
    course.refresh_from_db()
    assert course.status == "draft"
    course_publish(actor=trainer, course=course)
    course.refresh_from_db()
    assert course.status == "published" and course.published_at is not None
