"""Practical work: the learner uploads a photo or a PDF, a trainer grades it
with a rubric ("a photo of your grafted coffee seedling").

Uploads, files and grading live in ``content_authoring.coursework``; the
grade reaches the learner's progress when the trainer grades, through the
runtime's ``publish`` for the learner.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Integer, List, Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import (
    BLOCKS_JS,
    AuthorableBlock,
    fresh_submission_id,
    language_tag,
    render_view,
)
from content_authoring.blocks.shortanswer import common_author_fields
from lms.text import canonical

KINDS = ("photo", "document")
MAX_CRITERIA = 12
MAX_POINTS = 100


class AssignmentBlock(AuthorableBlock, XBlock):
    """Instructions, a rubric, and an upload form; graded by a trainer."""

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Practical work"),
    )
    instructions = String(
        display_name=gettext_lazy("Instructions"), scope=Scope.content, default=""
    )
    rubric = List(
        display_name=gettext_lazy("Rubric"),
        help=gettext_lazy("Criteria: {name, description, points}."),
        scope=Scope.content,
        default=[],
    )
    kinds = List(
        display_name=gettext_lazy("Accepted files"),
        help=gettext_lazy("photo (JPEG, PNG, WebP) and/or document (PDF)."),
        scope=Scope.content,
        default=["photo"],
    )
    max_size_mb = Integer(
        display_name=gettext_lazy("Largest file (MB)"),
        scope=Scope.settings,
        default=10,
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    has_score = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    # Settings read by coursework ----------------------------------------------------

    def criteria(self) -> list[dict]:
        result = []
        for item in self.rubric or []:
            if not isinstance(item, dict):
                continue
            points = item.get("points")
            if not isinstance(points, int | float) or isinstance(points, bool):
                continue
            result.append(
                {
                    "name": str(item.get("name", "")),
                    "description": str(item.get("description", "")),
                    "points": points,
                }
            )
        return result

    def max_score(self) -> float:
        return float(sum(c["points"] for c in self.criteria())) or 1.0

    def accepted_kinds(self) -> list[str]:
        return [k for k in KINDS if k in (self.kinds or [])] or ["photo"]

    def max_bytes(self) -> int:
        from django.conf import settings

        cap = settings.ASSIGNMENT_UPLOAD_MAX_BYTES
        size = self.max_size_mb if isinstance(self.max_size_mb, int) else 10
        return max(1, min(cap, size * 1024 * 1024))

    # Views -------------------------------------------------------------------------

    def student_view(self, context: dict | None = None) -> Fragment:
        from content_authoring.coursework import selectors

        user = getattr(self.runtime, "user", None)
        usage_id = int(self.scope_ids.usage_id)
        submission = (
            selectors.submission_latest(user=user, block_id=usage_id)
            if user is not None
            else None
        )
        criteria = self.criteria()
        kinds = self.accepted_kinds()
        accept = ",".join(
            (["image/*"] if "photo" in kinds else [])
            + ([".pdf", "application/pdf"] if "document" in kinds else [])
        )
        scores = (submission.rubric_scores or {}) if submission else {}
        rows = [{**c, "given": scores.get(str(i))} for i, c in enumerate(criteria)]
        status = submission.status if submission else ""
        return render_view(
            self,
            "content_authoring/blocks/assignment.html",
            {
                "instructions": self.instructions,
                "rows": rows,
                "total": self.max_score(),
                "lang": language_tag(self.lang),
                "kinds": kinds,
                "accept": accept,
                "photo_only": kinds == ["photo"],
                "max_bytes": self.max_bytes(),
                "submission": submission,
                "status": status,
                "show_grade": status in ("graded", "returned"),
                "can_upload": status in ("", "submitted", "returned"),
                "file_url": reverse(
                    "content_authoring:coursework:submission_file",
                    kwargs={"submission_uuid": submission.uuid},
                )
                if submission and submission.file
                else "",
                "submit_url": reverse(
                    "content_authoring:coursework:assignment_submit",
                    kwargs={"block_id": usage_id},
                ),
                "submission_id": fresh_submission_id(),
                "return_url": getattr(self.runtime, "return_url", ""),
            },
            js=(BLOCKS_JS,),
        )

    # Authoring ---------------------------------------------------------------------

    def studio_view(self, context: dict | None = None) -> Fragment:
        rows = [dict(c) for c in self.criteria()]
        rows += [{"name": "", "description": "", "points": ""}] * max(2, 4 - len(rows))
        return render_view(
            self,
            "content_authoring/blocks/author/assignment.html",
            {"block": self, "rows": rows, "kinds": self.accepted_kinds()},
        )

    def author_parse(self, data) -> dict[str, Any]:
        names = data.getlist("criterion_name")
        descriptions = data.getlist("criterion_description")
        points = data.getlist("criterion_points")
        if not len(names) == len(descriptions) == len(points):
            raise ValidationError({"rubric": _("Every criterion needs all its cells.")})
        rubric = []
        for name, description, raw in zip(names, descriptions, points, strict=True):
            name, description = canonical(name.strip()), canonical(description.strip())
            raw = raw.strip().replace(",", ".")
            if not (name or description or raw):
                continue
            try:
                value = float(raw)
            except ValueError as exc:
                raise ValidationError(
                    {
                        "rubric": _("Points must be a number for “%(name)s”.")
                        % {"name": name or "?"}
                    }
                ) from exc
            rubric.append(
                {
                    "name": name,
                    "description": description,
                    "points": int(value) if value.is_integer() else value,
                }
            )
        try:
            size = int((data.get("max_size_mb") or "10").strip())
        except ValueError as exc:
            raise ValidationError(
                {"max_size_mb": _("The size must be a whole number of MB.")}
            ) from exc
        return {
            **common_author_fields(data),
            "instructions": canonical((data.get("instructions") or "").strip()),
            "rubric": rubric,
            "kinds": [k for k in KINDS if k in data.getlist("kinds")],
            "max_size_mb": size,
        }

    def validate(self):
        validation = super().validate()

        def error(text: str) -> None:
            validation.add(ValidationMessage(ValidationMessage.ERROR, text))

        if not (self.instructions or "").strip():
            error(_("Write the instructions."))
        criteria = self.criteria()
        if len(criteria) != len(self.rubric or []) or not criteria:
            error(_("Give at least one rubric criterion, each with its points."))
        elif len(criteria) > MAX_CRITERIA:
            error(_("Use at most %(max)s criteria.") % {"max": MAX_CRITERIA})
        for c in criteria:
            if not c["name"].strip():
                error(_("Every criterion needs a name."))
                break
            if not 0 < c["points"] <= MAX_POINTS:
                error(
                    _("Points for each criterion must be between 1 and %(max)s.")
                    % {"max": MAX_POINTS}
                )
                break
        if not any(k in KINDS for k in self.kinds or []):
            error(_("Accept photos, PDF documents, or both."))
        if not isinstance(self.max_size_mb, int) or not 1 <= self.max_size_mb <= 100:
            error(_("The largest file must be between 1 and 100 MB."))
        return validation
