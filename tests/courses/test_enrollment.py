import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from courses import services
from courses.exceptions import (
    AlreadyEnrolled,
    AlreadyRequested,
    EnrollmentRefused,
    PrerequisiteMissing,
)
from courses.models import Enrollment
from lms.models import Role
from tests.factories import enroll, make_cohort, make_course, make_user

pytestmark = pytest.mark.django_db


def test_open_course_enrolls_at_once(learner):
    course = make_course()
    enrollment = services.enrollment_request(user=learner, course=course)
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_approval_course_waits_for_trainer_then_trainer_approves(learner, trainer):
    course = make_course(enrollment_mode="approval", trainers=(trainer,))
    enrollment = services.enrollment_request(user=learner, course=course)
    assert enrollment.status == Enrollment.Status.PENDING
    services.enrollment_decide(actor=trainer, enrollment=enrollment, approve=True)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.decided_by == trainer


def test_trainer_of_another_course_cannot_approve(learner, trainer):
    course = make_course(enrollment_mode="approval")
    enrollment = services.enrollment_request(user=learner, course=course)
    with pytest.raises(PermissionDenied):
        services.enrollment_decide(actor=trainer, enrollment=enrollment, approve=True)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PENDING


def test_duplicate_enrollment_is_refused_and_creates_nothing(learner):
    course = make_course()
    services.enrollment_request(user=learner, course=course)
    with pytest.raises(AlreadyEnrolled):
        services.enrollment_request(user=learner, course=course)
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1


def test_second_request_while_pending_is_refused(learner):
    course = make_course(enrollment_mode="approval")
    services.enrollment_request(user=learner, course=course)
    with pytest.raises(AlreadyRequested):
        services.enrollment_request(user=learner, course=course)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.ORGANISER, Role.ADMIN])
def test_only_learners_enroll(role):
    with pytest.raises(EnrollmentRefused):
        services.enrollment_request(user=make_user(role), course=make_course())


def test_draft_course_cannot_be_enrolled(learner):
    with pytest.raises(EnrollmentRefused):
        services.enrollment_request(user=learner, course=make_course(status="draft"))


def test_cohort_only_course_refuses_self_enrollment(learner):
    with pytest.raises(EnrollmentRefused):
        services.enrollment_request(
            user=learner, course=make_course(enrollment_mode="cohort")
        )


def test_missing_prerequisite_is_named_and_blocks_enrollment(learner):
    basic = make_course(title="Tiếng Ê Đê cơ bản")
    advanced = make_course(title="Tiếng Ê Đê nâng cao")
    advanced.prerequisites.add(basic)
    with pytest.raises(PrerequisiteMissing) as refusal:
        services.enrollment_request(user=learner, course=advanced)
    assert refusal.value.missing_titles == ["Tiếng Ê Đê cơ bản"]
    assert not Enrollment.objects.filter(user=learner, course=advanced).exists()


def test_completed_prerequisite_opens_the_next_course(learner):
    basic = make_course()
    advanced = make_course()
    advanced.prerequisites.add(basic)
    e = enroll(learner, basic)
    e.completed_at = e.created_at
    e.save()
    assert services.enrollment_request(user=learner, course=advanced).status == "active"


def test_cohort_enrollment_enrolls_learners_once_and_skips_others(admin_user, trainer):
    a, b = make_user(), make_user()
    course = make_course(enrollment_mode="cohort")
    cohort = make_cohort(a, b, trainer)
    first = services.enrollment_create_for_cohort(
        actor=admin_user, course=course, cohort=cohort
    )
    assert len(first.enrolled) == 2 and len(first.skipped) == 1
    again = services.enrollment_create_for_cohort(
        actor=admin_user, course=course, cohort=cohort
    )
    assert again.enrolled == [] and len(again.already) == 2
    assert Enrollment.objects.filter(course=course).count() == 2


def test_cohort_enrollment_skips_members_missing_a_prerequisite(admin_user):
    a = make_user()
    basic, course = make_course(), make_course()
    course.prerequisites.add(basic)
    result = services.enrollment_create_for_cohort(
        actor=admin_user, course=course, cohort=make_cohort(a)
    )
    assert result.enrolled == [] and list(result.skipped) == [a.display_name]


def test_learner_cannot_enroll_a_cohort(learner):
    course = make_course()
    with pytest.raises(PermissionDenied):
        services.enrollment_create_for_cohort(
            actor=learner, course=course, cohort=make_cohort(make_user())
        )
    assert not Enrollment.objects.filter(course=course).exists()


def test_enroll_page_shows_refusal_for_missing_prerequisite(client, learner):
    basic, advanced = make_course(title="Cơ bản"), make_course()
    advanced.prerequisites.add(basic)
    client.force_login(learner)
    response = client.post(reverse("courses:enroll", args=[advanced.slug]), follow=True)
    assert "Cơ bản" in response.content.decode()
    assert not Enrollment.objects.filter(user=learner).exists()


def test_enroll_page_double_post_keeps_one_enrollment(client, learner):
    course = make_course()
    client.force_login(learner)
    url = reverse("courses:enroll", args=[course.slug])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1


def test_anonymous_enroll_goes_to_sign_in(client):
    course = make_course()
    response = client.post(reverse("courses:enroll", args=[course.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
