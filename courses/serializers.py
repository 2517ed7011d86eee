"""Shapes of the ``courses`` HTTP API. They parse and render; no rules live here."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.models import (
    ContentLanguage,
    Course,
    Enrollment,
    Program,
    TargetGroup,
    Track,
)
from lms.api import ProblemSerializer

# --- errors ------------------------------------------------------------------


class PrerequisiteProblemSerializer(ProblemSerializer):
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text="Titles of the courses to complete first.",
    )


# --- catalog -----------------------------------------------------------------


class CatalogFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="Words to look for; accents and case are ignored.",
    )
    track = serializers.ChoiceField(
        choices=Track.choices, required=False, allow_blank=True, default=""
    )
    language = serializers.ChoiceField(
        choices=ContentLanguage.choices, required=False, allow_blank=True, default=""
    )
    target_group = serializers.ChoiceField(
        choices=TargetGroup.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Courses for this group, and those for everyone.",
    )


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["slug", "name", "track"]


class CourseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["slug", "title"]


class _CourseBaseSerializer(serializers.ModelSerializer):
    program = ProgramSerializer(read_only=True)
    track = serializers.CharField(source="program.track", read_only=True)

    class Meta:
        model = Course
        fields = [
            "slug",
            "title",
            "summary",
            "language",
            "target_group",
            "track",
            "program",
            "hours",
            "enrollment_mode",
        ]


class CourseListItemSerializer(_CourseBaseSerializer):
    lesson_count = serializers.IntegerField(read_only=True)

    class Meta(_CourseBaseSerializer.Meta):
        fields = [*_CourseBaseSerializer.Meta.fields, "lesson_count"]


class OutlineLessonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="lesson.id")
    title = serializers.CharField(source="lesson.title")
    position = serializers.IntegerField(source="lesson.position")
    status = serializers.CharField(
        source="lesson.status", help_text="Drafts are listed to managers only."
    )
    estimated_minutes = serializers.IntegerField(source="lesson.estimated_minutes")
    progress = serializers.FloatField(
        help_text="Share (0..1) of the lesson's required blocks you completed."
    )


class OutlineModuleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="module.id")
    title = serializers.CharField(source="module.title")
    position = serializers.IntegerField(source="module.position")
    lessons = OutlineLessonSerializer(many=True)


class CourseDetailSerializer(_CourseBaseSerializer):
    """A course with its outline; the view passes the outline as context."""

    # A plain string, not an enum: "status" enums of two models would collide in
    # the schema's component names (see SPECTACULAR_SETTINGS.ENUM_NAME_OVERRIDES).
    status = serializers.CharField(
        read_only=True,
        help_text="`published`, or `draft` (shown to the course's managers only).",
    )
    prerequisites = CourseRefSerializer(many=True, read_only=True)
    modules = serializers.SerializerMethodField()

    class Meta(_CourseBaseSerializer.Meta):
        fields = [
            *_CourseBaseSerializer.Meta.fields,
            "description",
            "status",
            "pass_mark",
            "published_at",
            "prerequisites",
            "modules",
        ]

    @extend_schema_field(OutlineModuleSerializer(many=True))
    def get_modules(self, course: Course) -> list[dict]:
        return OutlineModuleSerializer(self.context["outline"], many=True).data


# --- enrollment --------------------------------------------------------------


class EnrollmentRequestSerializer(serializers.Serializer):
    course = serializers.SlugField(help_text="Slug of the course to enroll in.")


class EnrollmentSerializer(serializers.ModelSerializer):
    course = CourseRefSerializer(read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    last_lesson = serializers.IntegerField(
        source="last_lesson_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "user",
            "course",
            "status",
            "source",
            "created_at",
            "progress",
            "score",
            "completed_at",
            "last_lesson",
            "last_activity_at",
        ]
        read_only_fields = fields


# --- lessons and blocks ------------------------------------------------------


# Keys of a block's fields that hold what a learner must find out, at any depth.
# content_authoring has no selector of learner-visible fields yet; when it has,
# the lesson view should ask it instead.
ANSWER_KEYS = frozenset({"correct", "answers", "solution"})


def _without_answers(value):
    if isinstance(value, dict):
        return {
            key: _without_answers(item)
            for key, item in value.items()
            if key not in ANSWER_KEYS
        }
    if isinstance(value, list):
        return [_without_answers(item) for item in value]
    return value


class BlockSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    block_type = serializers.CharField()
    position = serializers.IntegerField()
    required = serializers.BooleanField()
    graded = serializers.BooleanField()
    fields = serializers.SerializerMethodField(
        method_name="public_fields",
        help_text="The block's content as learners see it; never the answers.",
    )

    @extend_schema_field({"type": "object", "additionalProperties": {}})
    def public_fields(self, block) -> dict:
        return _without_answers(block.fields)


class LessonModuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class LessonDetailSerializer(serializers.Serializer):
    """A lesson; the view passes its public blocks as context."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    position = serializers.IntegerField()
    status = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    course = CourseRefSerializer()
    module = LessonModuleSerializer()
    blocks = serializers.SerializerMethodField()

    @extend_schema_field(BlockSerializer(many=True))
    def get_blocks(self, lesson) -> list[dict]:
        return BlockSerializer(self.context["blocks"], many=True).data


class SubmissionRequestSerializer(serializers.Serializer):
    submission_id = serializers.UUIDField(
        help_text="Made by the client once per answer; resending it is harmless."
    )
    answer = serializers.DictField(
        help_text='What the learner answered, e.g. {"selected": [1]} for a '
        "multiple-choice question."
    )


class SubmissionResultSerializer(serializers.Serializer):
    correct = serializers.BooleanField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    max_score = serializers.FloatField(allow_null=True)
    feedback_html = serializers.CharField(
        required=False,
        help_text="The block's feedback, as the lesson page shows it.",
    )
    duplicate = serializers.BooleanField(
        help_text="True when this submission id had been received before: "
        "nothing was counted again."
    )


class LessonViewedRequestSerializer(serializers.Serializer):
    submission_id = serializers.UUIDField()


class LessonViewedSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(
        help_text="How many of the lesson's blocks this request newly completed "
        "(0 for a replay, or when all were done already)."
    )


# --- progress ----------------------------------------------------------------


class LessonProgressSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    progress = serializers.FloatField()


class CourseProgressSerializer(serializers.ModelSerializer):
    """An enrollment's progress; the view passes the per-lesson map as context."""

    course = CourseRefSerializer(read_only=True)
    last_lesson = serializers.IntegerField(
        source="last_lesson_id", read_only=True, allow_null=True
    )
    lessons = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = [
            "course",
            "status",
            "progress",
            "score",
            "completed_at",
            "last_lesson",
            "last_activity_at",
            "lessons",
        ]
        read_only_fields = fields

    @extend_schema_field(LessonProgressSerializer(many=True))
    def get_lessons(self, enrollment: Enrollment) -> list[dict]:
        per_lesson: dict[int, float] = self.context["lesson_progress"]
        return [
            {"lesson": lesson_id, "progress": progress}
            for lesson_id, progress in sorted(per_lesson.items())
        ]
