"""Writes of coursework: uploads, grading, discussion posts.

Every service checks who acts. Grades and completions reach ``courses``
through the block runtime's ``publish``, each with a submission id derived
from the coursework row, so repeating a request records nothing twice.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from content_authoring.coursework.models import AssignmentSubmission, DiscussionPost
from content_authoring.models import Block
from content_authoring.runtime import BlockRuntime
from content_authoring.services import (
    BlockNotFound,
    _block_for_learner,
    submission_uuid,
)
from courses import selectors as course_selectors
from lms.models import User
from lms.text import canonical

# Photos are re-encoded to this size at most: enough to judge a graft or a
# weave, and a trainer on mobile data downloads a fraction of the original.
PHOTO_MAX_SIDE = 2048
PHOTO_MAX_PIXELS = 50_000_000  # refuse decompression bombs before decoding
_PHOTO_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "HEIF", "AVIF"}
MAX_NOTE = 2000


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    extension: str
    content: ContentFile


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _photo(upload: UploadedFile) -> CheckedFile | None:
    """The upload as a clean JPEG if it is a photo Pillow can open, else None."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in _PHOTO_FORMATS:
                return None
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise _refuse(_("The photo has too many pixels."), "too_many_pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                flat = Image.new("RGB", image.size, "white")
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            elif image.mode != "RGB":
                image = image.convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            # Saved without EXIF: no GPS position of the learner's farm.
            image.save(out, "JPEG", quality=85, optimize=True)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ):
        return None
    return CheckedFile("photo", "image/jpeg", ".jpg", ContentFile(out.getvalue()))


def _pdf(upload: UploadedFile) -> CheckedFile | None:
    """The upload if it is a PDF with at least one page that pdfium can open."""
    import pypdfium2

    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        return None
    upload.seek(0)
    data = upload.read()
    try:
        document = pypdfium2.PdfDocument(data)
        try:
            pages = len(document)
        finally:
            document.close()
    except pypdfium2.PdfiumError:
        return None
    if pages < 1:
        return None
    return CheckedFile("document", "application/pdf", ".pdf", ContentFile(data))


def assignment_file_check(
    *, upload: UploadedFile, kinds: list[str], max_bytes: int
) -> CheckedFile:
    """The upload, checked by its content (never its name) against ``kinds``.

    Raises ``ValidationError`` with a message for people: too large, empty,
    not a kind this assignment accepts, or damaged.
    """
    if upload.size is not None and upload.size > max_bytes:
        raise _refuse(
            _("The file is too large: the limit is %(size)s.")
            % {"size": filesizeformat(max_bytes)},
            "too_large",
        )
    if not upload.size:
        raise _refuse(_("The file is empty."), "empty")
    checked = None
    if "photo" in kinds:
        checked = _photo(upload)
    if checked is None and "document" in kinds:
        checked = _pdf(upload)
    if checked is None:
        if kinds == ["photo"]:
            message = _(
                "This file is not a photo we can open (JPEG, PNG or WebP), "
                "or it is damaged. Take the photo again and send it."
            )
        elif kinds == ["document"]:
            message = _("This file is not a PDF we can open, or it is damaged.")
        else:
            message = _(
                "This file is not a photo (JPEG, PNG, WebP) or a PDF we can "
                "open, or it is damaged."
            )
        raise _refuse(message, "wrong_type")
    return checked


def _assignment_settings(block: Block) -> dict[str, Any]:
    from content_authoring.blocks.assignment import AssignmentBlock

    runtime = BlockRuntime(user=_nobody())
    runtime.kvs.prime(blocks=[block])
    xblock = runtime.get_block(str(block.pk))
    if not isinstance(xblock, AssignmentBlock):
        raise BlockNotFound(_("This part of the lesson takes no uploads."))
    return {
        "kinds": xblock.accepted_kinds(),
        "max_bytes": xblock.max_bytes(),
        "criteria": xblock.criteria(),
    }


def _nobody():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@transaction.atomic
def assignment_submit(
    *,
    user: User,
    block_id: int,
    submission_id: uuid.UUID | str,
    upload: UploadedFile | None,
    note: str = "",
) -> tuple[AssignmentSubmission, bool]:
    """Store a learner's upload for an assignment; returns (submission, created).

    A resent form (same ``submission_id``) returns the first submission. A new
    upload replaces one still waiting for grading (its file is deleted); after
    grading, only a submission returned for another try may be followed by a
    new one. A refused file keeps nothing.
    """
    submission = submission_uuid(submission_id)
    block = _block_for_learner(user=user, block_id=block_id)
    settings_ = _assignment_settings(block)
    seen = AssignmentSubmission.objects.filter(
        user=user, submission_id=submission
    ).first()
    if seen is not None:
        if seen.block_id != block.pk:
            raise ValidationError(_("This submission id was used for another block."))
        return seen, False
    if upload is None:
        raise _refuse(_("Choose a photo or file to send."), "no_file")
    note = canonical((note or "").strip())
    if len(note) > MAX_NOTE:
        raise _refuse(
            _("The note is too long (at most %(max)s characters).") % {"max": MAX_NOTE},
            "too_long",
        )
    checked = assignment_file_check(
        upload=upload, kinds=settings_["kinds"], max_bytes=settings_["max_bytes"]
    )
    latest = (
        AssignmentSubmission.objects.select_for_update()
        .filter(user=user, block=block)
        .exclude(status=AssignmentSubmission.Status.REPLACED)
        .first()
    )
    if latest is not None and latest.status == AssignmentSubmission.Status.GRADED:
        raise PermissionDenied(_("Your work has been graded already."))
    if latest is not None and latest.status == AssignmentSubmission.Status.SUBMITTED:
        old_name = latest.file.name
        latest.status = AssignmentSubmission.Status.REPLACED
        latest.file = ""
        latest.save(update_fields=["status", "file", "updated_at"])
        transaction.on_commit(lambda: _delete_file(old_name))
    row = AssignmentSubmission(
        block=block,
        user=user,
        submission_id=submission,
        kind=checked.kind,
        content_type=checked.content_type,
        size=checked.content.size,
        note=note,
    )
    row.file.save(f"upload{checked.extension}", checked.content, save=False)
    try:
        row.save()
    except Exception:
        _delete_file(row.file.name)
        raise
    return row, True


def _delete_file(name: str | None) -> None:
    from content_authoring.coursework.models import private_storage

    if name:
        private_storage().delete(name)


# --- grading -------------------------------------------------------------------------


def _can_grade(*, actor: User, submission: AssignmentSubmission) -> None:
    course = submission.block.lesson.course
    if not course_selectors.course_can_manage(user=actor, course=course):
        raise PermissionDenied(_("Only the course's trainers may grade this work."))


def _points(raw: dict[int, Any], criteria: list[dict]) -> dict[str, float]:
    points: dict[str, float] = {}
    for index, criterion in enumerate(criteria):
        value = raw.get(index)
        if value is None or value == "":
            raise _refuse(
                _("Give points for “%(name)s”.") % {"name": criterion["name"]},
                "missing_points",
            )
        try:
            number = float(str(value).replace(",", "."))
        except ValueError as exc:
            raise _refuse(
                _("Points for “%(name)s” must be a number.")
                % {"name": criterion["name"]},
                "invalid_points",
            ) from exc
        if not 0 <= number <= criterion["points"]:
            raise _refuse(
                _("Points for “%(name)s” must be between 0 and %(max)s.")
                % {"name": criterion["name"], "max": criterion["points"]},
                "points_out_of_range",
            )
        points[str(index)] = number
    return points


@transaction.atomic
def assignment_grade(
    *,
    actor: User,
    submission_uuid: uuid.UUID,
    points: dict[int, Any],
    feedback: str,
    grade_number: int,
    return_for_retry: bool = False,
) -> tuple[AssignmentSubmission, bool]:
    """Grade a submission with the block's rubric; returns (submission, changed).

    ``grade_number`` is the grading form's count (``grade_count + 1`` when it
    was shown): a form sent twice changes nothing the second time. Grading
    publishes the score for the learner with the submission id
    ``uuid5(submission.uuid, "grade-<n>")``; returning for another try
    publishes nothing.
    """
    submission = (
        AssignmentSubmission.objects.select_for_update()
        .select_related("block__lesson__course", "user")
        .filter(uuid=submission_uuid)
        .first()
    )
    if submission is None:
        raise BlockNotFound(_("This submission does not exist."))
    _can_grade(actor=actor, submission=submission)
    if submission.status == AssignmentSubmission.Status.REPLACED:
        raise _refuse(
            _("The learner replaced this upload; grade the newer one."), "replaced"
        )
    if grade_number <= submission.grade_count:
        return submission, False
    if grade_number != submission.grade_count + 1:
        raise _refuse(
            _("This grading form is out of date: reload the page."), "stale_form"
        )
    criteria = _assignment_settings(submission.block)["criteria"]
    scores = _points(points, criteria)
    feedback = canonical((feedback or "").strip())
    submission.rubric_scores = scores
    submission.score = sum(scores.values())
    submission.max_score = float(sum(c["points"] for c in criteria))
    submission.feedback = feedback
    submission.graded_by = actor
    submission.graded_at = timezone.now()
    submission.grade_count = grade_number
    submission.status = (
        AssignmentSubmission.Status.RETURNED
        if return_for_retry
        else AssignmentSubmission.Status.GRADED
    )
    submission.save()
    if not return_for_retry:
        _publish_grade(submission)
    return submission, True


def _publish_grade(submission: AssignmentSubmission) -> None:
    """Record the grade in the learner's progress, as the learner's own result."""
    runtime = BlockRuntime(
        user=submission.user,
        submission_id=uuid.uuid5(submission.uuid, f"grade-{submission.grade_count}"),
    )
    runtime.kvs.prime(blocks=[submission.block])
    xblock = runtime.get_block(str(submission.block_id))
    runtime.publish(
        xblock,
        "grade",
        {
            "value": submission.score,
            "max_value": submission.max_score,
            "answer": {"submission": str(submission.uuid)},
        },
    )


# --- discussions -------------------------------------------------------------


def _discussion_max_length(block: Block) -> int:
    from content_authoring.blocks.discussion import DiscussionBlock

    runtime = BlockRuntime(user=_nobody())
    runtime.kvs.prime(blocks=[block])
    xblock = runtime.get_block(str(block.pk))
    if not isinstance(xblock, DiscussionBlock):
        raise BlockNotFound(_("This part of the lesson takes no posts."))
    return xblock.max_post_length()


@transaction.atomic
def discussion_post_create(
    *, user: User, block_id: int, submission_id: uuid.UUID | str, body: str
) -> tuple[DiscussionPost, bool]:
    """Add a learner's reply to a discussion; returns (post, created).

    The first post completes the block for the learner. A resent form (same
    ``submission_id``) returns the first post and records nothing.
    """
    submission = submission_uuid(submission_id)
    block = _block_for_learner(user=user, block_id=block_id)
    max_length = _discussion_max_length(block)
    seen = DiscussionPost.objects.filter(author=user, submission_id=submission).first()
    if seen is not None:
        if seen.block_id != block.pk:
            raise ValidationError(_("This submission id was used for another block."))
        return seen, False
    if not isinstance(body, str):
        raise _refuse(_("The post must be text."), "invalid")
    body = canonical(body.strip())
    if not body:
        raise _refuse(_("Write something first."), "empty")
    if len(body) > max_length:
        raise _refuse(
            _("The post is too long (at most %(max)s characters).")
            % {"max": max_length},
            "too_long",
        )
    first = not DiscussionPost.objects.filter(author=user, block=block).exists()
    post = DiscussionPost.objects.create(
        block=block, author=user, submission_id=submission, body=body
    )
    if first:
        runtime = BlockRuntime(user=user, submission_id=submission)
        runtime.kvs.prime(blocks=[block])
        runtime.publish(
            runtime.get_block(str(block.pk)), "completion", {"completion": 1.0}
        )
    return post, True


@transaction.atomic
def discussion_post_hide(
    *, actor: User, post_id: int, hidden: bool = True
) -> DiscussionPost:
    """Hide (or show again) a post; only the course's trainers and admins may."""
    post = (
        DiscussionPost.objects.select_for_update()
        .select_related("block__lesson__course")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise BlockNotFound(_("This post does not exist."))
    if not course_selectors.course_can_manage(
        user=actor, course=post.block.lesson.course
    ):
        raise PermissionDenied(_("Only the course's trainers may hide posts."))
    post.hidden = hidden
    post.hidden_by = actor if hidden else None
    post.hidden_at = timezone.now() if hidden else None
    post.save(update_fields=["hidden", "hidden_by", "hidden_at"])
    return post


__all__ = [
    "assignment_file_check",
    "assignment_grade",
    "assignment_submit",
    "discussion_post_create",
    "discussion_post_hide",
]
