"""A discussion prompt: learners of the course reply and read each other's posts.

Posts live in ``content_authoring.coursework``. The first post completes the
block for its author (``has_custom_completion``: "mark as done" does not).
Course trainers may hide a post.
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
from xblock.fields import Integer, Scope, String
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

DEFAULT_MAX_LENGTH = 2000
LONGEST_ALLOWED = 10000


class DiscussionBlock(AuthorableBlock, XBlock):
    """A question for the class to discuss, with the latest replies below it."""

    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Discussion"),
    )
    prompt = String(
        display_name=gettext_lazy("Prompt"), scope=Scope.content, default=""
    )
    max_length = Integer(
        display_name=gettext_lazy("Longest post (characters)"),
        scope=Scope.settings,
        default=DEFAULT_MAX_LENGTH,
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    has_score = False
    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def max_post_length(self) -> int:
        value = self.max_length
        if not isinstance(value, int) or not 1 <= value <= LONGEST_ALLOWED:
            return DEFAULT_MAX_LENGTH
        return value

    def student_view(self, context: dict | None = None) -> Fragment:
        from content_authoring.coursework import selectors
        from courses import selectors as course_selectors

        user = getattr(self.runtime, "user", None)
        usage_id = int(self.scope_ids.usage_id)
        moderator = False
        if user is not None and user.is_authenticated:
            row = self.runtime.kvs.block_row(usage_id)
            moderator = course_selectors.course_can_manage(
                user=user, course=row.lesson.course
            )
        posts = selectors.discussion_posts(block_id=usage_id, include_hidden=moderator)
        shown = list(posts[: selectors.POSTS_SHOWN + 1])
        return render_view(
            self,
            "content_authoring/blocks/discussion.html",
            {
                "prompt": self.prompt,
                "lang": language_tag(self.lang),
                "posts": shown[: selectors.POSTS_SHOWN],
                "more": len(shown) > selectors.POSTS_SHOWN,
                "all_url": reverse(
                    "content_authoring:coursework:discussion_posts",
                    kwargs={"block_id": usage_id},
                ),
                "posted": selectors.discussion_posted(user=user, block_id=usage_id)
                if user is not None
                else False,
                "moderator": moderator,
                "max_length": self.max_post_length(),
                "submit_url": reverse(
                    "content_authoring:coursework:discussion_post",
                    kwargs={"block_id": usage_id},
                ),
                "submission_id": fresh_submission_id(),
                "return_url": getattr(self.runtime, "return_url", ""),
            },
            js=(BLOCKS_JS,),
        )

    def studio_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self, "content_authoring/blocks/author/discussion.html", {"block": self}
        )

    def author_parse(self, data) -> dict[str, Any]:
        try:
            length = int((data.get("max_length") or str(DEFAULT_MAX_LENGTH)).strip())
        except ValueError as exc:
            raise ValidationError(
                {"max_length": _("The length must be a whole number.")}
            ) from exc
        return {
            **common_author_fields(data),
            "prompt": canonical((data.get("prompt") or "").strip()),
            "max_length": length,
        }

    def validate(self):
        validation = super().validate()
        if not (self.prompt or "").strip():
            validation.add(
                ValidationMessage(ValidationMessage.ERROR, _("Write the prompt."))
            )
        if not isinstance(self.max_length, int) or not (
            50 <= self.max_length <= LONGEST_ALLOWED
        ):
            validation.add(
                ValidationMessage(
                    ValidationMessage.ERROR,
                    _("The longest post must be between 50 and %(max)s characters.")
                    % {"max": LONGEST_ALLOWED},
                )
            )
        return validation
