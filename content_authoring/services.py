"""Writes of ``content_authoring``: answers, handler calls, lessons viewed, blocks.

Each service checks permissions itself, so the lesson page, the REST API and
any task behave the same. Learner results are recorded by
``courses.services.block_result_record`` through the runtime's ``publish``.
"""

from __future__ import annotations

import uuid
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
from content_authoring.blocks import AnswerableBlock
from content_authoring.models import Block
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


def block_fields_clean(*, block_type: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Content and settings values put through the block type's own XBlock fields.

    Trainer HTML comes back sanitised, URLs checked, text NFC; the block's
    ``validate()`` must pass. Raises ``ValidationError``; writes nothing.
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
    problems = [str(m.text) for m in xblock.validate().messages]
    if problems:
        raise ValidationError(problems)
    return {name: xblock.fields[name].to_json(getattr(xblock, name)) for name in fields}


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
        graded = selectors.block_type_answerable(block_type=block_type)
    return Block.objects.create(
        lesson=lesson,
        block_type=block_type,
        position=position,
        fields=cleaned,
        required=required,
        graded=graded,
        weight=weight,
    )
