"""Load the demo: reference data is already in the database (migrations);
this adds people, a cohort, the Ê Đê dictionary and the demo courses. Safe to
run again."""

from __future__ import annotations

from django.db import transaction

from content_authoring.models import Block
from content_authoring.selectors import block_type_scored
from courses.models import Course, Lesson, Module, Program
from courses.services import course_save, enrollment_create_for_cohort
from lms.demo import dictionary as demo_dictionary
from lms.demo.courses import COURSES, PROGRAMS
from lms.models import Cohort, Commune, EthnicGroup, LearnerProfile, Role, User

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - printed for the demo, never in production

PEOPLE = [
    # username, role, full name, group, ethnicity code, commune hint, agency, position
    ("quantri", Role.ADMIN, "Nguyễn Thị Hạnh", "", "", "", "Ban Dân tộc tỉnh", ""),
    ("giangvien", Role.TRAINER, "Y Khu Niê", "", "12", "", "Trường Chính trị tỉnh", ""),
    ("tochuc", Role.ORGANISER, "Trần Văn Minh", "", "", "", "Sở Công Thương", ""),
    (
        "hocvien",
        Role.LEARNER,
        "H'Hơ̆n Ê Ban",
        "official",
        "12",
        "Krông Bông",
        "UBND xã",
        "Công chức văn hoá - xã hội",
    ),
    ("thanhnien", Role.LEARNER, "Y Sương Mlô", "youth", "12", "Buôn Đôn", "", ""),
    (
        "canbo2",
        Role.LEARNER,
        "Điểu Thị Ngân",
        "official",
        "20",
        "Lắk",
        "UBND xã",
        "Công chức tư pháp - hộ tịch",
    ),
]


def _commune(hint: str) -> Commune | None:
    if not hint:
        return None
    return (
        Commune.objects.filter(former_district__icontains=hint).order_by("code").first()
        or Commune.objects.filter(name__icontains=hint).order_by("code").first()
    )


@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    """Create the demo and return its sign-ins as (username, password, role)."""
    people = {}
    for username, role, name, group, ethnic, commune, agency, position in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "full_name": name,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        people[username] = user
        if role == Role.LEARNER:
            LearnerProfile.objects.update_or_create(
                user=user,
                defaults={
                    "group": group,
                    "ethnicity": EthnicGroup.objects.filter(code=ethnic).first(),
                    "commune": _commune(commune),
                    "agency": agency,
                    "position": position,
                    "gender": "female"
                    if name.startswith(("H'", "Nguyễn Thị", "Điểu Thị"))
                    else "male",
                    "birth_year": 1994 if group == "official" else 2004,
                },
            )

    programs = {
        p["slug"]: Program.objects.update_or_create(slug=p["slug"], defaults=p)[0]
        for p in PROGRAMS
    }
    entries = demo_dictionary.load_dictionary()
    courses: dict[str, Course] = {}
    for spec in [*COURSES, demo_dictionary.course_spec(entries)]:
        course = Course.objects.filter(slug=spec["slug"]).first()
        if course is None:
            course = course_save(
                course=Course(
                    slug=spec["slug"],
                    program=programs[spec["program"]],
                    title=spec["title"],
                    summary=spec.get("summary", ""),
                    description=spec.get("description", ""),
                    language=spec["language"],
                    target_group=spec["target_group"],
                    enrollment_mode=spec.get("enrollment_mode", "open"),
                    status=spec.get("status", "published"),
                    hours=spec.get("hours", 0),
                    pass_mark=0.6,
                )
            )
            _build_outline(course, spec["modules"])
        course.trainers.add(people["giangvien"])
        courses[spec["slug"]] = course
    for spec in COURSES:
        for slug in spec.get("prerequisites", []):
            courses[spec["slug"]].prerequisites.add(courses[slug])

    cohort, _ = Cohort.objects.get_or_create(
        name="Cán bộ xã huyện Krông Bông 2026",
        defaults={
            "description": "Công chức các xã thuộc huyện Krông Bông (cũ).",
            "created_by": people["quantri"],
        },
    )
    cohort.members.add(people["hocvien"], people["canbo2"])
    enrollment_create_for_cohort(
        actor=people["quantri"],
        course=courses["dich-vu-cong-truc-tuyen"],
        cohort=cohort,
    )
    # The cohort's officials learn Ê Đê with the dictionary course.
    enrollment_create_for_cohort(
        actor=people["quantri"],
        course=courses[demo_dictionary.COURSE_SLUG],
        cohort=cohort,
    )
    from lms.demo.live import load_live_demo

    load_live_demo(trainer=people["giangvien"], courses=courses)

    from lms.demo.ecommerce import load_ecommerce_demo

    load_ecommerce_demo(people=people, course=courses["ban-hang-tren-san-tmdt"])

    from certificates.services import certificate_issue

    # One certificate to verify: issued by hand (the PDF is made by the worker).
    certificate_issue(
        user=people["canbo2"],
        course=courses["dich-vu-cong-truc-tuyen"],
        actor=people["quantri"],
    )
    return [(u, DEMO_PASSWORD, str(people[u].get_role_display())) for u, *_ in PEOPLE]


def _build_outline(course: Course, modules: list) -> None:
    for m_pos, (module_title, lessons) in enumerate(modules, start=1):
        module = Module.objects.create(
            course=course, title=module_title, position=m_pos
        )
        for l_pos, (lesson_title, blocks) in enumerate(lessons, start=1):
            lesson = Lesson.objects.create(
                module=module, course=course, title=lesson_title, position=l_pos
            )
            for b_pos, spec in enumerate(blocks, start=1):
                fields = {k: v for k, v in spec.items() if k != "type"}
                Block.objects.create(
                    lesson=lesson,
                    block_type=spec["type"],
                    position=b_pos,
                    fields=fields,
                    required=True,
                    graded=block_type_scored(block_type=spec["type"]),
                )
