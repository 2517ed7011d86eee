import pytest
from django.urls import reverse

from courses.models import Course
from lms.models import Role
from tests.factories import make_course, make_program, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_admin_course_save_refreshes_search(staff_client, learner):
    program = make_program()
    response = staff_client.post(
        reverse("admin:courses_course_add"),
        {
            "slug": "det-tho-cam-2",
            "program": program.pk,
            "title": "Dệt thổ cẩm Ê Đê",
            "summary": "",
            "description": "",
            "language": "vi",
            "target_group": "youth",
            "status": "published",
            "enrollment_mode": "open",
            "hours": 10,
            "pass_mark": 0.5,
            "modules-TOTAL_FORMS": 0,
            "modules-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    course = Course.objects.get(slug="det-tho-cam-2")
    assert "det tho cam e de" in course.search_text
    assert course.published_at is not None


@pytest.mark.parametrize("name", ["courses_course", "courses_enrollment", "lms_user"])
def test_admin_lists_open(staff_client, name):
    make_course()
    assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
