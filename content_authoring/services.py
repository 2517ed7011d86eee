"""Writes of ``content_authoring``: answers, handler calls, lessons viewed, blocks.

Each service checks permissions itself, so the lesson page, the REST API and
any task behave the same. Learner results are recorded by
``courses.services.block_result_record`` through the runtime's ``publish``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

import webob
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from xblock.core import XBlock
from xblock.exceptions import NoSuchHandlerError
from xblock.fields import Scope

from content_authoring import selectors
from content_authoring.blocks import AnswerableBlock, AuthorableBlock
from content_authoring.models import Block, LessonRevision
from content_authoring.runtime import (
    BlockRuntime,
    BlockTypeUnavailable,
    DjangoWebobRequest,
)
from courses import selectors as course_selectors
from courses.exceptions import NotEnrolled
from courses.models import Lesson
from lms.models import User
from lms.text import canonical


class BlockNotFound(Exception):
    """No such block, or its type cannot load: views answer 404."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class HandlerNotFound(BlockNotFound):
    pass


def submission_uuid(value: Any) -> uuid.UUID:
    """The client's submission id, or ``ValidationError`` with a clear message."""
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            _("The submission id is missing: reload the page and try again."),
            code="submission_id_missing",
        )
    try:
        return uuid.UUID(value.strip())
    except ValueError as exc:
        raise ValidationError(
            _("The submission id is not valid: reload the page and try again."),
            code="submission_id_invalid",
        ) from exc


# --- access ---------------------------------------------------------------------


def _lesson_for_learner(*, user: User, lesson: Lesson) -> Lesson:
    """The lesson if ``user`` may work in it, else the reason why not."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    allowed = course_selectors.lesson_get_for_user(
        user=user, course=lesson.course, lesson_id=lesson.pk
    )
    if allowed is not None:
        return allowed
    enrollment = course_selectors.enrollment_for(user=user, course=lesson.course)
    if enrollment is None or enrollment.status != enrollment.Status.ACTIVE:
        raise NotEnrolled(_("You are not enrolled in this course."))
    raise PermissionDenied(_("This lesson is not open yet."))


def _block_for_learner(*, user: User, block_id: int) -> Block:
    block = Block.objects.select_related("lesson__course").filter(pk=block_id).first()
    if block is None:
        raise BlockNotFound(_("This part of the lesson does not exist."))
    if not block.live:
        # A draft block (e.g. answered in the trainer's preview): not recorded.
        raise BlockNotFound(
            _("This part of the lesson is not published yet: answers are not recorded.")
        )
    _lesson_for_learner(user=user, lesson=block.lesson)
    return block


def _runtime_with_block(
    *,
    user: User,
    block: Block,
    submission_id: uuid.UUID | None,
    request: HttpRequest | None = None,
    return_url: str = "",
) -> tuple[BlockRuntime, XBlock]:
    runtime = BlockRuntime(
        user=user, request=request, submission_id=submission_id, return_url=return_url
    )
    runtime.kvs.prime(blocks=[block])
    try:
        xblock = runtime.get_block(str(block.pk))
    except BlockTypeUnavailable as exc:
        raise BlockNotFound(
            _("This part of the lesson (a “%(type)s” block) cannot be used right now.")
            % {"type": block.block_type}
        ) from exc
    return runtime, xblock


# --- answers ------------------------------------------------------------------


def block_submit(
    *, user: User, block_id: int, submission_id: uuid.UUID | str, data: dict
) -> dict:
    """Grade ``data`` for a learner on the server and record the result once.

    For a multiple-choice question ``data`` is ``{"selected": [indices]}``.
    Returns ``{"correct": bool | None, "score": float | None, "max_score":
    float | None, "duplicate": bool, "feedback_html": str}``. A submission id
    seen before returns the first result with ``duplicate=True`` and changes
    nothing. Raises ``BlockNotFound``, ``NotEnrolled`` / ``PermissionDenied``,
    or ``ValidationError`` (malformed id or answer: nothing is recorded).
    """
    submission = submission_uuid(submission_id)
    block = _block_for_learner(user=user, block_id=block_id)
    runtime, xblock = _runtime_with_block(
        user=user, block=block, submission_id=submission
    )
    answerable = xblock if isinstance(xblock, AnswerableBlock) else None
    if answerable is None:
        raise ValidationError(_("This part of the lesson takes no answers."))
    if not isinstance(data, dict):
        raise ValidationError(_("The answer must be an object."))
    with transaction.atomic():
        result = answerable.submit_answer(data)
        first = runtime.first_result
        if first is not None and not first.created:
            # A resend: report what was recorded the first time; the block's
            # state stays as the first submission left it.
            attempt = first.attempt
            return {
                **answerable.attempt_result(
                    answer=attempt.answer,
                    score=attempt.score,
                    max_score=attempt.max_score,
                ),
                "duplicate": True,
            }
        xblock.save()
    return {
        "correct": result.get("correct"),
        "score": result.get("score"),
        "max_score": result.get("max_score"),
        "feedback_html": result.get("feedback_html", ""),
        "duplicate": False,
    }


def block_handle(
    *,
    user: User,
    block_id: int,
    handler_name: str,
    submission_id: uuid.UUID | str,
    request: HttpRequest,
    suffix: str = "",
) -> webob.Response:
    """Run an XBlock handler for a learner (the media ``progress``, third-party ones).

    Results the handler publishes carry ``submission_id``; if it had been
    recorded before, everything the handler wrote is rolled back.
    """
    submission = submission_uuid(submission_id)
    block = _block_for_learner(user=user, block_id=block_id)
    runtime, xblock = _runtime_with_block(
        user=user, block=block, submission_id=submission, request=request
    )
    with transaction.atomic():
        if any(f.scope == Scope.user_state_summary for f in xblock.fields.values()):
            runtime.kvs.lock_summary(str(block.pk))
        try:
            response = runtime.handle(
                xblock, handler_name, DjangoWebobRequest(request), suffix
            )
        except NoSuchHandlerError as exc:
            raise HandlerNotFound(
                _("This part of the lesson has no such action.")
            ) from exc
        if runtime.duplicate:
            transaction.set_rollback(True)
    return response


# --- lessons -------------------------------------------------------------------------


def lesson_mark_viewed(
    *, user: User, lesson_id: int, submission_id: uuid.UUID | str
) -> int:
    """Complete every non-graded block of a lesson the learner has seen.

    Text, images, and video or audio not yet played to the end complete when
    the learner presses "mark as done". Each block's result carries
    ``uuid5(submission_id, str(block.pk))``, so a resent request counts once.
    Returns how many blocks were newly completed.
    """
    submission = submission_uuid(submission_id)
    lesson = course_selectors.lesson_get(lesson_id=lesson_id)
    if lesson is None:
        raise BlockNotFound(_("This lesson does not exist."))
    _lesson_for_learner(user=user, lesson=lesson)
    blocks = selectors.lesson_blocks(lesson_id=lesson.pk)
    done = selectors.completed_block_ids(user=user, block_ids=[b.pk for b in blocks])
    runtime = BlockRuntime(user=user)
    runtime.kvs.prime(blocks=blocks)
    newly = 0
    with transaction.atomic():
        for block in blocks:
            if block.graded or block.pk in done:
                continue
            try:
                xblock = runtime.get_block(str(block.pk))
            except BlockTypeUnavailable:
                continue
            if not selectors.block_type_viewable(type(xblock)):
                continue
            runtime.begin_submission(uuid.uuid5(submission, str(block.pk)))
            runtime.publish(xblock, "completion", {"completion": 1.0})
            recorded = runtime.first_result
            if (
                recorded is not None
                and recorded.created
                and recorded.summary.completed_at
            ):
                newly += 1
    return newly


# --- authoring ----------------------------------------------------------------------


def _can_author(*, actor: User, lesson: Lesson) -> None:
    if not course_selectors.course_can_manage(user=actor, course=lesson.course):
        raise PermissionDenied(_("Only the course's trainers may change its lessons."))


def _canonical(value: Any) -> Any:
    if isinstance(value, str):
        return canonical(value)
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return value


def block_fields_clean(
    *,
    block_type: str,
    fields: dict[str, Any],
    names: Iterable[str] | None = None,
    validate: bool = True,
) -> dict[str, Any]:
    """Content and settings values put through the block type's own XBlock fields.

    Trainer HTML comes back sanitised, URLs checked, text NFC; the block's
    ``validate()`` must pass (unless ``validate`` is false). Returns the values
    of ``names`` (default: the fields given; a name not given has its default).
    Raises ``ValidationError``; writes nothing.
    """
    draft = Block(pk=0, block_type=block_type, fields={})
    runtime = BlockRuntime(user=AnonymousUser(), can_edit_content=True)
    runtime.kvs.prime(blocks=[draft])
    try:
        xblock = runtime.get_block("0")
    except BlockTypeUnavailable as exc:
        raise ValidationError(
            _("There is no installed block type “%(type)s”.") % {"type": block_type}
        ) from exc
    errors: dict[str, str] = {}
    for name, value in fields.items():
        field = xblock.fields.get(name)
        if field is None or field.scope not in (Scope.content, Scope.settings):
            errors[name] = _("Unknown field.")
            continue
        try:
            setattr(xblock, name, field.enforce_type(_canonical(value)))
        except (TypeError, ValueError):
            errors[name] = _("This value does not fit the field.")
    if errors:
        raise ValidationError(errors)
    if validate:
        problems = [str(m.text) for m in xblock.validate().messages]
        if problems:
            raise ValidationError(problems)
    wanted = list(fields) if names is None else list(names)
    return {
        name: xblock.fields[name].to_json(getattr(xblock, name))
        for name in wanted
        if name in xblock.fields
    }


@transaction.atomic
def block_fields_update(*, actor: User, block: Block, fields: dict[str, Any]) -> Block:
    """Change some of a block's content and settings (see ``block_fields_clean``)."""
    _can_author(actor=actor, lesson=block.lesson)
    block.fields = block_fields_clean(
        block_type=block.block_type, fields={**block.fields, **fields}
    )
    block.save(update_fields=["fields", "updated_at"])
    return block


@transaction.atomic
def block_create(
    *,
    actor: User,
    lesson: Lesson,
    block_type: str,
    fields: dict[str, Any],
    position: int | None = None,
    required: bool = True,
    graded: bool | None = None,
    weight: float = 1.0,
) -> Block:
    """Add a block to a lesson (graded by default if its type grades answers)."""
    _can_author(actor=actor, lesson=lesson)
    cleaned = block_fields_clean(block_type=block_type, fields=fields)
    if position is None:
        existing = selectors.lesson_blocks(lesson_id=lesson.pk)
        position = (existing[-1].position + 1) if existing else 1
    if graded is None:
        graded = selectors.block_type_scored(block_type=block_type)
    return Block.objects.create(
        lesson=lesson,
        block_type=block_type,
        position=position,
        fields=cleaned,
        required=required,
        graded=graded,
        weight=weight,
    )


# --- drafts and publication -----------------------------------------------------------
#
# The Block columns are what learners see; a trainer's edits to a published
# block wait in ``Block.draft`` until the lesson is published (see the model).


def _draft_write(block: Block, **values: Any) -> None:
    """Record draft values for a block: in its columns if it was never
    published, else in ``draft`` (values equal to the published ones drop out)."""
    if not block.live:
        for name, value in values.items():
            setattr(block, name, value)
        block.save()
        return
    draft = dict(block.draft or {})
    draft.pop("removed", None)
    for name, value in values.items():
        if getattr(block, name) == value:
            draft.pop(name, None)
        else:
            draft[name] = value
    block.draft = draft or None
    block.save(update_fields=["draft", "updated_at"])


def _block_for_author(*, actor: User, block_id: int) -> Block:
    block = (
        Block.objects.select_related("lesson__course")
        .select_for_update(of=("self",))
        .filter(pk=block_id)
        .first()
    )
    if block is None:
        raise BlockNotFound(_("This part of the lesson does not exist."))
    _can_author(actor=actor, lesson=block.lesson)
    return block


@transaction.atomic
def block_add(
    *, actor: User, lesson: Lesson, block_type: str, fields: dict | None = None
) -> Block:
    """Add a block of ``block_type`` at the end of the lesson's draft.

    The block stays out of the published lesson until the lesson is published;
    its content is checked when it is saved and when the lesson is published.
    """
    _can_author(actor=actor, lesson=lesson)
    from content_authoring.runtime import block_type_check

    check = block_type_check(block_type)
    if not check.available:
        raise ValidationError(check.message)
    drafts = selectors.lesson_blocks_draft(lesson_id=lesson.pk)
    position = (max(b.position for b in drafts) + 1) if drafts else 1
    return Block.objects.create(
        lesson=lesson,
        block_type=block_type,
        position=position,
        fields=_canonical(fields or {}),
        required=True,
        graded=selectors.block_type_scored(block_type=block_type),
        weight=1.0,
        live=False,
    )


def _parse_generic(xblock: XBlock, data) -> dict[str, Any]:
    """Field values from the generic editor: one input per content/settings field.

    Text fields arrive as typed; other types as JSON (a list, a number, true).
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, field in xblock.fields.items():
        if field.scope not in (Scope.content, Scope.settings):
            continue
        key = f"field-{name}"
        if key not in data:
            continue
        raw = data.get(key, "")
        if type(field).__name__ in ("String", "XMLString", "DateTime"):
            values[name] = raw
            continue
        if type(field).__name__ == "Boolean":
            values[name] = raw in ("true", "on", "1", "True")
            continue
        try:
            values[name] = json.loads(raw) if raw.strip() else field.default
        except ValueError:
            errors[name] = _("This value is not valid JSON.")
    if errors:
        raise ValidationError(errors)
    return values


def block_author_form_values(*, block: Block, data) -> dict[str, Any]:
    """What the authoring form posted, as field values (not yet cleaned)."""
    runtime = BlockRuntime(user=AnonymousUser(), can_edit_content=False)
    draft = selectors.block_draft(block)
    runtime.kvs.prime(blocks=[draft])
    try:
        xblock = runtime.get_block(str(block.pk))
    except BlockTypeUnavailable as exc:
        raise ValidationError(
            _("This block type (“%(type)s”) is not installed.")
            % {"type": block.block_type}
        ) from exc
    if isinstance(xblock, AuthorableBlock):
        return xblock.author_parse(data)
    return _parse_generic(xblock, data)


@transaction.atomic
def block_author_save(
    *,
    actor: User,
    block_id: int,
    data,
    required: bool | None = None,
    graded: bool | None = None,
    weight: float | None = None,
) -> Block:
    """Save the authoring form of one block into the lesson's draft.

    Raises ``ValidationError`` (the block's own messages) and writes nothing
    then; learners keep seeing the published block until the lesson is
    published.
    """
    block = _block_for_author(actor=actor, block_id=block_id)
    current = selectors.block_draft(block)
    parsed = block_author_form_values(block=block, data=data)
    fields = block_fields_clean(
        block_type=block.block_type, fields={**current.fields, **parsed}
    )
    if block.live and fields != block.fields:
        # Same content spelt with defaults filled in is no change.
        try:
            published = block_fields_clean(
                block_type=block.block_type,
                fields=block.fields,
                names=fields,
                validate=False,
            )
        except ValidationError:
            published = None
        if published == fields:
            fields = block.fields
    values: dict[str, Any] = {"fields": fields}
    if required is not None:
        values["required"] = required
    if graded is not None:
        values["graded"] = graded
    if weight is not None:
        if not 0 <= weight <= 100:
            raise ValidationError(_("The weight must be between 0 and 100."))
        values["weight"] = float(weight)
    _draft_write(block, **values)
    return block


@transaction.atomic
def lesson_blocks_reorder(*, actor: User, lesson: Lesson, order: list[int]) -> None:
    """Put the lesson's draft blocks in ``order`` (every block id, once)."""
    _can_author(actor=actor, lesson=lesson)
    rows = {
        b.pk: b
        for b in Block.objects.select_for_update().filter(lesson_id=lesson.pk)
        if not selectors.block_is_removed_in_draft(b)
    }
    if sorted(order) != sorted(rows) or len(set(order)) != len(order):
        raise ValidationError(
            _("The lesson changed while you were reordering it: reload the page.")
        )
    for position, block_id in enumerate(order, start=1):
        block = rows[block_id]
        if selectors.block_draft(block).position != position:
            _draft_write(block, position=position)


@transaction.atomic
def block_move(*, actor: User, block_id: int, offset: int) -> None:
    """Move a block ``offset`` places up (negative) or down in the draft."""
    block = _block_for_author(actor=actor, block_id=block_id)
    order = [b.pk for b in selectors.lesson_blocks_draft(lesson_id=block.lesson_id)]
    index = order.index(block.pk)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    lesson_blocks_reorder(actor=actor, lesson=block.lesson, order=order)


@transaction.atomic
def block_remove(*, actor: User, block_id: int) -> None:
    """Take a block out of the draft; learners keep it until publication.

    A block that was never published goes at once (no learner has used it).
    """
    block = _block_for_author(actor=actor, block_id=block_id)
    if not block.live:
        block.delete()
        return
    block.draft = {"removed": True}
    block.save(update_fields=["draft", "updated_at"])


@transaction.atomic
def block_restore(*, actor: User, block_id: int) -> None:
    """Undo a removal in the draft."""
    block = _block_for_author(actor=actor, block_id=block_id)
    if selectors.block_is_removed_in_draft(block):
        block.draft = None
        block.save(update_fields=["draft", "updated_at"])


@transaction.atomic
def lesson_draft_discard(*, actor: User, lesson: Lesson) -> None:
    """Throw the draft away: the lesson is again exactly as published."""
    _can_author(actor=actor, lesson=lesson)
    Block.objects.filter(lesson_id=lesson.pk, live=False).delete()
    Block.objects.filter(lesson_id=lesson.pk).update(draft=None)


def _block_problems(block: Block) -> list[str]:
    try:
        block_fields_clean(block_type=block.block_type, fields=block.fields)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    return []


@transaction.atomic
def lesson_publish(*, actor: User, lesson: Lesson, note: str) -> LessonRevision:
    """Publish the lesson's draft with a change note.

    Every block of the draft must pass its own checks, else nothing changes
    and ``ValidationError`` lists the problems by block number. Blocks removed
    in the draft leave the published lesson (their learners' records stay);
    the lesson itself becomes published. Progress of everyone enrolled is
    re-derived afterwards, since the required blocks may have changed.
    """
    from courses.models import PublishStatus
    from courses.tasks import course_progress_recompute

    _can_author(actor=actor, lesson=lesson)
    note = canonical(note or "").strip()
    if not note:
        raise ValidationError(_("Say in a few words what changed."))
    if len(note) > 500:
        raise ValidationError(_("Keep the change note under 500 characters."))
    rows = list(Block.objects.select_for_update().filter(lesson_id=lesson.pk))
    drafts = sorted(
        (
            selectors.block_draft(b)
            for b in rows
            if not selectors.block_is_removed_in_draft(b)
        ),
        key=lambda b: (b.position, b.pk),
    )
    problems = []
    for number, draft in enumerate(drafts, start=1):
        for problem in _block_problems(draft):
            problems.append(
                _("Block %(number)s: %(problem)s")
                % {"number": number, "problem": problem}
            )
    if problems:
        raise ValidationError(problems)
    by_id = {b.pk: b for b in rows}
    for position, draft in enumerate(drafts, start=1):
        row = by_id[draft.pk]
        row.fields, row.required, row.graded, row.weight = (
            draft.fields,
            draft.required,
            draft.graded,
            draft.weight,
        )
        row.position, row.live, row.draft = position, True, None
        row.save()
    for row in rows:
        if selectors.block_is_removed_in_draft(row):
            row.live, row.draft = False, None
            row.save(update_fields=["live", "draft", "updated_at"])
    if lesson.status != PublishStatus.PUBLISHED:
        lesson.status = PublishStatus.PUBLISHED
        lesson.save(update_fields=["status"])
    last = lesson.revisions.order_by("-number").values_list("number", flat=True)
    revision = LessonRevision.objects.create(
        lesson=lesson,
        number=(last.first() or 0) + 1,
        note=note,
        author=actor,
        blocks=[
            {
                "id": d.pk,
                "block_type": d.block_type,
                "position": position,
                "fields": d.fields,
                "required": d.required,
                "graded": d.graded,
                "weight": d.weight,
            }
            for position, d in enumerate(drafts, start=1)
        ],
    )
    course_id = lesson.course_id
    transaction.on_commit(
        lambda: course_progress_recompute.enqueue(course_id=course_id)
    )
    return revision
