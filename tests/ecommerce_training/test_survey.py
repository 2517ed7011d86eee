"""The satisfaction survey: open from the last session's start, once per
participant; results per workshop for its organisers. And the learner's
"My workshops" card on the home page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from ecommerce_training import selectors_workshops as selectors
from ecommerce_training import services_workshops as services
from ecommerce_training.models import SurveyResponse, Workshop, WorkshopSession
from lms.models import Role
from tests.ecommerce_training.test_registration import register
from tests.ecommerce_training.test_workshops import make_workshop, signed_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ANSWERS = {
    "overall": 5,
    "usefulness": 4,
    "trainer": 5,
    "pace": "right",
    "will_sell_online": True,
    "comment": "Rất hữu ích, cảm ơn!",
}


def start_last_session(workshop) -> None:
    """Move the workshop's sessions so that the last one has just started."""
    shift = workshop.sessions.order_by("-starts_at").first().starts_at - (
        timezone.now() - timedelta(minutes=5)
    )
    WorkshopSession.objects.filter(workshop=workshop).update(
        starts_at=F("starts_at") - shift, ends_at=F("ends_at") - shift
    )


@pytest.fixture
def attended(organiser, learner):
    workshop = make_workshop(organiser, seats=1, sessions=2)
    registration = register(learner, workshop)
    return workshop, registration


def test_the_survey_opens_when_the_last_session_starts(attended, learner):
    workshop, registration = attended
    assert not selectors.survey_is_open(workshop=workshop)
    with pytest.raises(ValidationError, match="last session starts"):
        services.survey_submit(user=learner, registration=registration, answers=ANSWERS)
    start_last_session(workshop)
    assert selectors.survey_is_open(workshop=workshop)
    response = services.survey_submit(
        user=learner, registration=registration, answers=ANSWERS
    )
    assert response.overall == 5 and response.will_sell_online is True


def test_the_survey_is_answered_once(attended, learner):
    workshop, registration = attended
    start_last_session(workshop)
    services.survey_submit(user=learner, registration=registration, answers=ANSWERS)
    with pytest.raises(ValidationError, match="already answered"):
        services.survey_submit(
            user=learner, registration=registration, answers={**ANSWERS, "overall": 1}
        )
    assert SurveyResponse.objects.get().overall == 5


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"overall": 6}, "overall"),
        ({"usefulness": 0}, "usefulness"),
        ({"trainer": "x"}, "trainer"),
        ({"pace": "very"}, "pace"),
        ({"will_sell_online": "maybe"}, "will_sell_online"),
    ],
)
def test_bad_answers_are_refused_and_nothing_saved(attended, learner, change, field):
    workshop, registration = attended
    start_last_session(workshop)
    with pytest.raises(ValidationError) as caught:
        services.survey_submit(
            user=learner, registration=registration, answers={**ANSWERS, **change}
        )
    assert field in caught.value.message_dict
    assert not SurveyResponse.objects.exists()


def test_only_the_participant_with_a_seat_answers(attended, learner, organiser):
    workshop, registration = attended
    start_last_session(workshop)
    with pytest.raises(PermissionDenied):
        services.survey_submit(
            user=make_user(), registration=registration, answers=ANSWERS
        )
    with pytest.raises(PermissionDenied):
        services.survey_submit(
            user=organiser, registration=registration, answers=ANSWERS
        )
    waiting_person = make_user()
    waiting = register(waiting_person, workshop)
    with pytest.raises(ValidationError, match="Only registered participants"):
        services.survey_submit(
            user=waiting_person, registration=waiting, answers=ANSWERS
        )
    assert not SurveyResponse.objects.exists()


def test_results_give_averages_counts_and_comments(organiser):
    workshop = make_workshop(organiser, seats=5, sessions=1)
    start_last_session(workshop)
    answers = [
        {**ANSWERS},
        {
            **ANSWERS,
            "overall": 3,
            "usefulness": 3,
            "trainer": 4,
            "pace": "fast",
            "will_sell_online": None,
            "comment": "",
        },
        {
            **ANSWERS,
            "overall": 4,
            "usefulness": 5,
            "trainer": 3,
            "pace": "fast",
            "will_sell_online": False,
            "comment": "Nhanh quá",
        },
    ]
    for given in answers:
        person = make_user()
        services.survey_submit(
            user=person, registration=register(person, workshop), answers=given
        )
    register(make_user(), workshop)  # a participant who did not answer
    results = selectors.survey_results(workshop=workshop)
    assert results.count == 3 and results.registered == 4
    assert results.averages == {"overall": 4.0, "usefulness": 4.0, "trainer": 4.0}
    assert results.pace == {"slow": 0, "right": 1, "fast": 2}
    assert results.will_sell == {"yes": 1, "no": 1, "unsure": 1}
    assert results.comments == ["Rất hữu ích, cảm ơn!", "Nhanh quá"]


def test_results_of_a_workshop_without_answers(organiser):
    workshop = make_workshop(organiser)
    results = selectors.survey_results(workshop=workshop)
    assert results.count == 0
    assert results.averages == {"overall": None, "usefulness": None, "trainer": None}


# --- pages -------------------------------------------------------------------------


def test_participant_answers_through_the_page_once(attended, learner):
    workshop, registration = attended
    start_last_session(workshop)
    client = signed_in(learner)
    url = reverse("ecommerce:survey", args=[registration.code])
    ticket = client.get(reverse("ecommerce:ticket", args=[registration.code]))
    assert url in ticket.content.decode()
    data = {
        "overall": "4",
        "usefulness": "5",
        "trainer": "5",
        "pace": "slow",
        "will_sell_online": "unsure",
        "comment": "Cảm ơn",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    saved = SurveyResponse.objects.get()
    assert (saved.overall, saved.pace, saved.will_sell_online) == (4, "slow", None)
    again = client.post(url, {**data, "overall": "1"}, follow=True)
    assert "already answered" in again.content.decode()
    assert SurveyResponse.objects.get().overall == 4


def test_survey_page_refuses_someone_else(attended):
    workshop, registration = attended
    start_last_session(workshop)
    url = reverse("ecommerce:survey", args=[registration.code])
    for role in (Role.LEARNER, Role.ORGANISER):
        assert signed_in(make_user(role)).get(url).status_code == 403
    assert signed_in(make_user()).post(url, {"overall": "1"}).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_results_page_shows_the_figures_to_organisers_only(
    attended, learner, organiser
):
    workshop, registration = attended
    start_last_session(workshop)
    services.survey_submit(user=learner, registration=registration, answers=ANSWERS)
    url = reverse("ecommerce:survey_results", args=[workshop.slug])
    text = signed_in(organiser).get(url).content.decode()
    assert "1 answers from 1 participants" in text
    assert "Rất hữu ích, cảm ơn!" in text
    assert signed_in(learner).get(url).status_code == 403


# --- the home page card ------------------------------------------------------------


def _home_card(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load ecommerce %}{% workshops_for_home %}")
    return template.render(RequestContext(request, {}))


def test_my_workshops_lists_seats_and_waitlist_places(organiser, learner):
    seat = make_workshop(organiser, title="Chụp ảnh sản phẩm", seats=1)
    full = make_workshop(organiser, title="Đăng bán trên sàn", seats=1)
    register(learner, seat)
    register(make_user(), full)
    register(learner, full)
    html = _home_card(learner)
    assert "Chụp ảnh sản phẩm" in html and "Đăng bán trên sàn" in html
    assert html.count("/workshops/tickets/") == 2
    assert "Buổi 1" in html  # the next session


def test_my_workshops_is_empty_for_a_learner_without_workshops(learner):
    assert _home_card(learner).strip() == ""
    assert _home_card(AnonymousUser()).strip() == ""


def test_my_workshops_asks_for_the_survey_until_it_is_answered(
    attended, learner, organiser
):
    workshop, registration = attended
    start_last_session(workshop)
    services.workshop_status_set(
        actor=organiser, workshop=workshop, status=Workshop.Status.FINISHED
    )
    survey_url = reverse("ecommerce:survey", args=[registration.code])
    html = _home_card(learner)
    assert workshop.title in html and survey_url in html
    services.survey_submit(user=learner, registration=registration, answers=ANSWERS)
    assert workshop.title not in _home_card(learner)
