"""A lesson block for the practice marketplace: "Create a listing scoring at
least N". A required, graded item of the workshop's course.

The learner does the task in their practice shop, not in the lesson: the
marketplace services record the best listing score (/100) against every
such block of the course each time a listing is scored
(``services_marketplace.listing_progress_record``). Progress is the share of
the threshold reached, so the block completes at N; a learner cannot mark it
done here.
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

from content_authoring.blocks import AuthorableBlock, render_view

DEFAULT_MIN_SCORE = 70


class ListingTaskBlock(AuthorableBlock, XBlock):
    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Create a listing in your practice shop"),
    )
    min_score = Integer(
        display_name=gettext_lazy("Score to reach"),
        help=gettext_lazy(
            "The listing checker's score (0-100) the learner must reach."
        ),
        scope=Scope.content,
        default=DEFAULT_MIN_SCORE,
    )

    has_score = True
    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def max_score(self) -> int:
        return 100

    def _course_id(self) -> int | None:
        row = self.runtime.kvs.block_row(int(self.scope_ids.usage_id))
        if row.lesson_id is None:
            return None
        return row.lesson.course_id

    def student_view(self, context: dict | None = None) -> Fragment:
        from ecommerce_training import selectors_marketplace as selectors

        user = getattr(self.runtime, "user", None)
        course_id = self._course_id()
        best = (
            selectors.best_listing_score(user=user, course_id=course_id)
            if user is not None and user.is_authenticated and course_id
            else None
        )
        return render_view(
            self,
            "ecommerce_training/shop/block_listing_task.html",
            {
                "min_score": self.min_score,
                "best": best,
                "done": best is not None and best >= self.min_score,
                "shop_url": reverse("ecommerce:shop_home"),
            },
        )

    def studio_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self,
            "ecommerce_training/shop/block_listing_task_author.html",
            {"block": self},
        )

    def author_parse(self, data) -> dict[str, Any]:
        try:
            minimum = int((data.get("min_score") or "").strip())
        except ValueError as exc:
            raise ValidationError(
                {"min_score": _("Give a score from 1 to 100.")}
            ) from exc
        return {
            "display_name": (data.get("display_name") or "").strip(),
            "min_score": minimum,
        }

    def validate(self):
        validation = super().validate()
        if not isinstance(self.min_score, int) or not 1 <= self.min_score <= 100:
            validation.add(
                ValidationMessage(
                    ValidationMessage.ERROR, _("Give a score from 1 to 100.")
                )
            )
        return validation
