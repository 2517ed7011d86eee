"""Video, audio and images.

Nothing downloads until the learner asks for it: players use
``preload="none"`` and images ``loading="lazy"``; learners pay for mobile data.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import CompletableXBlockMixin, XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Integer, Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import (
    MEDIA_JS,
    SafeUrl,
    fresh_submission_id,
    language_tag,
    render_view,
)


def _error(validation, text: str) -> None:
    validation.add(ValidationMessage(ValidationMessage.ERROR, text))


class _PlayableBlock(CompletableXBlockMixin, XBlock):
    """A video or audio: completes when played to the end, or when the learner
    marks the lesson as done."""

    template_name = ""

    display_name = String(
        display_name=gettext_lazy("Display name"), scope=Scope.settings, default=""
    )
    src = SafeUrl(
        display_name=gettext_lazy("File address"),
        help=gettext_lazy("An https:// address or an uploaded file's address."),
        scope=Scope.content,
        default="",
    )
    caption = String(
        display_name=gettext_lazy("Caption"), scope=Scope.content, default=""
    )
    transcript = String(
        display_name=gettext_lazy("Transcript"), scope=Scope.content, default=""
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )
    watched = Boolean(scope=Scope.user_state, default=False)

    has_score = False
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def _context(self) -> dict:
        return {
            "src": self.src,
            "caption": self.caption,
            "transcript": self.transcript,
            "lang": language_tag(self.lang),
            "watched": self.watched,
            "progress_url": self.runtime.handler_url(self, "progress"),
            "submission_id": fresh_submission_id(),
        }

    def student_view(self, context: dict | None = None) -> Fragment:
        return render_view(self, self.template_name, self._context(), js=(MEDIA_JS,))

    @XBlock.handler
    def progress(self, request, suffix: str = "") -> Response:
        """The player reports ``event=ended``: the learner played it to the end."""
        if request.content_type == "application/json":
            try:
                event = (request.json_body or {}).get("event")
            except (ValueError, AttributeError) as exc:
                raise ValidationError(_("The request is not valid JSON.")) from exc
        else:
            event = request.POST.get("event")
        if event != "ended":
            raise ValidationError(_("Unknown media event: only “ended” is recorded."))
        self.watched = True
        self.emit_completion(1.0)
        return Response(json_body={"completed": True})

    def validate(self):
        validation = super().validate()
        if not self.src:
            _error(validation, _("Give the address of the file (http or https)."))
        return validation


class VideoBlock(_PlayableBlock):
    template_name = "content_authoring/blocks/video.html"

    poster = SafeUrl(
        display_name=gettext_lazy("Poster image"),
        help=gettext_lazy("A small image shown before the video plays (optional)."),
        scope=Scope.settings,
        default="",
    )

    def _context(self) -> dict:
        return {**super()._context(), "poster": self.poster}


class AudioBlock(_PlayableBlock):
    template_name = "content_authoring/blocks/audio.html"


class ImageBlock(XBlock):
    """A picture with its alternative text; completes when the lesson is marked done."""

    display_name = String(
        display_name=gettext_lazy("Display name"), scope=Scope.settings, default=""
    )
    src = SafeUrl(
        display_name=gettext_lazy("Image address"), scope=Scope.content, default=""
    )
    alt = String(
        display_name=gettext_lazy("Alternative text"),
        help=gettext_lazy("What the picture shows, for learners who cannot see it."),
        scope=Scope.content,
        default="",
    )
    caption = String(
        display_name=gettext_lazy("Caption"), scope=Scope.content, default=""
    )
    width = Integer(scope=Scope.settings, default=None)
    height = Integer(scope=Scope.settings, default=None)
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    has_score = False
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def student_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self,
            "content_authoring/blocks/image.html",
            {
                "src": self.src,
                "alt": self.alt,
                "caption": self.caption,
                "width": self.width if isinstance(self.width, int) else None,
                "height": self.height if isinstance(self.height, int) else None,
                "lang": language_tag(self.lang),
            },
        )

    def validate(self):
        validation = super().validate()
        if not self.src:
            _error(validation, _("Give the address of the image (http or https)."))
        if not (self.alt or "").strip():
            _error(validation, _("Describe the image in the alternative text."))
        return validation
