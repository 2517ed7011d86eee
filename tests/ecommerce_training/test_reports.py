"""Reports for the Department: figures checked against a data set built by
hand (3 workshops in the period, 10 people with known profiles), who may see
what, bad input, the CSV and XLSX downloads, and a query count that does not
grow with the participants."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from certificates.services import certificate_issue_for_workshop
from ecommerce_training import reports
from ecommerce_training import services_workshops as services
from ecommerce_training.models import (
    CheckIn,
    Listing,
    Registration,
    Shop,
    Workshop,
    WorkshopSession,
)
from lms.models import Commune, EthnicGroup, Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

APPROX = pytest.approx


def signed_in(user, lang: str = "en") -> Client:
    user.preferred_language = lang
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    client.force_login(user)
    return client


def commune(code: int, name: str) -> Commune:
    return Commune.objects.get_or_create(
        code=code,
        defaults={"name": name, "division_type": "Xã", "search_name": name.lower()},
    )[0]


def ethnic(code: str, name: str) -> EthnicGroup:
    return EthnicGroup.objects.get_or_create(code=code, defaults={"name": name})[0]


def workshop(organiser, title: str, *, seats: int, min_sessions: int, days: list):
    """A workshop open for registration with a session ``days`` from now each."""
    w = services.workshop_create(
        actor=organiser, title=title, seats=seats, min_sessions=min_sessions
    )
    place = commune(990001, "Xã Thử Một")
    for i, day in enumerate(days):
        start = timezone.now() + timedelta(days=day)
        services.session_create(
            actor=organiser,
            workshop=w,
            title=f"Buổi {i + 1}",
            mode=WorkshopSession.Mode.IN_PERSON,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            venue="Nhà văn hoá",
            commune=place,
        )
    services.workshop_status_set(
        actor=organiser, workshop=w, status=Workshop.Status.OPEN
    )
    w.refresh_from_db()
    return w


def register(person, w) -> Registration:
    return services.registration_create(actor=person, workshop=w).registration


def check_in(organiser, registration, *session_numbers: int) -> None:
    sessions = list(registration.workshop.sessions.order_by("starts_at"))
    for n in session_numbers:
        services.checkin_record(
            actor=organiser,
            session=sessions[n - 1],
            method=CheckIn.Method.CODE,
            code=registration.code,
        )


def survey(registration, overall: int, usefulness: int, trainer: int) -> None:
    services.survey_submit(
        user=registration.user,
        registration=registration,
        answers={
            "overall": overall,
            "usefulness": usefulness,
            "trainer": trainer,
            "pace": "right",
            "will_sell_online": True,
        },
    )


def listings(registration, *scores: int) -> None:
    shop = Shop.objects.create(
        owner=registration.user, workshop=registration.workshop, name="Cửa hàng"
    )
    for score in scores:
        Listing.objects.create(
            shop=shop, title="Cà phê bột", category="coffee", score=score
        )


@dataclass
class World:
    admin: object
    org1: object
    org2: object
    a: Workshop
    b: Workshop
    c: Workshop
    old: Workshop
    draft: Workshop
    date_from: date
    date_to: date
    people: dict


def build() -> World:
    today = timezone.localdate()
    date_from, date_to = today - timedelta(days=365), today + timedelta(days=30)
    year = date_to.year
    x = commune(990011, "Xã Ea Tiêu")
    y = commune(990012, "Xã Krông Búk")
    z = commune(990013, "Phường Tân Lập")
    ede = ethnic("Q1", "Ê Đê (thử)")
    mnong = ethnic("Q2", "M'Nông (thử)")
    kinh = ethnic("Q3", "Kinh (thử)")
    # name: (gender, ethnicity, commune, age)
    profiles = {
        "P1": ("female", ede, x, 16),
        "P2": ("female", ede, x, 18),
        "P3": ("male", mnong, x, 24),
        "P4": ("male", kinh, y, 25),
        "P5": ("female", ede, y, 34),
        "P6": ("female", mnong, y, 35),
        "P7": ("male", kinh, z, 45),
        "P8": ("female", ede, z, 60),
        "P9": ("", None, None, None),
        "P10": ("other", ede, x, 59),
    }
    people = {}
    for name, (gender, eth, com, age) in profiles.items():
        person = make_user(Role.LEARNER, full_name=f"Người {name}")
        profile = person.profile
        profile.gender = gender
        profile.ethnicity = eth
        profile.commune = com
        profile.birth_year = None if age is None else year - age
        profile.save()
        people[name] = person
    p = people
    admin = make_user(Role.ADMIN)
    org1 = make_user(Role.ORGANISER)
    org2 = make_user(Role.ORGANISER)

    # A: 4 seats, 2 sessions held, rule 2 of 2.
    a = workshop(org1, "Hội thảo A", seats=4, min_sessions=2, days=[-100, -99])
    ra = {n: register(p[n], a) for n in ("P1", "P2", "P3", "P4", "P5")}
    services.registration_cancel(actor=p["P2"], registration=ra["P2"])  # P5 moves up
    ra["P6"] = register(p["P6"], a)  # waitlisted
    check_in(org1, ra["P1"], 1, 2)
    check_in(org1, ra["P3"], 1, 2)
    check_in(org1, ra["P4"], 1)
    for n in ("P1", "P3"):
        ra[n].refresh_from_db()
        certificate_issue_for_workshop(registration=ra[n], render=False)
    listings(ra["P1"], 40, 80)
    listings(ra["P3"], 60)
    survey(ra["P1"], 5, 4, 5)
    survey(ra["P3"], 3, 4, 4)

    # B: 3 seats, one session held and one to come, rule 1.
    b = workshop(org1, "Hội thảo B", seats=3, min_sessions=1, days=[-50, 10])
    rb = {n: register(p[n], b) for n in ("P1", "P7", "P8", "P10")}
    check_in(org1, rb["P7"], 1)
    check_in(org1, rb["P8"], 1)
    listings(rb["P7"], 30)

    # C: another organiser's.
    c = workshop(org2, "Hội thảo C", seats=5, min_sessions=1, days=[-20])
    rc = {n: register(p[n], c) for n in ("P2", "P9", "P10")}
    check_in(org2, rc["P9"], 1)
    survey(rc["P9"], 2, 3, 3)

    # Outside the period, and a draft in it: in no report.
    old = workshop(org1, "Hội thảo cũ", seats=5, min_sessions=1, days=[-400])
    check_in(org1, register(p["P4"], old), 1)
    draft = workshop(org1, "Hội thảo nháp", seats=5, min_sessions=1, days=[-10])
    check_in(org1, register(p["P6"], draft), 1)
    Workshop.objects.filter(pk=draft.pk).update(status=Workshop.Status.DRAFT)
    return World(admin, org1, org2, a, b, c, old, draft, date_from, date_to, people)


@pytest.fixture
def world() -> World:
    return build()


def report_for(world: World, user, workshop=None) -> reports.Report:
    with translation.override("en"):
        return reports.report_build(
            user=user,
            date_from=world.date_from,
            date_to=world.date_to,
            workshop=workshop,
        )


def groups(rows) -> dict[str, tuple[int, int]]:
    return {r.label: (r.people, r.completed) for r in rows}


# --- the figures -------------------------------------------------------------------


def test_the_workshop_figures_match_the_hand_count(world):
    report = report_for(world, world.admin)
    by = {f.workshop.title: f for f in report.workshops}
    assert list(by) == ["Hội thảo A", "Hội thảo B", "Hội thảo C"]
    a, b, c = by["Hội thảo A"], by["Hội thảo B"], by["Hội thảo C"]
    assert (a.registered, a.waitlisted, a.cancelled) == (4, 1, 1)
    assert (a.sessions_held, a.checkins, a.completed) == (2, 5, 2)
    assert a.attendance_rate == APPROX(5 / 8)
    assert a.completion_rate == APPROX(2 / 4)
    assert a.certificates == 2
    assert (a.listings, a.listing_score) == (3, APPROX(60))
    assert (a.surveys, a.overall, a.usefulness, a.trainer) == (
        2,
        APPROX(4),
        APPROX(4),
        APPROX(4.5),
    )
    assert (b.registered, b.waitlisted, b.cancelled) == (3, 1, 0)
    # The session to come is not held yet: 2 check-ins of 3 possible.
    assert (b.sessions_held, b.checkins, b.completed) == (1, 2, 2)
    assert b.attendance_rate == APPROX(2 / 3)
    assert b.completion_rate == APPROX(2 / 3)
    assert (b.certificates, b.listings, b.listing_score, b.surveys) == (0, 1, 30, 0)
    assert b.overall is None
    assert (c.registered, c.checkins, c.completed, c.surveys) == (3, 1, 1, 1)
    assert c.attendance_rate == APPROX(1 / 3)
    assert (c.listings, c.listing_score) == (0, None)


def test_the_totals_are_over_all_check_ins_and_answers(world):
    total = report_for(world, world.admin).total
    assert (total.registered, total.waitlisted, total.cancelled) == (10, 2, 1)
    assert (total.completed, total.checkins, total.certificates) == (5, 8, 2)
    # 8 check-ins of 4×2 + 3×1 + 3×1 possible, not the mean of three rates.
    assert total.attendance_rate == APPROX(8 / 14)
    assert total.completion_rate == APPROX(5 / 10)
    assert (total.listings, total.listing_score) == (4, APPROX(52.5))
    assert total.surveys == 3
    assert total.overall == APPROX(10 / 3)
    assert total.usefulness == APPROX(11 / 3)
    assert total.trainer == APPROX(4)


def test_people_are_counted_once_per_group(world):
    report = report_for(world, world.admin)
    # Seated somewhere: everyone but P6 (waitlisted, and seated only in a draft).
    assert report.people == 9
    assert groups(report.genders) == {
        "Female": (4, 2),
        "Male": (3, 2),
        "Other": (1, 0),
        "Not recorded": (1, 1),
    }
    assert groups(report.ethnicities) == {
        "Ê Đê (thử)": (5, 2),
        "Kinh (thử)": (2, 1),
        "M'Nông (thử)": (1, 1),
        "Not recorded": (1, 1),
    }
    assert groups(report.communes) == {
        "Xã Ea Tiêu": (4, 2),
        "Xã Krông Búk": (2, 0),
        "Phường Tân Lập": (2, 2),
        "Not recorded": (1, 1),
    }
    assert [(r.key, r.people, r.completed) for r in report.ages] == [
        ("under18", 1, 1),
        ("18-24", 2, 1),
        ("25-34", 2, 0),
        ("35-44", 0, 0),
        ("45-59", 2, 1),
        ("60+", 1, 1),
        ("unknown", 1, 1),
    ]
    # Most people first, "not recorded" last.
    assert [r.label for r in report.communes][0] == "Xã Ea Tiêu"
    assert report.communes[-1].label == "Not recorded"


def test_one_workshop_alone(world):
    report = report_for(world, world.admin, workshop=world.a)
    assert [f.workshop for f in report.workshops] == [world.a]
    assert report.people == 4
    assert groups(report.genders) == {"Female": (2, 1), "Male": (2, 1)}


def test_the_period_chooses_the_workshops(world):
    today = timezone.localdate()
    report = reports.report_build(
        user=world.admin,
        date_from=today - timedelta(days=60),
        date_to=today - timedelta(days=30),
    )
    assert [f.workshop for f in report.workshops] == [world.b]
    nothing = reports.report_build(
        user=world.admin, date_from=today + timedelta(days=300), date_to=today
    )
    assert nothing.workshops == [] and nothing.people == 0


def test_organisers_see_only_their_workshops(world):
    mine = report_for(world, world.org1)
    assert [f.workshop for f in mine.workshops] == [world.a, world.b]
    assert mine.total.registered == 7
    theirs = report_for(world, world.org2)
    assert [f.workshop for f in theirs.workshops] == [world.c]
    assert theirs.people == 3
    # Asking for someone else's workshop gives nothing.
    assert report_for(world, world.org2, workshop=world.a).workshops == []


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_learners_and_trainers_get_no_report(world, role):
    assert report_for(world, make_user(role)).workshops == []


def _world_of(n: int) -> tuple[object, Workshop]:
    organiser = make_user(Role.ORGANISER)
    w = workshop(organiser, f"Hội thảo {n}", seats=n, min_sessions=1, days=[-3, -2])
    place = commune(990020 + n, f"Xã {n}")
    for i in range(n):
        person = make_user(Role.LEARNER)
        person.profile.commune = place
        person.profile.gender = "female" if i % 2 else "male"
        person.profile.birth_year = 1960 + 3 * i
        person.profile.ethnicity = ethnic(f"R{i % 3}", f"Dân tộc {i % 3}")
        person.profile.save()
        registration = register(person, w)
        check_in(organiser, registration, 1)
        survey(registration, 4, 4, 4)
        listings(registration, 50)
    return organiser, w


def test_the_query_count_does_not_grow_with_the_participants():
    counts = []
    for n in (3, 12):
        organiser, _w = _world_of(n)
        today = timezone.localdate()
        with CaptureQueriesContext(connection) as queries:
            report = reports.report_build(
                user=organiser, date_from=today - timedelta(days=10), date_to=today
            )
            reports.report_tables(report)
        assert report.total.registered == n
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 13


# --- the page and who may open it --------------------------------------------------


def query(world: World, **extra) -> dict:
    return {
        "date_from": world.date_from.isoformat(),
        "date_to": world.date_to.isoformat(),
        **extra,
    }


URLS = [
    ("ecommerce:report", {}),
    ("ecommerce:report_xlsx", {}),
    ("ecommerce:report_csv", {"table": "workshops"}),
]


@pytest.mark.parametrize(("name", "kwargs"), URLS)
@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_learners_and_trainers_are_refused(world, name, kwargs, role):
    response = signed_in(make_user(role)).get(
        reverse(name, kwargs=kwargs), query(world)
    )
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), URLS)
def test_anonymous_people_are_sent_to_sign_in(world, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = Client().get(url, query(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_shows_the_tables(world):
    response = signed_in(world.admin).get(reverse("ecommerce:report"), query(world))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Participants per workshop",
        "Hội thảo A",
        "Hội thảo C",
        "62.5 %",  # A's attendance rate
        "57.1 %",  # the total's
        "66.7 %",  # B's: rounded, not cut off
        "52.50",  # average listing score
        "Participants per age group",
        "Xã Ea Tiêu",
    ):
        assert text in page, text
    # The choice of workshop lists them all; the tables only those in the period.
    tables = page.split('id="table-workshops"')[1]
    assert "Hội thảo cũ" not in tables and "Hội thảo nháp" not in tables


def test_the_page_opens_on_this_year_by_default(world):
    response = signed_in(world.org1).get(reverse("ecommerce:report"))
    assert response.status_code == 200
    report = response.context["report"]
    year = timezone.localdate().year
    assert (report.date_from, report.date_to) == (date(year, 1, 1), date(year, 12, 31))


def test_a_workshops_page_links_to_its_report(world):
    client = signed_in(world.org1)
    manage = client.get(reverse("ecommerce:workshop_manage", args=[world.a.slug]))
    link = f"{reverse('ecommerce:report')}?workshop={world.a.pk}"
    assert link in manage.content.decode()
    response = client.get(link)
    assert response.status_code == 200
    assert [f.workshop for f in response.context["report"].workshops] == [world.a]
    listing = client.get(reverse("ecommerce:workshops")).content.decode()
    assert f'href="{reverse("ecommerce:report")}"' in listing


def test_an_organiser_cannot_choose_another_organisers_workshop(world):
    response = signed_in(world.org1).get(
        reverse("ecommerce:report"), query(world, workshop=world.c.pk)
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "Hội thảo C" not in response.content.decode()
    xlsx = signed_in(world.org1).get(
        reverse("ecommerce:report_xlsx"), query(world, workshop=world.c.pk)
    )
    assert xlsx.status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-12-01", "date_to": "2026-01-01"},
        {"date_from": "2026-13-45", "date_to": "2026-01-01"},
        {"date_from": "", "date_to": "2026-01-01"},
        {"date_from": "2026-01-01", "date_to": "2026-02-01", "workshop": "abc"},
    ],
)
def test_bad_input_gets_a_clear_error(world, params):
    response = signed_in(world.admin).get(reverse("ecommerce:report"), params)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Participants per workshop" not in page


def test_an_unknown_table_is_not_found(world):
    response = signed_in(world.admin).get(
        reverse("ecommerce:report_csv", kwargs={"table": "salaries"}), query(world)
    )
    assert response.status_code == 404


# --- downloads ---------------------------------------------------------------------


def test_the_csv_has_a_bom_and_the_figures(world):
    response = signed_in(world.admin).get(
        reverse("ecommerce:report_csv", kwargs={"table": "workshops"}),
        query(world, lang="en"),
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:4] == ["Workshop", "First session", "Sessions held", "Registered"]
    assert [r[0] for r in rows[1:]] == [
        "Hội thảo A",
        "Hội thảo B",
        "Hội thảo C",
        "Total",
    ]
    header = rows[0]
    a = dict(zip(header, rows[1], strict=True))
    total = dict(zip(header, rows[-1], strict=True))
    assert a["Registered"] == "4" and a["Cancelled"] == "1"
    assert float(a["Attendance rate"]) == APPROX(0.625)
    assert a["Certificates issued"] == "2"
    assert float(total["Average listing score"]) == APPROX(52.5)
    assert total["Registered"] == "10"


def test_a_csv_per_group_table(world):
    response = signed_in(world.admin).get(
        reverse("ecommerce:report_csv", kwargs={"table": "genders"}),
        query(world, lang="en"),
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Gender", "Participants", "Completed", "Completion rate"],
        ["Female", "4", "2", "0.5"],
        ["Male", "3", "2", "0.6667"],
        ["Other", "1", "0", "0.0"],
        ["Not recorded", "1", "1", "1.0"],
        ["Total", "9", "5", "0.5556"],
    ]


def test_the_xlsx_has_a_sheet_per_table_with_bold_vietnamese_headers(world):
    response = signed_in(world.admin).get(
        reverse("ecommerce:report_xlsx"), query(world)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 5
    sheet = book.worksheets[0]
    # Vietnamese by default, whatever the page's language.
    assert sheet["A1"].value == "Hội thảo"
    assert all(cell.font.bold for cell in sheet[1])
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in values] == ["Hội thảo A", "Hội thảo B", "Hội thảo C"] + [
        values[-1][0]
    ]
    a = values[0]
    assert a[3:6] == [4, 1, 1]  # registered, waitlisted, cancelled
    assert a[6] == APPROX(0.625) and sheet["G2"].number_format == "0.0%"
    assert a[9] == 2  # certificates
    assert values[-1][3] == 10
    ages = book.worksheets[4]
    age_rows = [[c.value for c in row] for row in ages.iter_rows(min_row=2)]
    assert [r[1] for r in age_rows] == [1, 2, 2, 0, 2, 1, 1, 9]


def test_the_xlsx_in_english_on_request(world):
    response = signed_in(world.admin).get(
        reverse("ecommerce:report_xlsx"), query(world, lang="en")
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["A1"].value == "Workshop"
    assert [s.title for s in book.worksheets] == [
        "Participants per workshop",
        "Participants per commune",
        "Participants per ethnic group",
        "Participants per gender",
        "Participants per age group",
    ]
