"""An H5P package in a lesson, played in a sandboxed frame.

The learner view is an ``<iframe sandbox="allow-scripts">`` (no
``allow-same-origin``) on ``content_authoring:h5p:player``: the package's
JavaScript runs in an opaque origin and can read neither the platform's
cookies nor this page. The frame posts H5P's final xAPI statement to this page
(``h5p-block.js``), which sends it to the ``xapi`` handler; the handler checks
it and publishes a grade. Content without questions completes when viewed
(the ``viewed`` handler).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.fields import Boolean, Float, Integer, Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import AuthorableBlock, fresh_submission_id, render_view

H5P_BLOCK_JS = "content_authoring/h5p-block.js"


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(_("The request is not valid JSON.")) from exc
    if not isinstance(body, dict):
        raise ValidationError(_("The request must be a JSON object."))
    return body


class H5PBlock(AuthorableBlock, XBlock):
    """Plays one H5P package of the lesson's course."""

    display_name = String(
        display_name=gettext_lazy("Display name"), scope=Scope.settings, default=""
    )
    package_id = Integer(
        display_name=gettext_lazy("H5P package"),
        scope=Scope.content,
        default=None,
    )
    seen = Boolean(scope=Scope.user_state, default=False)
    best_score = Float(scope=Scope.user_state, default=None)
    best_max = Float(scope=Scope.user_state, default=None)

    has_score = True

    # --- helpers -----------------------------------------------------------------

    def _row(self):
        return self.runtime.kvs.block_row(self.scope_ids.usage_id)

    def _package(self):
        from content_authoring.h5p.selectors import package_for_lesson

        try:
            lesson_id = self._row().lesson_id
        except Exception:  # a draft block outside any lesson
            return None
        return package_for_lesson(package_id=self.package_id, lesson_id=lesson_id)

    # --- learner view --------------------------------------------------------------

    def student_view(self, context: dict | None = None) -> Fragment:
        package = self._package()
        if package is None:
            return render_view(
                self, "content_authoring/blocks/h5p_missing.html", {}, js=()
            )
        return render_view(
            self,
            "content_authoring/blocks/h5p.html",
            {
                "package": package,
                "player_url": reverse(
                    "content_authoring:h5p:player", kwargs={"package_id": package.pk}
                ),
                "xapi_url": self.runtime.handler_url(self, "xapi"),
                "viewed_url": self.runtime.handler_url(self, "viewed"),
                "viewed_submission_id": fresh_submission_id(),
                "completed": bool(self.seen or self.best_max),
                "best_score": self.best_score,
                "best_max": self.best_max,
            },
            js=(H5P_BLOCK_JS,),
        )

    # --- handlers ------------------------------------------------------------------

    @XBlock.handler
    def xapi(self, request, suffix: str = "") -> Response:
        """A final H5P statement: ``{"submission_id", "statement"}``; grades once
        per submission id (one id per attempt)."""
        from content_authoring.h5p.xapi import final_score

        if self._package() is None:
            raise ValidationError(_("This H5P content is not available."))
        score = final_score(_json_body(request).get("statement"))
        self.runtime.publish(
            self,
            "grade",
            {"value": score.raw, "max_value": score.max, "answer": score.answer()},
        )
        first = getattr(self.runtime, "first_result", None)
        duplicate = first is not None and not first.created
        if not duplicate and (
            self.best_max is None
            or score.raw / score.max > (self.best_score or 0) / self.best_max
        ):
            self.best_score, self.best_max = score.raw, score.max
        attempt = first.attempt if first is not None else None
        return Response(
            json_body={
                "score": attempt.score if attempt else score.raw,
                "max_score": attempt.max_score if attempt else score.max,
                "duplicate": duplicate,
            }
        )

    @XBlock.handler
    def viewed(self, request, suffix: str = "") -> Response:
        """Content without questions (an accordion, a page of text) was opened."""
        package = self._package()
        if package is None:
            raise ValidationError(_("This H5P content is not available."))
        if package.has_questions:
            raise ValidationError(
                _("This H5P content has questions: it completes when answered.")
            )
        self.runtime.publish(self, "completion", {"completion": 1.0})
        self.seen = True
        return Response(json_body={"completed": True})

    # --- authoring -----------------------------------------------------------------

    def _course_id(self) -> int | None:
        from courses.models import Lesson

        try:
            lesson_id = self._row().lesson_id
        except Exception:
            return None
        return (
            Lesson.objects.filter(pk=lesson_id)
            .values_list("course_id", flat=True)
            .first()
        )

    def studio_view(self, context: dict | None = None) -> Fragment:
        from content_authoring.h5p.selectors import package_list_for_course

        course_id = self._course_id()
        packages = (
            list(package_list_for_course(course_id=course_id))
            if course_id is not None
            else []
        )
        upload_url = (
            reverse("content_authoring:h5p:upload", kwargs={"course_id": course_id})
            if course_id is not None
            else ""
        )
        return_url = getattr(self.runtime, "return_url", "")
        return render_view(
            self,
            "content_authoring/blocks/h5p_author.html",
            {
                "packages": packages,
                "package_id": self.package_id,
                "display_name": self.display_name,
                "upload_url": upload_url,
                "return_url": return_url,
            },
        )

    def author_parse(self, data) -> dict[str, Any]:
        from content_authoring.h5p.models import H5PPackage

        raw = (data.get("package_id") or "").strip()
        if not raw.isdecimal():
            raise ValidationError(
                {"package_id": _("Choose one of this course's H5P packages.")}
            )
        package_id = int(raw)
        course_id = self._course_id()
        packages = H5PPackage.objects.filter(pk=package_id)
        if course_id is not None:
            packages = packages.filter(course_id=course_id)
        if not packages.exists():
            raise ValidationError(
                {"package_id": _("Choose one of this course's H5P packages.")}
            )
        return {
            "package_id": package_id,
            "display_name": (data.get("display_name") or "").strip(),
        }

    def validate(self):
        validation = super().validate()
        if not isinstance(self.package_id, int):
            validation.add(
                ValidationMessage(
                    ValidationMessage.ERROR, _("Choose an H5P package to show.")
                )
            )
        return validation
