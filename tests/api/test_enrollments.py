from __future__ import annotations

from courses.models import Enrollment, EnrollmentMode
from tests.api.support import NOT_SIGNED_IN, client_for, refused
from tests.factories import enroll, make_course, make_user

LIST = "/api/enrollments/"


def approve(pk: int) -> str:
    return f"/api/enrollments/{pk}/approve/"


def reject(pk: int) -> str:
    return f"/api/enrollments/{pk}/reject/"


def test_learner_enrolls_in_an_open_course(learner, as_learner):
    course = make_course()
    response = as_learner.post(LIST, {"course": course.slug}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active"
    assert body["course"] == {"slug": course.slug, "title": course.title}
    assert Enrollment.objects.get(user=learner, course=course).status == "active"


def test_learner_asks_to_join_an_approval_course(as_learner, db):
    course = make_course(enrollment_mode=EnrollmentMode.APPROVAL)
    response = as_learner.post(LIST, {"course": course.slug}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"


def test_enrolling_twice_is_a_conflict(learner, as_learner):
    course = make_course()
    enroll(learner, course)
    response = as_learner.post(LIST, {"course": course.slug}, format="json")
    refused(response, 409, "already_enrolled")
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1


def test_asking_twice_is_a_conflict(as_learner, db):
    course = make_course(enrollment_mode=EnrollmentMode.APPROVAL)
    as_learner.post(LIST, {"course": course.slug}, format="json")
    response = as_learner.post(LIST, {"course": course.slug}, format="json")
    refused(response, 409, "already_requested")


def test_missing_prerequisite_is_refused_with_the_course_to_take_first(as_learner, db):
    first = make_course(title="Tin học cơ bản")
    second = make_course()
    second.prerequisites.add(first)
    response = as_learner.post(LIST, {"course": second.slug}, format="json")
    body = refused(response, 400, "prerequisite_missing")
    assert body["missing"] == ["Tin học cơ bản"]
    assert "Tin học cơ bản" in body["detail"]


def test_trainer_cannot_enroll_as_a_learner(as_trainer, db):
    course = make_course()
    response = as_trainer.post(LIST, {"course": course.slug}, format="json")
    refused(response, 403, "wrong_role")
    assert not Enrollment.objects.exists()


def test_cohort_only_course_refuses_self_enrollment(as_learner, db):
    course = make_course(enrollment_mode=EnrollmentMode.COHORT)
    refused(
        as_learner.post(LIST, {"course": course.slug}, format="json"),
        403,
        "cohort_only",
    )


def test_enrolling_in_an_unknown_or_draft_course_is_not_found(as_learner, db):
    draft = make_course(status="draft")
    for slug in ("no-such-course", draft.slug):
        response = as_learner.post(LIST, {"course": slug}, format="json")
        refused(response, 404, "not_found")


def test_enrollment_request_without_a_course_is_malformed(as_learner, db):
    body = refused(as_learner.post(LIST, {}, format="json"), 400, "invalid")
    assert set(body["errors"]) == {"course"}


def test_anonymous_cannot_list_or_enroll(anon, db):
    course = make_course()
    assert anon.get(LIST).status_code in NOT_SIGNED_IN
    response = anon.post(LIST, {"course": course.slug}, format="json")
    assert response.status_code in NOT_SIGNED_IN
    assert not Enrollment.objects.exists()


def test_learner_lists_own_enrollments_only(learner, as_learner):
    mine = make_course()
    enroll(learner, mine)
    enroll(make_user(), make_course())
    body = as_learner.get(LIST).json()
    assert body["count"] == 1
    assert body["results"][0]["course"]["slug"] == mine.slug
    assert body["results"][0]["progress"] == 0


def _pending(course, learner=None) -> Enrollment:
    return Enrollment.objects.create(
        user=learner or make_user(), course=course, status="pending", source="self"
    )


def test_course_trainer_approves_a_request(trainer, as_trainer):
    course = make_course(enrollment_mode=EnrollmentMode.APPROVAL, trainers=(trainer,))
    request = _pending(course)
    response = as_trainer.post(approve(request.pk))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("active", trainer)


def test_course_trainer_rejects_a_request(trainer, as_trainer):
    course = make_course(enrollment_mode=EnrollmentMode.APPROVAL, trainers=(trainer,))
    request = _pending(course)
    response = as_trainer.post(reject(request.pk))
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"


def test_administrator_may_decide_any_request(as_admin, db):
    request = _pending(make_course(enrollment_mode=EnrollmentMode.APPROVAL))
    assert as_admin.post(approve(request.pk)).status_code == 200


def test_learner_cannot_approve_even_their_own_request(learner, as_learner):
    request = _pending(make_course(enrollment_mode=EnrollmentMode.APPROVAL), learner)
    refused(as_learner.post(approve(request.pk)), 403, "permission_denied")
    request.refresh_from_db()
    assert request.status == "pending"


def test_trainer_of_another_course_cannot_decide(as_trainer, db):
    request = _pending(make_course(enrollment_mode=EnrollmentMode.APPROVAL))
    refused(as_trainer.post(reject(request.pk)), 403, "permission_denied")
    request.refresh_from_db()
    assert request.status == "pending"


def test_organiser_cannot_decide(organiser, db):
    request = _pending(make_course(enrollment_mode=EnrollmentMode.APPROVAL))
    response = client_for(organiser).post(approve(request.pk))
    refused(response, 403, "permission_denied")


def test_deciding_twice_is_refused(trainer, as_trainer):
    course = make_course(enrollment_mode=EnrollmentMode.APPROVAL, trainers=(trainer,))
    request = _pending(course)
    as_trainer.post(approve(request.pk))
    response = as_trainer.post(reject(request.pk))
    refused(response, 400, "invalid")
    request.refresh_from_db()
    assert request.status == "active"


def test_deciding_an_unknown_enrollment_is_not_found(as_admin, db):
    assert as_admin.post(approve(999_999)).status_code == 404


def test_anonymous_cannot_decide(anon, db):
    request = _pending(make_course(enrollment_mode=EnrollmentMode.APPROVAL))
    assert anon.post(approve(request.pk)).status_code in NOT_SIGNED_IN
