"""A lesson block that stands for a live class: a required item of the course.

It shows when the class is, a way in while it is open, the replay after it,
and the learner's attendance. It completes for a learner who attended the
session's share of the scheduled time (``services.attendance_progress_record``
writes the result when the class ends); a learner cannot mark it done.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Integer, Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import AuthorableBlock, render_view


class LiveSessionBlock(AuthorableBlock, XBlock):
    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Live class"),
    )
    session_id = Integer(
        display_name=gettext_lazy("Live class"), scope=Scope.content, default=0
    )

    has_score = False
    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def _course_id(self) -> int | None:
        """The course the block sits in; None for a block being checked
        outside any lesson (``block_fields_clean``)."""
        row = self.runtime.kvs.block_row(int(self.scope_ids.usage_id))
        if row.lesson_id is None:
            return None
        return row.lesson.course_id

    def _sessions(self):
        from live_classes.models import LiveSession

        course_id = self._course_id()
        sessions = LiveSession.objects.all()
        return sessions if course_id is None else sessions.filter(course_id=course_id)

    def student_view(self, context: dict | None = None) -> Fragment:
        from live_classes import selectors

        user = getattr(self.runtime, "user", None)
        session = selectors.live_session_get(session_id=self.session_id or 0)
        if session is not None and session.course_id != self._course_id():
            # A block copied into another course must not open that class.
            session = None
        attendance = (
            selectors.attendance_for(session=session, user=user)
            if session is not None and user is not None
            else None
        )
        return render_view(
            self,
            "live_classes/blocks/live_session.html",
            {"session": session, "attendance": attendance},
        )

    def studio_view(self, context: dict | None = None) -> Fragment:
        sessions = self._sessions().order_by("starts_at")
        return render_view(
            self,
            "live_classes/blocks/author_live_session.html",
            {"block": self, "sessions": sessions},
        )

    def author_parse(self, data) -> dict[str, Any]:
        try:
            session_id = int((data.get("session_id") or "0").strip())
        except ValueError as exc:
            raise ValidationError(
                {"session_id": _("Choose one of the course's live classes.")}
            ) from exc
        if not self._sessions().filter(pk=session_id).exists():
            raise ValidationError(
                {"session_id": _("Choose one of the course's live classes.")}
            )
        return {
            "display_name": (data.get("display_name") or "").strip(),
            "session_id": session_id,
        }

    def validate(self):
        validation = super().validate()
        if not self._sessions().filter(pk=self.session_id or 0).exists():
            validation.add(
                ValidationMessage(
                    ValidationMessage.ERROR,
                    _("Choose one of the course's live classes."),
                )
            )
        return validation
