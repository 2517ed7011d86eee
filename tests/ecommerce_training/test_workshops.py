"""Organisers create workshops and their sessions (in person, online, both),
open and close registration; every page refuses the wrong person."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ecommerce_training import services_workshops as services
from ecommerce_training.models import CheckIn, Registration, Workshop, WorkshopSession
from live_classes.models import LiveSession
from live_classes.services import live_session_create
from lms.models import Commune, Role
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db


# --- helpers shared by the workshop tests ------------------------------------------


def signed_in(user) -> Client:
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def commune() -> Commune:
    # The reference communes, or (after a transactional test flushed them) one
    # made here.
    found = Commune.objects.order_by("code").first()
    if found is None:
        found = Commune.objects.create(
            code=24400, name="Xã Ea Kar", division_type="Xã", search_name="xa ea kar"
        )
    return found


def add_session(workshop, actor, *, days: float = 1, title: str | None = None):
    start = timezone.now() + timedelta(days=days)
    return services.session_create(
        actor=actor,
        workshop=workshop,
        title=title or f"Buổi {workshop.sessions.count() + 1}",
        mode=WorkshopSession.Mode.IN_PERSON,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        venue="Nhà văn hoá buôn Ako Dhông",
        commune=commune(),
    )


def make_workshop(
    organiser,
    *,
    seats: int = 10,
    sessions: int = 1,
    min_sessions: int = 1,
    status: str = Workshop.Status.OPEN,
    **details,
) -> Workshop:
    workshop = services.workshop_create(
        actor=organiser,
        title=details.pop("title", "Bán hàng trên sàn thương mại điện tử"),
        seats=seats,
        min_sessions=min_sessions,
        **details,
    )
    for i in range(sessions):
        add_session(workshop, organiser, days=1 + i)
    if status != Workshop.Status.DRAFT:
        services.workshop_status_set(
            actor=organiser, workshop=workshop, status=Workshop.Status.OPEN
        )
    if status not in (Workshop.Status.DRAFT, Workshop.Status.OPEN):
        services.workshop_status_set(actor=organiser, workshop=workshop, status=status)
    workshop.refresh_from_db()
    return workshop


# --- creating and editing ----------------------------------------------------------


def test_organiser_creates_a_workshop_and_organises_it(organiser):
    title = unicodedata.normalize("NFD", "Chụp ảnh sản phẩm bằng điện thoại")
    workshop = services.workshop_create(
        actor=organiser, title=title, seats=30, min_sessions=2, hours=8
    )
    assert workshop.title == unicodedata.normalize("NFC", title)
    assert workshop.slug == "chup-anh-san-pham-bang-dien-thoai"
    assert workshop.status == Workshop.Status.DRAFT
    assert list(workshop.organisers.all()) == [organiser]
    again = services.workshop_create(actor=organiser, title=title, seats=5)
    assert again.slug == "chup-anh-san-pham-bang-dien-thoai-2"


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_learners_and_trainers_cannot_create_workshops(role):
    with pytest.raises(PermissionDenied):
        services.workshop_create(actor=make_user(role), title="X", seats=5)
    assert not Workshop.objects.exists()


def test_administrator_creates_a_workshop(admin_user):
    workshop = services.workshop_create(actor=admin_user, title="Đăng bán", seats=5)
    assert workshop.created_by == admin_user


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"title": "  ", "seats": 5}, "title"),
        ({"title": "A", "seats": 0}, "seats"),
        ({"title": "A", "seats": 5, "min_sessions": 0}, "min_sessions"),
    ],
)
def test_bad_workshop_details_are_refused_and_nothing_saved(organiser, details, field):
    with pytest.raises(ValidationError) as caught:
        services.workshop_create(actor=organiser, **details)
    assert field in caught.value.message_dict
    assert not Workshop.objects.exists()


def test_modules_must_belong_to_the_workshops_course(organiser):
    course, other = make_course(), make_course()
    with pytest.raises(ValidationError) as caught:
        services.workshop_create(
            actor=organiser,
            title="A",
            seats=5,
            course=course,
            modules=list(other.modules.all()),
        )
    assert "modules" in caught.value.message_dict
    workshop = services.workshop_create(
        actor=organiser,
        title="A",
        seats=5,
        course=course,
        modules=list(course.modules.all()),
    )
    assert list(workshop.modules.all()) == list(course.modules.all())


def test_another_organiser_cannot_change_the_workshop(organiser):
    workshop = make_workshop(organiser)
    stranger = make_user(Role.ORGANISER)
    with pytest.raises(PermissionDenied):
        services.workshop_update(actor=stranger, workshop=workshop, seats=50)
    with pytest.raises(PermissionDenied):
        services.workshop_status_set(
            actor=stranger, workshop=workshop, status=Workshop.Status.CANCELLED
        )
    with pytest.raises(PermissionDenied):
        add_session(workshop, stranger)
    workshop.refresh_from_db()
    assert workshop.seats == 10 and workshop.status == Workshop.Status.OPEN


def test_administrator_changes_any_workshop(organiser, admin_user):
    workshop = make_workshop(organiser)
    services.workshop_update(actor=admin_user, workshop=workshop, seats=50)
    workshop.refresh_from_db()
    assert workshop.seats == 50


def test_opening_needs_sessions_enough_for_the_rule(organiser):
    workshop = services.workshop_create(
        actor=organiser, title="A", seats=5, min_sessions=2
    )
    with pytest.raises(ValidationError, match="Add the workshop's sessions"):
        services.workshop_status_set(
            actor=organiser, workshop=workshop, status=Workshop.Status.OPEN
        )
    add_session(workshop, organiser)
    with pytest.raises(ValidationError, match="asks for 2 sessions"):
        services.workshop_status_set(
            actor=organiser, workshop=workshop, status=Workshop.Status.OPEN
        )
    add_session(workshop, organiser, days=2)
    services.workshop_status_set(
        actor=organiser, workshop=workshop, status=Workshop.Status.OPEN
    )
    assert Workshop.objects.get().status == Workshop.Status.OPEN


def test_a_cancelled_workshop_stays_cancelled(organiser):
    workshop = make_workshop(organiser)
    services.workshop_status_set(
        actor=organiser, workshop=workshop, status=Workshop.Status.CANCELLED
    )
    with pytest.raises(ValidationError):
        services.workshop_status_set(
            actor=organiser, workshop=workshop, status=Workshop.Status.OPEN
        )
    with pytest.raises(ValidationError):
        services.workshop_update(actor=organiser, workshop=workshop, seats=3)


# --- sessions ----------------------------------------------------------------------


def test_in_person_session_needs_venue_and_commune(organiser):
    workshop = make_workshop(organiser, status=Workshop.Status.DRAFT, sessions=0)
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.session_create(
            actor=organiser,
            workshop=workshop,
            title="Buổi 1",
            mode=WorkshopSession.Mode.BOTH,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
    assert {"venue", "commune"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        services.session_create(
            actor=organiser,
            workshop=workshop,
            title="Buổi 1",
            mode=WorkshopSession.Mode.IN_PERSON,
            starts_at=start,
            ends_at=start,
            venue="Hội trường",
            commune=commune(),
        )
    assert "ends_at" in caught.value.message_dict
    assert not WorkshopSession.objects.exists()


def test_online_session_links_a_live_class_of_the_course(organiser):
    trainer = make_user(Role.TRAINER)
    course = make_course(trainers=(trainer,))
    workshop = make_workshop(
        organiser, status=Workshop.Status.DRAFT, sessions=0, course=course
    )
    start = timezone.now() + timedelta(days=2)
    live = live_session_create(
        actor=trainer,
        course=course,
        title="Lớp trực tuyến",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    other_live = live_session_create(
        actor=trainer,
        course=make_course(trainers=(trainer,)),
        title="Lớp khác",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    details = {
        "actor": organiser,
        "workshop": workshop,
        "title": "Trực tuyến",
        "mode": WorkshopSession.Mode.ONLINE,
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
    }
    with pytest.raises(ValidationError, match="Link a live class"):
        services.session_create(**details)
    with pytest.raises(ValidationError, match="of the workshop's course"):
        services.session_create(**details, live_session=other_live)
    session = services.session_create(**details, live_session=live)
    assert session.live_session == live
    with pytest.raises(ValidationError, match="belongs to another session"):
        services.session_create(**details, live_session=live)


def test_scheduling_a_new_live_class_is_for_the_courses_trainers(organiser, admin_user):
    course = make_course()
    workshop = make_workshop(
        organiser, status=Workshop.Status.DRAFT, sessions=0, course=course
    )
    start = timezone.now() + timedelta(days=2)
    details = {
        "workshop": workshop,
        "title": "Trực tuyến",
        "mode": WorkshopSession.Mode.ONLINE,
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "create_live": True,
    }
    with pytest.raises(PermissionDenied):
        services.session_create(actor=organiser, **details)
    assert not LiveSession.objects.exists()
    session = services.session_create(actor=admin_user, **details)
    assert session.live_session.course == course
    assert session.live_session.title == "Trực tuyến"


def test_online_session_without_a_course_is_refused(organiser):
    workshop = make_workshop(organiser, status=Workshop.Status.DRAFT, sessions=0)
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationError, match="needs the workshop's course"):
        services.session_create(
            actor=organiser,
            workshop=workshop,
            title="Trực tuyến",
            mode=WorkshopSession.Mode.ONLINE,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            create_live=True,
        )


def test_a_session_with_check_ins_cannot_be_removed(organiser, learner):
    workshop = make_workshop(organiser)
    session = workshop.sessions.get()
    registration = services.registration_create(
        actor=learner, workshop=workshop
    ).registration
    services.checkin_record(
        actor=organiser,
        session=session,
        method=CheckIn.Method.CODE,
        code=registration.code,
    )
    with pytest.raises(ValidationError):
        services.session_delete(actor=organiser, session=session)
    assert WorkshopSession.objects.filter(pk=session.pk).exists()
    empty = add_session(workshop, organiser, days=5)
    services.session_delete(actor=organiser, session=empty)
    assert not WorkshopSession.objects.filter(pk=empty.pk).exists()


def test_organiser_changes_a_session(organiser):
    workshop = make_workshop(organiser)
    session = workshop.sessions.get()
    services.session_update(actor=organiser, session=session, venue="Hội trường UBND")
    session.refresh_from_db()
    assert session.venue == "Hội trường UBND"
    with pytest.raises(ValidationError) as caught:
        services.session_update(actor=organiser, session=session, venue=" ")
    assert "venue" in caught.value.message_dict
    with pytest.raises(ValidationError, match="needs the workshop's course"):
        services.session_update(
            actor=organiser, session=session, mode=WorkshopSession.Mode.BOTH
        )
    with pytest.raises(PermissionDenied):
        services.session_update(
            actor=make_user(Role.ORGANISER), session=session, venue="Nơi khác"
        )
    session.refresh_from_db()
    assert session.venue == "Hội trường UBND"
    assert session.mode == WorkshopSession.Mode.IN_PERSON


def test_a_session_made_online_keeps_its_live_class_until_another_is_linked(
    organiser, admin_user
):
    course = make_course()
    workshop = make_workshop(organiser, course=course)
    session = workshop.sessions.get()
    services.session_update(
        actor=admin_user,
        session=session,
        mode=WorkshopSession.Mode.BOTH,
        create_live=True,
    )
    session.refresh_from_db()
    live = session.live_session
    assert live is not None and live.course == course
    services.session_update(actor=organiser, session=session, title="Buổi sáng")
    session.refresh_from_db()
    assert session.live_session == live and session.title == "Buổi sáng"
    services.session_update(
        actor=organiser, session=session, mode=WorkshopSession.Mode.IN_PERSON
    )
    session.refresh_from_db()
    assert session.live_session is None


def test_organiser_edits_a_session_through_the_page(organiser):
    workshop = make_workshop(organiser)
    session = workshop.sessions.get()
    client = signed_in(organiser)
    url = reverse("ecommerce:session_edit", args=[session.pk])
    assert session.title in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Buổi chiều",
            "mode": "in_person",
            "starts_at": "2030-12-01T13:00",
            "ends_at": "2030-12-01T16:00",
            "venue": "Hội trường xã",
            "commune": commune().pk,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Buổi chiều"
    assert timezone.localtime(session.starts_at).hour == 13


# --- pages -------------------------------------------------------------------------


def test_organiser_creates_a_workshop_and_a_session_through_the_pages(organiser):
    client = signed_in(organiser)
    assert client.get(reverse("ecommerce:workshop_create")).status_code == 200
    response = client.post(
        reverse("ecommerce:workshop_create"),
        {
            "title": "Đăng bán trên sàn",
            "seats": "20",
            "language": "vi",
            "min_sessions": "1",
            "hours": "4",
        },
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("ecommerce:workshop_manage", args=[workshop.slug])
    response = client.post(
        reverse("ecommerce:session_create", args=[workshop.slug]),
        {
            "title": "Buổi 1",
            "mode": "in_person",
            "starts_at": "2030-12-01T08:00",
            "ends_at": "2030-12-01T11:00",
            "venue": "Hội trường xã",
            "commune": commune().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    response = client.post(
        reverse("ecommerce:workshop_status", args=[workshop.slug]), {"status": "open"}
    )
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.OPEN
    page = client.get(reverse("ecommerce:workshop_manage", args=[workshop.slug]))
    assert "Buổi 1" in page.content.decode()
    assert "Close registration" in page.content.decode()


def test_session_form_shows_the_services_errors(organiser):
    workshop = make_workshop(organiser, status=Workshop.Status.DRAFT, sessions=0)
    page = signed_in(organiser).post(
        reverse("ecommerce:session_create", args=[workshop.slug]),
        {
            "title": "Buổi 1",
            "mode": "in_person",
            "starts_at": "2030-12-01T08:00",
            "ends_at": "2030-12-01T11:00",
        },
    )
    assert page.status_code == 200
    assert "Say where the session takes place." in page.content.decode()
    assert not WorkshopSession.objects.exists()


def test_workshop_list_shows_open_workshops_to_anyone(organiser, client):
    make_workshop(organiser, title="Hội thảo mở")
    make_workshop(organiser, title="Bản nháp", status=Workshop.Status.DRAFT)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("ecommerce:workshops")).content.decode()
    assert "Hội thảo mở" in page
    assert "Bản nháp" not in page


def test_a_draft_workshop_page_is_hidden_from_learners(organiser, learner):
    workshop = make_workshop(organiser, status=Workshop.Status.DRAFT)
    url = reverse("ecommerce:workshop", args=[workshop.slug])
    assert signed_in(learner).get(url).status_code == 404
    assert signed_in(organiser).get(url).status_code == 200


MANAGER_PAGES = [
    ("ecommerce:workshop_manage", "get"),
    ("ecommerce:workshop_status", "post"),
    ("ecommerce:session_create", "get"),
    ("ecommerce:participants", "get"),
    ("ecommerce:participants_csv", "get"),
    ("ecommerce:register_person", "post"),
    ("ecommerce:person_create", "get"),
    ("ecommerce:survey_results", "get"),
]
SESSION_PAGES = [
    ("ecommerce:session_edit", "get"),
    ("ecommerce:session_edit", "post"),
    ("ecommerce:checkin", "get"),
    ("ecommerce:checkin_code", "post"),
    ("ecommerce:checkin_sync", "post"),
    ("ecommerce:session_delete", "post"),
]


@pytest.mark.parametrize(("name", "method"), MANAGER_PAGES + SESSION_PAGES)
@pytest.mark.parametrize(
    "role", [Role.LEARNER, Role.TRAINER, Role.ORGANISER]
)  # the organiser of another workshop
def test_organiser_pages_refuse_other_people(organiser, name, method, role):
    workshop = make_workshop(organiser)
    session = workshop.sessions.get()
    args = [session.pk] if (name, method) in SESSION_PAGES else [workshop.slug]
    client = signed_in(make_user(role))
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 403
    assert WorkshopSession.objects.filter(pk=session.pk).exists()
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(("name", "method"), MANAGER_PAGES + SESSION_PAGES)
def test_organiser_pages_send_anonymous_visitors_to_sign_in(
    organiser, client, name, method
):
    workshop = make_workshop(organiser)
    session = workshop.sessions.get()
    args = [session.pk] if (name, method) in SESSION_PAGES else [workshop.slug]
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_create_page_refuses_learners_and_trainers(role):
    response = signed_in(make_user(role)).get(reverse("ecommerce:workshop_create"))
    assert response.status_code == 403


@pytest.mark.parametrize("name", [n for n, m in MANAGER_PAGES if m == "get"])
def test_organiser_pages_open_for_the_workshops_organiser(organiser, name):
    workshop = make_workshop(organiser)
    response = signed_in(organiser).get(reverse(name, args=[workshop.slug]))
    assert response.status_code == 200


def test_registrations_listed_in_the_participants_page_cannot_be_seen_by_others(
    organiser, learner
):
    workshop = make_workshop(organiser)
    services.registration_create(actor=learner, workshop=workshop)
    other = make_user(Role.ORGANISER)
    response = signed_in(other).get(
        reverse("ecommerce:participants", args=[workshop.slug])
    )
    assert response.status_code == 403
    assert learner.display_name not in response.content.decode()
    assert Registration.objects.count() == 1


def test_the_manage_page_offers_the_modules_of_the_workshops_course(organiser):
    course, other = make_course(), make_course()
    workshop = make_workshop(organiser, course=course)
    mine, theirs = course.modules.get(), other.modules.get()
    client = signed_in(organiser)
    url = reverse("ecommerce:workshop_manage", args=[workshop.slug])
    page = client.get(url).content.decode()
    assert f'name="modules" value="{mine.pk}"' in page
    assert f'name="modules" value="{theirs.pk}"' not in page
    data = {
        "title": workshop.title,
        "seats": "10",
        "language": "vi",
        "course": course.pk,
        "modules": [mine.pk],
        "min_sessions": "1",
        "hours": "0",
    }
    assert client.post(url, data).status_code == 302
    assert list(workshop.modules.all()) == [mine]
    detail = client.get(reverse("ecommerce:workshop", args=[workshop.slug]))
    assert mine.title in detail.content.decode()
