"""Rich text written by a trainer."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import (
    AuthorableBlock,
    SanitizedHtml,
    language_tag,
    render_view,
)
from lms.text import canonical


class HtmlBlock(AuthorableBlock, XBlock):
    """Formatted text, links, images and tables; never scripts.

    The HTML is sanitised with nh3 when it is saved and again when it is shown.
    Not graded: it completes when the learner marks the lesson as done.
    """

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Text"),
    )
    html = SanitizedHtml(
        display_name=gettext_lazy("Text"), scope=Scope.content, default=""
    )
    lang = String(
        display_name=gettext_lazy("Language of the text"),
        help=gettext_lazy(
            "A language tag such as vi, rad (Ê Đê), mnn (M'nông), jra (J'rai)."
        ),
        scope=Scope.settings,
        default="",
    )

    has_score = False
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def student_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self,
            "content_authoring/blocks/html.html",
            {
                # SanitizedHtml cleaned it on this very read.
                "html": mark_safe(self.html),  # noqa: S308
                "lang": language_tag(self.lang),
            },
        )

    def studio_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self, "content_authoring/blocks/author/html.html", {"block": self}
        )

    def author_parse(self, data) -> dict[str, Any]:
        # Sanitised by the field when the service sets it.
        return {
            "display_name": canonical((data.get("display_name") or "").strip()),
            "html": canonical(data.get("html") or ""),
            "lang": (data.get("lang") or "").strip(),
        }

    def validate(self):
        validation = super().validate()
        if not (self.html or "").strip():
            validation.add(
                ValidationMessage(ValidationMessage.ERROR, _("The text is empty."))
            )
        return validation
