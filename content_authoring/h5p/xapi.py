"""The one kind of xAPI statement that becomes a result: an H5P content item's
final score.

H5P sends ``answered`` (single questions) or ``completed`` (containers such as
Question Set and Interactive Video) with ``result.score``; a child question's
statement carries ``context.contextActivities.parent`` and is not the item's
result. The score is computed in the learner's browser, as H5P works: the
checks here refuse malformed or impossible statements, not a forged one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

VERBS = {
    "http://adlnet.gov/expapi/verbs/answered": "answered",
    "http://adlnet.gov/expapi/verbs/completed": "completed",
}


@dataclass(frozen=True, slots=True)
class FinalScore:
    raw: float
    max: float
    verb: str
    success: bool | None

    def answer(self) -> dict[str, Any]:
        """What the attempt keeps of the statement."""
        return {
            "verb": self.verb,
            "raw": self.raw,
            "max": self.max,
            "success": self.success,
        }


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _bad(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def final_score(statement: Any) -> FinalScore:
    """The score a final answered/completed statement reports, or a
    ``ValidationError`` saying what is wrong with it."""
    if not isinstance(statement, dict):
        raise _bad(_("The H5P result must be an xAPI statement (an object)."), "type")
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if verb_id not in VERBS:
        raise _bad(
            _("Only “answered” and “completed” H5P results are recorded."), "verb"
        )
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    if isinstance(activities, dict) and activities.get("parent"):
        raise _bad(
            _("This H5P result is part of a larger item, not its final score."),
            "not_final",
        )
    result = statement.get("result")
    score = result.get("score") if isinstance(result, dict) else None
    if not isinstance(score, dict):
        raise _bad(_("This H5P result carries no score."), "no_score")
    raw, maximum = _number(score.get("raw")), _number(score.get("max"))
    if raw is None or maximum is None:
        raise _bad(_("The H5P score must give numbers for raw and max."), "types")
    if maximum <= 0:
        raise _bad(_("The H5P score's maximum must be above zero."), "max")
    if not 0 <= raw <= maximum:
        raise _bad(
            _("The H5P score must lie between 0 and its maximum."), "out_of_range"
        )
    success = result.get("success") if isinstance(result, dict) else None
    return FinalScore(
        raw=raw,
        max=maximum,
        verb=VERBS[verb_id],
        success=success if isinstance(success, bool) else None,
    )
