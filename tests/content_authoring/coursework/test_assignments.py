"""Assignment uploads, the grading queue and rubric grading, file access."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content_authoring.coursework import services
from content_authoring.coursework.models import AssignmentSubmission
from courses.models import Attempt, BlockSummary
from tests import factories
from tests.content_authoring.coursework.conftest import jpeg_bytes, pdf_bytes, photo

S = AssignmentSubmission.Status


def _submit(user, block, upload=None, submission_id=None, note=""):
    return services.assignment_submit(
        user=user,
        block_id=block.pk,
        submission_id=submission_id or uuid.uuid4(),
        upload=upload if upload is not None else photo(),
        note=note,
    )


def _grade(actor, submission, points, *, number=None, back=False, feedback=""):
    return services.assignment_grade(
        actor=actor,
        submission_uuid=submission.uuid,
        points=dict(enumerate(points)),
        feedback=feedback,
        grade_number=number or submission.grade_count + 1,
        return_for_retry=back,
    )


@pytest.fixture
def course_trainer(trainer, course):
    course.trainers.add(trainer)
    return trainer


def test_photo_upload_is_stored_privately_as_a_clean_jpeg(
    assignment, enrolled, _private_files
):
    submission, created = _submit(
        enrolled,
        assignment,
        photo(data=jpeg_bytes((3000, 2000), exif_gps=True)),
        note="  Cây ghép   hôm qua ",
    )
    assert created and submission.status == S.SUBMITTED
    assert submission.kind == "photo" and submission.content_type == "image/jpeg"
    assert submission.note == "Cây ghép   hôm qua"
    path = _private_files / submission.file.name
    assert path.is_file() and "anh" not in submission.file.name
    with Image.open(path) as image:
        assert max(image.size) == services.PHOTO_MAX_SIDE
        assert not image.getexif()  # no GPS, no maker
    assert not Attempt.objects.filter(block=assignment).exists()


def test_pdf_upload_is_accepted_by_its_content(assignment, enrolled):
    upload = SimpleUploadedFile("bao-cao.txt", pdf_bytes(), content_type="text/plain")
    submission, _ = _submit(enrolled, assignment, upload)
    assert submission.kind == "document"
    assert submission.content_type == "application/pdf"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg"),
        SimpleUploadedFile("x.jpg", jpeg_bytes()[:300], content_type="image/jpeg"),
        SimpleUploadedFile("x.pdf", b"%PDF-1.4 broken", content_type="application/pdf"),
        SimpleUploadedFile("x.php", b"<?php echo 1; ?>", content_type="image/jpeg"),
        SimpleUploadedFile("x.jpg", b"", content_type="image/jpeg"),
    ],
    ids=["text", "truncated-jpeg", "broken-pdf", "php", "empty"],
)
def test_corrupt_or_wrong_type_file_is_refused_keeping_nothing(
    assignment, enrolled, upload, _private_files
):
    with pytest.raises(ValidationError):
        _submit(enrolled, assignment, upload)
    assert not AssignmentSubmission.objects.exists()
    assert not any(p.is_file() for p in _private_files.rglob("*"))


def test_pdf_is_refused_when_only_photos_are_accepted(assignment, enrolled):
    assignment.fields["kinds"] = ["photo"]
    assignment.save()
    with pytest.raises(ValidationError) as caught:
        _submit(enrolled, assignment, SimpleUploadedFile("a.pdf", pdf_bytes()))
    assert "photo" in str(caught.value).lower() or "ảnh" in str(caught.value)


def test_file_over_the_blocks_limit_is_refused(assignment, enrolled):
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"%" * (1024 * 1024))
    with pytest.raises(ValidationError):
        _submit(enrolled, assignment, big)
    assert not AssignmentSubmission.objects.exists()


def test_same_submission_id_counts_once(assignment, enrolled):
    sent = uuid.uuid4()
    first, created = _submit(enrolled, assignment, submission_id=sent)
    again, created_again = _submit(enrolled, assignment, submission_id=sent)
    assert created and not created_again and again.pk == first.pk
    assert AssignmentSubmission.objects.count() == 1


def test_new_upload_before_grading_replaces_the_pending_one(
    assignment, enrolled, _private_files, django_capture_on_commit_callbacks
):
    first, _ = _submit(enrolled, assignment)
    old_path = _private_files / first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        second, _ = _submit(enrolled, assignment)
    first.refresh_from_db()
    assert first.status == S.REPLACED and not first.file
    assert not old_path.exists()
    assert second.status == S.SUBMITTED


def test_learner_not_enrolled_cannot_upload(assignment, learner):
    with pytest.raises(PermissionDenied):
        _submit(learner, assignment)


def test_trainer_grades_with_the_rubric_and_the_learner_gets_the_score(
    assignment, enrolled, course_trainer, render
):
    submission, _ = _submit(enrolled, assignment)
    graded, changed = _grade(course_trainer, submission, [5, 3.5], feedback="Tốt!")
    assert changed and graded.status == S.GRADED
    assert graded.score == 8.5 and graded.max_score == 10
    summary = BlockSummary.objects.get(user=enrolled, block=assignment)
    assert summary.score == 8.5 and summary.max_score == 10
    assert summary.completed_at is not None
    attempt = Attempt.objects.get(block=assignment)
    assert attempt.user == enrolled
    assert attempt.submission_id == uuid.uuid5(submission.uuid, "grade-1")
    html = render(assignment, enrolled)
    assert "8,5 / 10" in html or "8.5 / 10" in html
    assert "Tốt!" in html
    assert "3,5 / 4" in html or "3.5 / 4" in html
    assert 'type="file"' not in html  # graded: nothing more to send


def test_grading_form_sent_twice_records_once(assignment, enrolled, course_trainer):
    submission, _ = _submit(enrolled, assignment)
    _grade(course_trainer, submission, [6, 4], number=1)
    _sub, changed = _grade(course_trainer, submission, [1, 1], number=1)
    assert not changed
    assert Attempt.objects.filter(block=assignment).count() == 1
    submission.refresh_from_db()
    assert submission.score == 10


def test_regrading_publishes_a_new_result(assignment, enrolled, course_trainer):
    submission, _ = _submit(enrolled, assignment)
    _grade(course_trainer, submission, [3, 2], number=1)
    _grade(course_trainer, submission, [6, 4], number=2)
    assert Attempt.objects.filter(block=assignment).count() == 2
    assert BlockSummary.objects.get(user=enrolled, block=assignment).score == 10


def test_returned_work_publishes_nothing_and_may_be_sent_again(
    assignment, enrolled, course_trainer, render
):
    submission, _ = _submit(enrolled, assignment)
    _grade(course_trainer, submission, [1, 1], back=True, feedback="Chụp rõ hơn.")
    assert not Attempt.objects.exists()
    html = render(assignment, enrolled)
    assert "Chụp rõ hơn." in html and 'type="file"' in html
    again, created = _submit(enrolled, assignment)
    assert created and again.status == S.SUBMITTED


def test_graded_work_cannot_be_replaced(assignment, enrolled, course_trainer):
    submission, _ = _submit(enrolled, assignment)
    _grade(course_trainer, submission, [6, 4])
    with pytest.raises(PermissionDenied):
        _submit(enrolled, assignment)


@pytest.mark.parametrize("points", [[7, 4], [-1, 4], ["x", 4], [None, 4]])
def test_points_outside_the_rubric_are_refused(
    assignment, enrolled, course_trainer, points
):
    submission, _ = _submit(enrolled, assignment)
    with pytest.raises(ValidationError):
        _grade(course_trainer, submission, points)
    submission.refresh_from_db()
    assert submission.status == S.SUBMITTED and not Attempt.objects.exists()


def test_other_trainer_and_learners_cannot_grade(assignment, enrolled):
    trainer = factories.make_user("trainer")
    submission, _ = _submit(enrolled, assignment)
    for actor in (trainer, enrolled):
        with pytest.raises(PermissionDenied):
            _grade(actor, submission, [6, 4])


def test_admin_may_grade(assignment, enrolled, admin_user):
    submission, _ = _submit(enrolled, assignment)
    graded, _ = _grade(admin_user, submission, [6, 4])
    assert graded.status == S.GRADED


# --- over HTTP -------------------------------------------------------------------


def _post_upload(client, block, data, **extra):
    return client.post(
        f"/blocks/coursework/assignments/{block.pk}/submit/", data, **extra
    )


def test_htmx_upload_returns_the_block_with_its_status(
    assignment, enrolled, client_for
):
    response = _post_upload(
        client_for(enrolled),
        assignment,
        {"file": photo(), "note": "", "submission_id": str(uuid.uuid4())},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="block-{assignment.pk}"' in html
    assert "/blocks/coursework/submissions/" in html


def test_plain_upload_redirects_back_to_the_lesson(assignment, enrolled, client_for):
    response = _post_upload(
        client_for(enrolled),
        assignment,
        {"file": photo(), "submission_id": str(uuid.uuid4()), "next": "/l/1/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/l/1/#block-{assignment.pk}"


def test_corrupt_upload_over_htmx_is_a_400_with_a_message(
    assignment, enrolled, client_for
):
    response = _post_upload(
        client_for(enrolled),
        assignment,
        {
            "file": SimpleUploadedFile("a.jpg", b"garbage", content_type="image/jpeg"),
            "submission_id": str(uuid.uuid4()),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert response.content.decode().strip()
    assert not AssignmentSubmission.objects.exists()


def test_upload_over_the_site_limit_is_refused_before_reading(
    assignment, enrolled, client_for, settings
):
    settings.ASSIGNMENT_UPLOAD_MAX_BYTES = 10_000
    response = _post_upload(
        client_for(enrolled),
        assignment,
        {
            "file": SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 200_000),
            "submission_id": str(uuid.uuid4()),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 413
    assert not AssignmentSubmission.objects.exists()


def test_file_is_served_to_its_learner_and_the_courses_trainer_only(
    assignment, enrolled, course_trainer, admin_user, client_for, course
):
    trainer = factories.make_user("trainer")
    submission, _ = _submit(enrolled, assignment)
    url = f"/blocks/coursework/submissions/{submission.uuid}/file/"
    for user in (enrolled, course_trainer, admin_user):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    other = factories.make_user()
    factories.enroll(other, course)
    for user in (other, trainer):
        assert client_for(user).get(url).status_code == 403


def test_file_has_no_public_url(assignment, enrolled):
    submission, _ = _submit(enrolled, assignment)
    with pytest.raises(ValueError):
        submission.file.url  # noqa: B018


def test_grading_queue_lists_waiting_work_for_the_courses_trainer(
    assignment, enrolled, course_trainer, client_for, course
):
    _submit(enrolled, assignment)
    response = client_for(course_trainer).get(
        f"/blocks/coursework/courses/{course.pk}/grading/"
    )
    assert response.status_code == 200
    assert enrolled.display_name in response.content.decode()


def test_grading_queue_refuses_other_roles(assignment, enrolled, client_for, course):
    trainer = factories.make_user("trainer")
    url = f"/blocks/coursework/courses/{course.pk}/grading/"
    assert client_for(trainer).get(url).status_code == 403
    assert client_for(enrolled).get(url).status_code == 403


def test_grading_form_over_http(assignment, enrolled, course_trainer, client_for):
    submission, _ = _submit(enrolled, assignment)
    url = f"/blocks/coursework/submissions/{submission.uuid}/grade/"
    client = client_for(course_trainer)
    page = client.get(url)
    assert page.status_code == 200 and 'name="points-1"' in page.content.decode()
    bad = client.post(url, {"points-0": "9", "points-1": "4", "grade_number": "1"})
    assert bad.status_code == 400
    good = client.post(
        url,
        {
            "points-0": "6",
            "points-1": "4",
            "grade_number": "1",
            "action": "grade",
            "feedback": "Đẹp",
        },
    )
    assert good.status_code == 302
    submission.refresh_from_db()
    assert submission.status == S.GRADED and submission.feedback == "Đẹp"


def test_grading_form_refuses_the_learner(assignment, enrolled, client_for):
    submission, _ = _submit(enrolled, assignment)
    url = f"/blocks/coursework/submissions/{submission.uuid}/grade/"
    assert client_for(enrolled).get(url).status_code == 403
    assert (
        client_for(enrolled)
        .post(url, {"points-0": "6", "points-1": "4", "grade_number": "1"})
        .status_code
        == 403
    )
