"""Plain factory functions for tests: real rows through the real services."""

from __future__ import annotations

import itertools

from content_authoring.models import Block
from courses.models import Course, Enrollment, Lesson, Module, Program, Track
from courses.services import course_save
from lms.models import Cohort, LearnerProfile, Role, User

_seq = itertools.count(1)
# Every user these factories make signs in with this password.
PASSWORD = "pw-Đắk-Lắk-2026"  # noqa: S105 - test data


def make_user(
    role: str = Role.LEARNER, *, username: str | None = None, **extra
) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=username or f"{role}{n}",
        password=PASSWORD,
        role=role,
        full_name=extra.pop("full_name", f"Người dùng {n}"),
        **extra,
    )
    if role == Role.LEARNER:
        LearnerProfile.objects.create(user=user)
    return user


def make_program(track: str = Track.VOCATIONAL) -> Program:
    n = next(_seq)
    return Program.objects.create(
        slug=f"program-{n}", name=f"Chương trình {n}", track=track
    )


def make_course(
    *,
    lessons: int = 1,
    title: str | None = None,
    status: str = "published",
    trainers: tuple[User, ...] = (),
    program: Program | None = None,
    with_question: bool = True,
    **fields,
) -> Course:
    """A course of one module with ``lessons`` lessons, each a text block and,
    if ``with_question``, a graded multiple-choice question (answer: index 1)."""
    n = next(_seq)
    course = course_save(
        course=Course(
            slug=fields.pop("slug", f"course-{n}"),
            program=program or make_program(),
            title=title or f"Khoá học {n}",
            status=status,
            **fields,
        )
    )
    course.trainers.set(trainers)
    module = Module.objects.create(course=course, title="Phần 1", position=1)
    for i in range(lessons):
        lesson = Lesson.objects.create(
            module=module, course=course, title=f"Bài {i + 1}", position=i + 1
        )
        Block.objects.create(
            lesson=lesson,
            block_type="html",
            position=1,
            fields={"html": f"<p>Nội dung bài {i + 1}</p>"},
            required=True,
            graded=False,
        )
        if with_question:
            Block.objects.create(
                lesson=lesson,
                block_type="mcq",
                position=2,
                fields={
                    "question": "Cà phê trồng ở đâu?",
                    "choices": ["Biển", "Đắk Lắk", "Sa mạc"],
                    "correct": [1],
                },
                required=True,
                graded=True,
            )
    return course


def enroll(user: User, course: Course) -> Enrollment:
    return Enrollment.objects.create(
        user=user, course=course, status=Enrollment.Status.ACTIVE, source="staff"
    )


def make_cohort(*members: User, name: str | None = None) -> Cohort:
    cohort = Cohort.objects.create(name=name or f"Lớp {next(_seq)}")
    cohort.members.set(members)
    return cohort
