"""The HTTP API of the catalog, enrollment, lessons and progress (DRF views).

Each view parses its input, calls a service or selector, and renders. The
services check permissions themselves; ``ServiceAPIView`` only translates their
refusals into HTTP answers of the shape ``{"code": ..., "detail": ...}``
(see ``lms.api``). Answers of questions are graded by
``content_authoring.services``, never here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from content_authoring import selectors as content_selectors
from content_authoring import services as content_services
from courses import selectors, services
from courses.exceptions import (
    AlreadyEnrolled,
    AlreadyRequested,
    EnrollmentRefused,
    NotEnrolled,
    PrerequisiteMissing,
)
from courses.models import Course, Enrollment
from courses.serializers import (
    CatalogFilterSerializer,
    CourseDetailSerializer,
    CourseListItemSerializer,
    CourseProgressSerializer,
    EnrollmentRequestSerializer,
    EnrollmentSerializer,
    LessonDetailSerializer,
    LessonViewedRequestSerializer,
    LessonViewedSerializer,
    PrerequisiteProblemSerializer,
    SubmissionRequestSerializer,
    SubmissionResultSerializer,
)
from lms.api import (
    MALFORMED,
    NOT_FOUND,
    NOT_SIGNED_IN,
    Problem,
    ProblemAPIView,
    ProblemSerializer,
)

# --- refusals ------------------------------------------------------------------

_CONFLICTS = (AlreadyEnrolled, AlreadyRequested)


class ServiceAPIView(ProblemAPIView):
    """Adds the refusals of the ``courses`` services to the shared ones."""

    def problem_for(self, exc: Exception) -> Exception:
        if isinstance(exc, PrerequisiteMissing):
            return Problem(
                status_code=status.HTTP_400_BAD_REQUEST,
                code=exc.code,
                detail=exc.message,
                missing=exc.missing_titles,
            )
        if isinstance(exc, _CONFLICTS):
            return Problem(
                status_code=status.HTTP_409_CONFLICT, code=exc.code, detail=exc.message
            )
        if isinstance(exc, EnrollmentRefused):  # wrong role, cohort-only, closed
            return Problem(
                status_code=status.HTTP_403_FORBIDDEN, code=exc.code, detail=exc.message
            )
        if isinstance(exc, content_services.BlockNotFound):
            return Problem(
                status_code=status.HTTP_404_NOT_FOUND,
                code="not_found",
                detail=exc.message,
            )
        if isinstance(exc, NotEnrolled):
            return Problem(
                status_code=status.HTTP_403_FORBIDDEN,
                code="not_enrolled",
                detail=str(exc) or _("Enroll in the course first."),
            )
        return super().problem_for(exc)


# --- catalog -------------------------------------------------------------------


class CatalogCourseListView(ListAPIView, ServiceAPIView):
    """Published courses; anyone may browse the catalog."""

    permission_classes = [AllowAny]
    serializer_class = CourseListItemSerializer

    def get_queryset(self):
        filters = CatalogFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return selectors.course_list_for_catalog(
            user=self.request.user,
            query=data["q"],
            track=data["track"],
            language=data["language"],
            target_group=data["target_group"],
        )

    @extend_schema(
        operation_id="catalog_courses_list",
        tags=["catalog"],
        parameters=[CatalogFilterSerializer],
        responses={200: CourseListItemSerializer(many=True), 400: MALFORMED},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class CatalogCourseDetailView(ServiceAPIView):
    """A course and its outline: published lessons, and drafts for its managers."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="catalog_courses_retrieve",
        tags=["catalog"],
        responses={200: CourseDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.course_get_for_user(user=request.user, slug=slug)
        if course is None:
            raise NotFound(_("No such course."))
        outline = selectors.course_outline(
            user=request.user,
            course=course,
            drafts=selectors.course_can_manage(user=request.user, course=course),
        )
        return Response(
            CourseDetailSerializer(course, context={"outline": outline}).data
        )


# --- enrollment ----------------------------------------------------------------


class EnrollmentListView(ListAPIView, ServiceAPIView):
    """My enrollments, and asking to enroll."""

    serializer_class = EnrollmentSerializer

    def get_queryset(self):
        return selectors.enrollments_for_home(user=self.request.user)

    @extend_schema(
        operation_id="enrollments_list",
        tags=["enrollments"],
        responses={200: EnrollmentSerializer(many=True), 403: NOT_SIGNED_IN},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="enrollments_create",
        tags=["enrollments"],
        request=EnrollmentRequestSerializer,
        responses={
            201: OpenApiResponse(
                EnrollmentSerializer,
                description="Enrolled (`active`) or waiting for a trainer (`pending`).",
            ),
            400: OpenApiResponse(
                PrerequisiteProblemSerializer,
                description="`prerequisite_missing`, with the courses to complete "
                "first; or a malformed request.",
            ),
            403: OpenApiResponse(
                ProblemSerializer,
                description="Not signed in, not a learner, or the course enrolls "
                "by cohort only.",
            ),
            404: NOT_FOUND,
            409: OpenApiResponse(
                ProblemSerializer,
                description="`already_enrolled` or `already_requested`.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = EnrollmentRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        course = selectors.course_get_for_user(
            user=request.user, slug=body.validated_data["course"]
        )
        if course is None:
            raise NotFound(_("No such course."))
        enrollment = services.enrollment_request(user=request.user, course=course)
        return Response(
            EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED
        )


class _EnrollmentDecisionView(ServiceAPIView):
    approve: bool

    def post(self, request: Request, pk: int) -> Response:
        enrollment = Enrollment.objects.select_related("course").filter(pk=pk).first()
        if enrollment is None:
            raise NotFound(_("No such enrollment."))
        enrollment = services.enrollment_decide(
            actor=request.user, enrollment=enrollment, approve=self.approve
        )
        return Response(EnrollmentSerializer(enrollment).data)


_DECISION_RESPONSES = {
    200: EnrollmentSerializer,
    400: OpenApiResponse(ProblemSerializer, description="Already decided."),
    403: OpenApiResponse(
        ProblemSerializer, description="Only the course's trainers and administrators."
    ),
    404: NOT_FOUND,
}


class EnrollmentApproveView(_EnrollmentDecisionView):
    approve = True

    @extend_schema(
        operation_id="enrollments_approve",
        tags=["enrollments"],
        request=None,
        responses=_DECISION_RESPONSES,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class EnrollmentRejectView(_EnrollmentDecisionView):
    approve = False

    @extend_schema(
        operation_id="enrollments_reject",
        tags=["enrollments"],
        request=None,
        responses=_DECISION_RESPONSES,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


# --- lessons and blocks ----------------------------------------------------------


class LessonDetailView(ServiceAPIView):
    """A lesson and its blocks as learners see them (never a question's answers)."""

    @extend_schema(
        operation_id="lessons_retrieve",
        tags=["lessons"],
        responses={
            200: LessonDetailSerializer,
            403: OpenApiResponse(ProblemSerializer, description="Not signed in."),
            404: OpenApiResponse(
                ProblemSerializer,
                description="No such lesson, or not one you may open "
                "(enroll in its course first).",
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        # courses.selectors finds a lesson within its course; find the course first.
        course = Course.objects.filter(lessons=pk).first()
        lesson = (
            selectors.lesson_get_for_user(
                user=request.user, course=course, lesson_id=pk
            )
            if course is not None
            else None
        )
        if lesson is None:
            raise NotFound(_("No such lesson."))
        blocks = content_selectors.lesson_blocks(lesson_id=lesson.pk)
        return Response(LessonDetailSerializer(lesson, context={"blocks": blocks}).data)


class BlockSubmissionView(ServiceAPIView):
    """Answer a block; the server grades it. Resending a submission counts once."""

    @extend_schema(
        operation_id="blocks_submissions_create",
        tags=["lessons"],
        request=SubmissionRequestSerializer,
        responses={
            201: OpenApiResponse(SubmissionResultSerializer, description="Recorded."),
            200: OpenApiResponse(
                SubmissionResultSerializer,
                description="A replay of a submission already recorded "
                "(`duplicate` is true); nothing was counted again.",
            ),
            400: OpenApiResponse(ProblemSerializer, description="A malformed answer."),
            403: OpenApiResponse(
                ProblemSerializer, description="Not signed in, or not enrolled."
            ),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        body = SubmissionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = content_services.block_submit(
            user=request.user,
            block_id=pk,
            submission_id=body.validated_data["submission_id"],
            data=body.validated_data["answer"],
        )
        replayed = result["duplicate"]
        return Response(
            SubmissionResultSerializer(result).data,
            status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
        )


class LessonViewedView(ServiceAPIView):
    """Mark a lesson's read-only blocks (text, video...) as viewed."""

    @extend_schema(
        operation_id="lessons_viewed_create",
        tags=["lessons"],
        request=LessonViewedRequestSerializer,
        responses={
            200: LessonViewedSerializer,
            400: OpenApiResponse(ProblemSerializer, description="A malformed request."),
            403: OpenApiResponse(
                ProblemSerializer, description="Not signed in, or not enrolled."
            ),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        body = LessonViewedRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        recorded = content_services.lesson_mark_viewed(
            user=request.user,
            lesson_id=pk,
            submission_id=body.validated_data["submission_id"],
        )
        return Response(LessonViewedSerializer({"recorded": recorded}).data)


# --- progress --------------------------------------------------------------------


class CourseProgressView(ServiceAPIView):
    """My progress in a course I am enrolled in."""

    @extend_schema(
        operation_id="progress_courses_retrieve",
        tags=["progress"],
        responses={
            200: CourseProgressSerializer,
            403: OpenApiResponse(
                ProblemSerializer, description="Not signed in, or not enrolled."
            ),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        course = selectors.course_get_for_user(user=request.user, slug=slug)
        if course is None:
            raise NotFound(_("No such course."))
        enrollment = selectors.enrollment_for(user=request.user, course=course)
        if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
            raise NotEnrolled(_("Enroll in the course first."))
        per_lesson = selectors.lesson_progress_map(user=request.user, course=course)
        return Response(
            CourseProgressSerializer(
                enrollment, context={"lesson_progress": per_lesson}
            ).data
        )
