"""The H5P pages over HTTP (upload, player, package files) and the block's
handlers (xAPI scores, completion on view), with real CSRF checks."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from content_authoring.h5p.models import H5PPackage
from content_authoring.h5p.services import h5p_package_upload
from content_authoring.models import Block
from courses.models import Attempt, BlockSummary
from lms.models import Role
from tests import factories
from tests.content_authoring.h5p.conftest import (
    fixture_upload,
    make_package,
    media_files,
    upload_of,
)

ANSWERED = {
    "actor": {"name": "x", "objectType": "Agent"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
    "object": {"id": "http://testserver/blocks/h5p/play/1/"},
    "result": {
        "score": {"raw": 2, "max": 3, "scaled": 0.6667},
        "success": False,
        "completion": True,
    },
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def course(trainer):
    return factories.make_course(trainers=(trainer,), with_question=False)


@pytest.fixture
def lesson(course):
    return course.lessons.get()


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _package(trainer, course, name="H5P.TrueFalse.h5p") -> H5PPackage:
    return h5p_package_upload(
        actor=trainer, course=course, upload=fixture_upload(name)
    ).package


def _block(lesson, package) -> Block:
    return Block.objects.create(
        lesson=lesson,
        block_type="h5p",
        position=5,
        fields={"package_id": package.pk},
        graded=package.has_questions,
    )


def _upload_url(course) -> str:
    return reverse("content_authoring:h5p:upload", kwargs={"course_id": course.pk})


# --- upload ------------------------------------------------------------------


def test_trainer_uploads_a_package_through_the_page(trainer, course):
    client = _client(trainer, enforce_csrf_checks=True)
    page = client.get(_upload_url(course))
    assert page.status_code == 200
    token = page.context["csrf_token"]
    response = client.post(
        _upload_url(course),
        {
            "package": fixture_upload("H5P.MultiChoice.h5p"),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 201
    package = H5PPackage.objects.get(course=course)
    assert package.title == "Multiple Choice"
    assert 'id="h5p-uploaded"' in response.content.decode()


def test_admin_may_upload_to_any_course(admin_user, course):
    response = _client(admin_user).post(
        _upload_url(course), {"package": upload_of(make_package())}
    )
    assert response.status_code == 201


@pytest.mark.parametrize("role", [Role.LEARNER, Role.ORGANISER, Role.TRAINER])
def test_others_are_refused_403_and_nothing_is_stored(course, role):
    stranger = factories.make_user(role)  # a trainer, but not of this course
    client = _client(stranger)
    assert client.get(_upload_url(course)).status_code == 403
    response = client.post(_upload_url(course), {"package": upload_of(make_package())})
    assert response.status_code == 403
    assert not H5PPackage.objects.exists()
    assert media_files() == []


def test_anonymous_upload_is_sent_to_sign_in(course):
    response = Client().get(_upload_url(course))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_upload_without_csrf_token_is_refused(trainer, course):
    client = _client(trainer, enforce_csrf_checks=True)
    response = client.post(_upload_url(course), {"package": upload_of(make_package())})
    assert response.status_code == 403
    assert not H5PPackage.objects.exists()


def test_invalid_package_upload_shows_the_reason_and_stores_nothing(trainer, course):
    response = _client(trainer).post(
        _upload_url(course),
        {"package": fixture_upload("invalid/missing-preloaded-js.h5p")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="h5p-upload-error"' in html
    assert "greetingcard.js" in html
    assert media_files() == []


def test_oversize_upload_is_refused_413(trainer, course, settings):
    settings.H5P_UPLOAD_MAX_BYTES = 1000
    response = _client(trainer).post(
        _upload_url(course), {"package": upload_of(b"x" * 200_000)}
    )
    assert response.status_code == 413
    assert media_files() == []


def test_upload_without_a_file_is_refused_400(trainer, course):
    response = _client(trainer).post(_upload_url(course), {})
    assert response.status_code == 400


# --- player and files ------------------------------------------------------


def test_player_page_is_sandboxed_by_its_own_header(trainer, course, learner):
    package = _package(trainer, course)
    factories.enroll(learner, course)
    response = _client(learner).get(
        reverse("content_authoring:h5p:player", kwargs={"package_id": package.pk})
    )
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox allow-scripts"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    options = response.context["options"]
    assert options["h5pJsonPath"].startswith("http://testserver/blocks/h5p/files/")
    assert options["frameJs"].startswith("http://testserver/static/")
    assert options["embedType"] == "div"
    assert options["parentOrigin"] == "http://testserver"


def test_player_refuses_a_learner_not_enrolled(trainer, course, learner):
    package = _package(trainer, course)
    response = _client(learner).get(
        reverse("content_authoring:h5p:player", kwargs={"package_id": package.pk})
    )
    assert response.status_code == 404


def _file_url(package, path) -> str:
    return reverse(
        "content_authoring:h5p:file", kwargs={"sha256": package.sha256, "path": path}
    )


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("h5p.json", "application/json"),
        ("H5P.TrueFalse-1.6/scripts/h5p-true-false.js", "text/javascript"),
        ("H5P.TrueFalse-1.6/styles/h5p-true-false.css", "text/css"),
        ("FontAwesome-4.5/fontawesome-webfont.woff2", "font/woff2"),
    ],
)
def test_package_files_are_served_to_the_opaque_frame(
    trainer, course, path, content_type
):
    package = _package(trainer, course)
    response = Client().get(_file_url(package, path))  # no session: the frame has none
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith(content_type)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "immutable" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "../originals/x.h5p",
        "content/../../x.json",
        ".hidden.json",
        "content/evil.php",
        "no-such-file.json",
    ],
)
def test_package_file_paths_are_checked(trainer, course, path):
    package = _package(trainer, course)
    assert Client().get(_file_url(package, path)).status_code == 404


def test_package_file_with_a_malformed_hash_is_404():
    assert Client().get("/blocks/h5p/files/abc/h5p.json").status_code == 404


# --- the block ---------------------------------------------------------------


def test_learner_view_is_a_sandboxed_frame_without_same_origin(
    trainer, course, lesson, learner
):
    package = _package(trainer, course)
    _block(lesson, package)
    factories.enroll(learner, course)
    html = (
        _client(learner)
        .get(f"/courses/{course.slug}/lessons/{lesson.pk}/")
        .content.decode()
    )
    assert 'sandbox="allow-scripts"' in html
    assert "allow-same-origin" not in html
    assert f"/blocks/h5p/play/{package.pk}/" in html
    assert "h5p-block" in html


def _xapi(client, block, statement, submission_id=None):
    return client.post(
        f"/blocks/{block.pk}/handler/xapi/",
        data=json.dumps(
            {
                "submission_id": submission_id or str(uuid.uuid4()),
                "statement": statement,
            }
        ),
        content_type="application/json",
    )


@pytest.fixture
def graded(trainer, course, lesson, learner):
    block = _block(lesson, _package(trainer, course))
    factories.enroll(learner, course)
    return block, _client(learner), learner


def test_final_statement_records_a_grade(graded):
    block, client, learner = graded
    response = _xapi(client, block, ANSWERED)
    assert response.status_code == 200, response.content
    assert response.json() == {"score": 2.0, "max_score": 3.0, "duplicate": False}
    attempt = Attempt.objects.get(block=block, user=learner)
    assert (attempt.score, attempt.max_score, attempt.kind) == (2, 3, "grade")
    assert attempt.answer["verb"] == "answered"
    summary = BlockSummary.objects.get(block=block, user=learner)
    assert summary.completed_at is not None and summary.score == 2


def test_resending_the_same_attempt_counts_once(graded):
    block, client, learner = graded
    sent = str(uuid.uuid4())
    assert _xapi(client, block, ANSWERED, sent).json()["duplicate"] is False
    again = _xapi(client, block, ANSWERED, sent)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert Attempt.objects.filter(block=block, user=learner).count() == 1
    assert BlockSummary.objects.get(block=block, user=learner).attempts == 1


def test_a_new_attempt_counts_again_and_keeps_the_best(graded):
    block, client, learner = graded
    _xapi(client, block, ANSWERED)
    better = copy.deepcopy(ANSWERED)
    better["verb"]["id"] = "http://adlnet.gov/expapi/verbs/completed"
    better["result"]["score"] = {"raw": 3, "max": 3}
    _xapi(client, block, better)
    assert Attempt.objects.filter(block=block, user=learner).count() == 2
    assert BlockSummary.objects.get(block=block, user=learner).score == 3


def _with(path: str, value):
    statement = copy.deepcopy(ANSWERED)
    target = statement
    keys = path.split(".")
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    if value is _DELETE:
        target.pop(keys[-1], None)
    else:
        target[keys[-1]] = value
    return statement


_DELETE = object()


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (_with("result.score", _DELETE), "no score"),
        (_with("result", _DELETE), "no score"),
        (_with("result.score.max", 0), "above zero"),
        (_with("result.score.max", -1), "above zero"),
        (_with("result.score.raw", 4), "between 0"),
        (_with("result.score.raw", -1), "between 0"),
        (_with("result.score.raw", "2"), "numbers"),
        (_with("result.score.raw", True), "numbers"),
        (_with("result.score.max", None), "numbers"),
        (_with("verb.id", "http://adlnet.gov/expapi/verbs/attempted"), "answered"),
        (_with("verb", "answered"), "answered"),
        (
            _with(
                "context.contextActivities.parent",
                [{"id": "http://testserver/blocks/h5p/play/1/"}],
            ),
            "larger item",
        ),
        ("a string", "object"),
        (None, "object"),
    ],
)
def test_bad_statements_are_refused_400_and_record_nothing(graded, statement, expected):
    block, client, learner = graded
    learner.preferred_language = "en"  # the expected words are the English ones
    learner.save(update_fields=["preferred_language"])
    response = _xapi(client, block, statement)
    assert response.status_code == 400
    assert expected in response.json()["error"]
    assert not Attempt.objects.filter(block=block, user=learner).exists()


def test_xapi_without_a_submission_id_is_refused(graded):
    block, client, learner = graded
    response = client.post(
        f"/blocks/{block.pk}/handler/xapi/",
        data=json.dumps({"statement": ANSWERED}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_xapi_from_a_learner_not_enrolled_is_refused(graded):
    block, _client_enrolled, _learner = graded
    outsider = factories.make_user(Role.LEARNER)
    response = _xapi(_client(outsider), block, ANSWERED)
    assert response.status_code == 403
    assert not Attempt.objects.exists()


def test_content_without_questions_completes_when_viewed(
    trainer, course, lesson, learner
):
    block = _block(lesson, _package(trainer, course, "H5P.Accordion.h5p"))
    factories.enroll(learner, course)
    client = _client(learner)
    sent = str(uuid.uuid4())
    for _ in range(2):  # a resend counts once
        response = client.post(
            f"/blocks/{block.pk}/handler/viewed/",
            data=json.dumps({"submission_id": sent}),
            content_type="application/json",
        )
        assert response.status_code == 200
    attempt = Attempt.objects.get(block=block, user=learner)
    assert attempt.kind == "completion" and attempt.score is None
    assert BlockSummary.objects.get(block=block, user=learner).completed_at


def test_content_with_questions_does_not_complete_on_view(graded):
    block, client, learner = graded
    response = client.post(
        f"/blocks/{block.pk}/handler/viewed/",
        data=json.dumps({"submission_id": str(uuid.uuid4())}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_flashcards_score_through_xapi_and_do_not_complete_on_view(
    trainer, course, lesson, learner
):
    # Flashcards ends with a scored "completed" statement: it has questions.
    package = _package(trainer, course, "H5P.Flashcards.h5p")
    assert package.has_questions
    block = _block(lesson, package)
    factories.enroll(learner, course)
    client = _client(learner)
    viewed = client.post(
        f"/blocks/{block.pk}/handler/viewed/",
        data=json.dumps({"submission_id": str(uuid.uuid4())}),
        content_type="application/json",
    )
    assert viewed.status_code == 400
    assert not Attempt.objects.exists()
    completed = copy.deepcopy(ANSWERED)
    completed["verb"]["id"] = "http://adlnet.gov/expapi/verbs/completed"
    completed["result"]["score"] = {"raw": 3, "max": 5}
    response = _xapi(client, block, completed)
    assert response.status_code == 200, response.content
    attempt = Attempt.objects.get(block=block, user=learner)
    assert (attempt.score, attempt.max_score) == (3, 5)
    assert attempt.answer["verb"] == "completed"
    summary = BlockSummary.objects.get(block=block, user=learner)
    assert summary.completed_at is not None and summary.score == 3
