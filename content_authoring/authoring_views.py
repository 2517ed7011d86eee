"""The authoring pages: trainers build courses, modules, lessons and blocks.

Thin views over ``courses.services`` (course structure) and
``content_authoring.services`` (blocks, drafts, publication). Every form posts
and redirects back (works without JavaScript); ``authoring.js`` adds drag and
drop ordering on top of the move buttons.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from web_fragments.fragment import Fragment
from xblock.fields import Boolean, Scope, String

from content_authoring import selectors, services, transfer
from content_authoring.blocks import AuthorableBlock
from content_authoring.forms import (
    CourseCreateForm,
    CourseDetailsForm,
    LessonDetailsForm,
    PublishForm,
    TitleForm,
)
from content_authoring.models import Block
from content_authoring.runtime import (
    BlockRuntime,
    BlockTypeUnavailable,
    block_type_check,
    resources_html,
)
from content_authoring.uploads import (
    UploadTooLarge,
    check_uploads,
    limited_upload_view,
)
from courses import selectors as course_selectors
from courses import services as course_services
from courses.models import Course, Lesson, Module
from lms.models import User

# Names shown in the "add a block" menu for the project's own block types.
BLOCK_TYPE_LABELS = {
    "html": gettext_lazy("Text"),
    "image": gettext_lazy("Image with caption"),
    "video": gettext_lazy("Video"),
    "audio": gettext_lazy("Audio"),
    "mcq": gettext_lazy("Multiple choice"),
    "truefalse": gettext_lazy("True or false"),
    "blanks": gettext_lazy("Fill in the blanks"),
    "matching": gettext_lazy("Matching"),
    "ordering": gettext_lazy("Put in order"),
    "shortanswer": gettext_lazy("Short answer"),
    "assignment": gettext_lazy("Practical work (upload, graded by the trainer)"),
    "discussion": gettext_lazy("Discussion"),
    "h5p": gettext_lazy("H5P interactive content"),
    "live_session": gettext_lazy("Live class (attendance counts)"),
    # Language lessons drawn from the dictionary (dictionary/blocks/).
    "vocab_list": gettext_lazy("Vocabulary list with audio"),
    "flashcards": gettext_lazy("Flashcards (spaced repetition)"),
    "listen_choose": gettext_lazy("Listen and choose the meaning"),
    "picture_match": gettext_lazy("Match pictures and words"),
    "spelling": gettext_lazy("Spelling (type the word)"),
    "dialogue": gettext_lazy("Phrase dialogue"),
    # The practice marketplace (ecommerce_training/blocks.py).
    "listing_task": gettext_lazy("Practice shop listing (checker score)"),
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _message(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _fail(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, ValidationError):
        for text in _message(error):
            messages.error(request, text)
    else:
        messages.error(request, str(error) or _("You may not do this."))


def _managed_course(request: HttpRequest, course: Course) -> Course:
    if not course_selectors.course_can_manage(user=_user(request), course=course):
        raise PermissionDenied(
            _("Only the course's trainers and administrators edit it.")
        )
    return course


def _lesson(request: HttpRequest, lesson_id: int) -> Lesson:
    lesson = get_object_or_404(
        Lesson.objects.select_related("course", "module"), pk=lesson_id
    )
    _managed_course(request, lesson.course)
    return lesson


def _block(request: HttpRequest, block_id: int) -> Block:
    block = get_object_or_404(
        Block.objects.select_related("lesson__course"), pk=block_id
    )
    _managed_course(request, block.lesson.course)
    return block


def _lesson_editor_url(lesson_id: int, block_id: int | None = None) -> str:
    url = reverse("authoring:lesson", args=[lesson_id])
    return f"{url}#b{block_id}" if block_id else url


# --- courses --------------------------------------------------------------------------


@login_required
def author_home(request: HttpRequest) -> HttpResponse:
    """The courses the user may edit, and a form for a new one."""
    user = _user(request)
    if not course_services.course_can_create(user=user):
        raise PermissionDenied(_("Only trainers and administrators build courses."))
    courses = (
        Course.objects.all()
        if user.is_province_admin
        else course_selectors.courses_taught(user=user)
    )
    form = CourseCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = course_services.course_create(actor=user, **form.cleaned_data)
        messages.success(request, _("Course created. Add its modules and lessons."))
        return redirect("authoring:course", slug=course.slug)
    return render(
        request,
        "content_authoring/authoring/home.html",
        {"courses": courses.select_related("program").order_by("title"), "form": form},
    )


@login_required
def course_edit(request: HttpRequest, slug: str) -> HttpResponse:
    course = _managed_course(request, get_object_or_404(Course, slug=slug))
    form = CourseDetailsForm(request.POST or None, instance=course)
    if request.method == "POST":
        if form.is_valid():
            try:
                course_services.course_update(
                    actor=_user(request), course=course, **form.cleaned_data
                )
            except ValidationError as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("Course details saved."))
                return redirect("authoring:course", slug=course.slug)
        course.refresh_from_db()
    modules = list(course.modules.prefetch_related("lessons").order_by("position"))
    changed = set(
        Block.objects.filter(lesson__course=course)
        .exclude(live=True, draft__isnull=True)
        .values_list("lesson_id", flat=True)
    )
    return render(
        request,
        "content_authoring/authoring/course.html",
        {
            "course": course,
            "form": form,
            "modules": modules,
            "changed": changed,
            "title_form": TitleForm(),
        },
    )


@login_required
def course_export(request: HttpRequest, slug: str) -> FileResponse:
    """The course as one archive, streamed from a temporary file."""
    course = _managed_course(request, get_object_or_404(Course, slug=slug))
    # Deleted when the response closes it after streaming.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    with tempfile.TemporaryDirectory() as folder:
        path = transfer.course_export(
            actor=_user(request), course=course, to=Path(folder) / "course.zip"
        )
        with path.open("rb") as source:
            shutil.copyfileobj(source, handle, 1024 * 1024)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=transfer.archive_name(course),
        content_type="application/zip",
    )


@login_required
@limited_upload_view(lambda: settings.COURSE_ARCHIVE_MAX_BYTES)
@require_POST
def course_import(request: HttpRequest) -> HttpResponse:
    if not course_services.course_can_create(user=_user(request)):
        raise PermissionDenied(_("Only trainers and administrators build courses."))
    try:
        check_uploads(request)
        upload = request.FILES.get("archive")
        if upload is None:
            raise ValidationError(_("Choose a course archive to import."))
        course = transfer.course_import(actor=_user(request), archive_file=upload)
    except UploadTooLarge as exc:
        messages.error(request, exc.message)
        return redirect("authoring:home")
    except ValidationError as exc:
        _fail(request, exc)
        return redirect("authoring:home")
    messages.success(
        request, _("Course imported as a draft. Check it, then publish it.")
    )
    return redirect("authoring:course", slug=course.slug)


@login_required
@require_POST
def course_publish(request: HttpRequest, slug: str) -> HttpResponse:
    course = _managed_course(request, get_object_or_404(Course, slug=slug))
    course_services.course_publish(actor=_user(request), course=course)
    messages.success(request, _("The course is published in the catalog."))
    return redirect("authoring:course", slug=course.slug)


@login_required
@require_POST
def module_add(request: HttpRequest, slug: str) -> HttpResponse:
    course = _managed_course(request, get_object_or_404(Course, slug=slug))
    try:
        course_services.module_create(
            actor=_user(request), course=course, title=request.POST.get("title", "")
        )
    except ValidationError as exc:
        _fail(request, exc)
    return redirect("authoring:course", slug=course.slug)


@login_required
@require_POST
def module_change(request: HttpRequest, module_id: int) -> HttpResponse:
    """Rename, move or delete a module (the button pressed says which)."""
    module = get_object_or_404(Module.objects.select_related("course"), pk=module_id)
    _managed_course(request, module.course)
    actor = _user(request)
    action = request.POST.get("action", "")
    try:
        if action == "rename":
            course_services.module_rename(
                actor=actor, module=module, title=request.POST.get("title", "")
            )
        elif action in ("up", "down"):
            course_services.module_move(
                actor=actor, module=module, offset=-1 if action == "up" else 1
            )
        elif action == "delete":
            course_services.module_delete(actor=actor, module=module)
        elif action == "add_lesson":
            lesson = course_services.lesson_create(
                actor=actor, module=module, title=request.POST.get("title", "")
            )
            return redirect("authoring:lesson", lesson_id=lesson.pk)
    except ValidationError as exc:
        _fail(request, exc)
    return redirect("authoring:course", slug=module.course.slug)


# --- lessons ------------------------------------------------------------------------


@dataclass
class BlockEditor:
    """One block as the lesson editor shows it."""

    row: Block
    draft: Block
    number: int
    state: str  # "published", "changed", "new", "removed"
    label: str
    form_html: SafeString = mark_safe("")
    generic_fields: list[dict[str, Any]] = field(default_factory=list)
    unavailable: str = ""
    problems: list[str] = field(default_factory=list)


def _block_label(block_type: str) -> str:
    return str(BLOCK_TYPE_LABELS.get(block_type, block_type))


def _generic_fields(xblock) -> list[dict[str, Any]]:
    rows = []
    for name, fld in xblock.fields.items():
        if fld.scope not in (Scope.content, Scope.settings) or name in (
            "parent",
            "children",
            "tags",
        ):
            continue
        value = getattr(xblock, name)
        if isinstance(fld, Boolean):
            kind = "bool"
        elif isinstance(fld, String):
            kind = "text"
        else:
            kind = "json"
            value = json.dumps(fld.to_json(value), ensure_ascii=False, indent=1)
        rows.append(
            {
                "name": name,
                "label": str(fld.display_name or name),
                "help": str(fld.help or ""),
                "kind": kind,
                "value": value,
            }
        )
    return rows


def _editors(
    request: HttpRequest, lesson: Lesson
) -> tuple[list[BlockEditor], Fragment]:
    rows = selectors.lesson_blocks_for_authoring(lesson_id=lesson.pk)
    drafts = {b.pk: selectors.block_draft(b) for b in rows}
    # Author views link back here (e.g. after uploading an H5P package).
    runtime = BlockRuntime(
        user=_user(request), request=request, return_url=request.get_full_path()
    )
    runtime.kvs.prime(blocks=list(drafts.values()))
    resources = Fragment()
    ordered = sorted(
        rows,
        key=lambda b: (
            selectors.block_is_removed_in_draft(b),
            drafts[b.pk].position,
            b.pk,
        ),
    )
    editors = []
    number = 0
    for row in ordered:
        removed = selectors.block_is_removed_in_draft(row)
        if not removed:
            number += 1
        state = (
            "removed"
            if removed
            else "new"
            if not row.live
            else "changed"
            if row.draft
            else "published"
        )
        editor = BlockEditor(
            row=row,
            draft=drafts[row.pk],
            number=number,
            state=state,
            label=_block_label(row.block_type),
        )
        editors.append(editor)
        if removed:
            continue
        check = block_type_check(row.block_type)
        if not check.available:
            editor.unavailable = check.message
            continue
        try:
            xblock = runtime.get_block(str(row.pk))
            if isinstance(xblock, AuthorableBlock):
                fragment = xblock.studio_view({})  # type: ignore[attr-defined]
                resources.add_fragment_resources(fragment)
                editor.form_html = mark_safe(fragment.body_html())  # noqa: S308
            else:
                editor.generic_fields = _generic_fields(xblock)
        except BlockTypeUnavailable:
            editor.unavailable = _("This block type cannot be loaded.")
            continue
        except Exception as exc:  # a third-party block's own failure
            editor.unavailable = _("This block's editing form failed: %(error)s") % {
                "error": exc.__class__.__name__
            }
            continue
        try:
            services.block_fields_clean(
                block_type=row.block_type, fields=drafts[row.pk].fields
            )
        except ValidationError as exc:
            editor.problems = _message(exc)
    return editors, resources


def _block_types() -> list[tuple[str, str]]:
    names = sorted({ep.name for ep in entry_points(group="xblock.v1")})
    own = [n for n in BLOCK_TYPE_LABELS if n in names]
    others = [n for n in names if n not in BLOCK_TYPE_LABELS]
    return [(n, _block_label(n)) for n in own] + [
        (n, _("%(name)s (installed block)") % {"name": n}) for n in others
    ]


@login_required
def lesson_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    modules = list(lesson.course.modules.order_by("position"))
    details = LessonDetailsForm(
        request.POST or None,
        modules=modules,
        initial={
            "title": lesson.title,
            "estimated_minutes": lesson.estimated_minutes,
            "module": lesson.module_id,
        },
    )
    if request.method == "POST" and details.is_valid():
        data = details.cleaned_data
        try:
            course_services.lesson_update(
                actor=_user(request),
                lesson=lesson,
                title=data["title"],
                estimated_minutes=data["estimated_minutes"],
                module=next(m for m in modules if m.pk == data["module"]),
            )
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("Lesson details saved."))
            return redirect("authoring:lesson", lesson_id=lesson.pk)
    editors, resources = _editors(request, lesson)
    return render(
        request,
        "content_authoring/authoring/lesson.html",
        {
            "course": lesson.course,
            "lesson": lesson,
            "details": details,
            "editors": editors,
            "has_changes": any(e.state != "published" for e in editors),
            "block_types": _block_types(),
            "publish_form": PublishForm(),
            "revisions": lesson.revisions.select_related("author")[:20],
            "head_html": resources_html(resources, "head"),
            "foot_html": resources_html(resources, "foot"),
        },
    )


@login_required
@require_POST
def lesson_change(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Move, unpublish or delete a lesson (the button pressed says which)."""
    lesson = _lesson(request, lesson_id)
    actor = _user(request)
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            course_services.lesson_move(
                actor=actor, lesson=lesson, offset=-1 if action == "up" else 1
            )
        elif action == "unpublish":
            course_services.lesson_unpublish(actor=actor, lesson=lesson)
            messages.success(request, _("Learners no longer see this lesson."))
        elif action == "delete":
            course_services.lesson_delete(actor=actor, lesson=lesson)
            messages.success(request, _("Lesson deleted."))
    except ValidationError as exc:
        _fail(request, exc)
    return redirect("authoring:course", slug=lesson.course.slug)


@login_required
@require_POST
def lesson_publish(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    form = PublishForm(request.POST)
    note = form.data.get("note", "")
    try:
        revision = services.lesson_publish(
            actor=_user(request), lesson=lesson, note=note
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            _("Published as version %(number)s. Learners see it now.")
            % {"number": revision.number},
        )
    return redirect("authoring:lesson", lesson_id=lesson.pk)


@login_required
@require_POST
def lesson_discard(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    services.lesson_draft_discard(actor=_user(request), lesson=lesson)
    messages.success(request, _("Draft thrown away: the lesson is as published."))
    return redirect("authoring:lesson", lesson_id=lesson.pk)


@login_required
def lesson_preview(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The draft exactly as learners will see it (answers are not recorded)."""
    lesson = _lesson(request, lesson_id)
    rendered = selectors.lesson_render(
        request=request, user=_user(request), lesson=lesson, draft=True
    )
    return render(
        request,
        "content_authoring/authoring/preview.html",
        {
            "course": lesson.course,
            "lesson": lesson,
            "rendered": rendered,
            "previous": None,
            "next": None,
            "enrollment": None,
            "preview": True,
        },
    )


@login_required
@require_POST
def lesson_reorder(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """Drag and drop: the new order of every block id, comma-separated."""
    lesson = _lesson(request, lesson_id)
    raw = request.POST.get("order", "")
    try:
        order = [int(x) for x in raw.split(",") if x.strip()]
    except ValueError:
        order = []
    try:
        services.lesson_blocks_reorder(actor=_user(request), lesson=lesson, order=order)
    except ValidationError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"error": " ".join(_message(exc))}, status=409)
        _fail(request, exc)
        return redirect("authoring:lesson", lesson_id=lesson.pk)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"order": order})
    return redirect("authoring:lesson", lesson_id=lesson.pk)


# --- blocks ---------------------------------------------------------------------------


@login_required
@require_POST
def block_add(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    try:
        block = services.block_add(
            actor=_user(request),
            lesson=lesson,
            block_type=request.POST.get("block_type", ""),
        )
    except ValidationError as exc:
        _fail(request, exc)
        return redirect("authoring:lesson", lesson_id=lesson.pk)
    messages.success(request, _("Block added. Fill it in and save."))
    return redirect(_lesson_editor_url(lesson.pk, block.pk))


def _flag(request: HttpRequest, name: str) -> bool | None:
    if f"{name}-present" not in request.POST:
        return None
    return request.POST.get(name) == "on"


@login_required
@require_POST
def block_save(request: HttpRequest, block_id: int) -> HttpResponse:
    block = _block(request, block_id)
    weight: float | None = None
    if request.POST.get("weight"):
        try:
            weight = float(request.POST["weight"])
        except ValueError:
            messages.error(request, _("The weight must be a number."))
            return redirect(_lesson_editor_url(block.lesson_id, block.pk))
    try:
        services.block_author_save(
            actor=_user(request),
            block_id=block.pk,
            data=request.POST,
            required=_flag(request, "required"),
            graded=_flag(request, "graded"),
            weight=weight,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                for text in errors:
                    messages.error(request, f"{name}: {text}")
        else:
            _fail(request, exc)
    else:
        messages.success(request, _("Saved in the draft. Publish to show learners."))
    return redirect(_lesson_editor_url(block.lesson_id, block.pk))


@login_required
@require_POST
def block_change(request: HttpRequest, block_id: int) -> HttpResponse:
    """Move, remove or restore a block (the button pressed says which)."""
    block = _block(request, block_id)
    actor = _user(request)
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            services.block_move(
                actor=actor, block_id=block.pk, offset=-1 if action == "up" else 1
            )
        elif action == "remove":
            services.block_remove(actor=actor, block_id=block.pk)
        elif action == "restore":
            services.block_restore(actor=actor, block_id=block.pk)
        else:
            raise Http404
    except ValidationError as exc:
        _fail(request, exc)
    return redirect(_lesson_editor_url(block.lesson_id, block.pk))
