"""Spaced repetition of dictionary words, per learner, with the FSRS scheduler.

A learner's words enter their review queue when a lesson shows them
(``cards_add``); each answer (Again, Hard, Good, Easy) goes through
``review_record``, which asks ``fsrs.Scheduler`` when the word is next due.
The queue spans every course: a word met in two courses is one card.

Answers carry the client's submission id, like every other submission of the
platform: an answer resent after a dropped connection, a double tap or the back
button is recorded once and answered the same.

Interval fuzzing is off: the schedule is a pure function of the answers, so a
resent answer, a test or a support question about "why is this word due
today" always gets the same reply. The daily limits below keep a day's queue
short instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from dictionary.models import Entry, Review, ReviewCard

# A learning step due within this time is shown now rather than making the
# learner come back in a few minutes (Anki's "learn ahead limit").
LEARN_AHEAD = timedelta(minutes=20)
# At most this many words a day are met for the first time in the queue; the
# rest wait for the next days, so a long vocabulary lesson does not bury a
# learner on their phone.
NEW_PER_DAY = 20
QUEUE_LIMIT = 50


@dataclass(frozen=True)
class ReviewOutcome:
    card: ReviewCard
    due: datetime
    # True when this submission id had been recorded already: nothing changed.
    repeated: bool


def _utc(moment: datetime | None) -> datetime:
    """FSRS wants aware UTC datetimes."""
    return (moment or timezone.now()).astimezone(UTC)


def _scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(enable_fuzzing=False)


def _to_fsrs(card: ReviewCard) -> fsrs.Card:
    return fsrs.Card(
        card_id=card.pk or 0,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=_utc(card.due),
        last_review=card.last_review and _utc(card.last_review),
    )


def _from_fsrs(card: ReviewCard, scheduled: fsrs.Card) -> None:
    card.state = int(scheduled.state)
    card.step = scheduled.step
    card.stability = scheduled.stability
    card.difficulty = scheduled.difficulty
    card.due = scheduled.due
    card.last_review = scheduled.last_review


def cards_add(*, user, entry_ids: Iterable[int], course_id: int | None = None) -> int:
    """Put the words in the learner's queue, due now; words already there keep
    their schedule. Returns how many were new."""
    wanted = set(
        Entry.objects.filter(pk__in=set(entry_ids)).values_list("pk", flat=True)
    )
    if not wanted:
        return 0
    have = set(
        ReviewCard.objects.filter(user=user, entry_id__in=wanted).values_list(
            "entry_id", flat=True
        )
    )
    now = timezone.now()
    new = [
        ReviewCard(user=user, entry_id=pk, course_id=course_id, due=now)
        for pk in sorted(wanted - have)
    ]
    # Two tabs opening the same lesson race here; the unique constraint keeps one.
    ReviewCard.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _rating(value) -> fsrs.Rating:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in Review.Rating.values:
        raise ValidationError(_("Choose Again, Hard, Good or Easy."), code="rating")
    return fsrs.Rating(number)


def _submission(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError(
            _("The answer is missing its submission id; reload the page."),
            code="submission_id",
        ) from exc


def review_record(
    *,
    user,
    entry_id: int,
    rating,
    submission_id,
    now: datetime | None = None,
) -> ReviewOutcome:
    """Record one answer to a word and schedule its next review.

    The same ``submission_id`` again (a resent answer) changes nothing and
    returns the card as that answer left it, with ``repeated`` set.
    """
    grade = _rating(rating)
    sid = _submission(submission_id)
    now = _utc(now)
    earlier = _earlier(user=user, sid=sid)
    if earlier is not None:
        return earlier
    if not Entry.objects.filter(pk=entry_id).exists():
        raise ValidationError(_("This word is no longer in the dictionary."))
    try:
        with transaction.atomic():
            card, _created = ReviewCard.objects.get_or_create(
                user=user, entry_id=entry_id, defaults={"due": now}
            )
            card = ReviewCard.objects.select_for_update().get(pk=card.pk)
            was_known = card.state == fsrs.State.Review
            scheduled, _log = _scheduler().review_card(
                _to_fsrs(card), grade, review_datetime=now
            )
            _from_fsrs(card, scheduled)
            card.reps += 1
            if was_known and grade == fsrs.Rating.Again:
                card.lapses += 1  # a word it had learned, forgotten
            card.save()
            Review.objects.create(
                card=card,
                user=user,
                rating=int(grade),
                submission_id=sid,
                reviewed_at=now,
                due_after=card.due,
            )
    except IntegrityError:
        # The same answer arrived twice at once; the other copy was recorded.
        earlier = _earlier(user=user, sid=sid)
        if earlier is None:
            raise
        return earlier
    return ReviewOutcome(card=card, due=card.due, repeated=False)


def _earlier(*, user, sid: uuid.UUID) -> ReviewOutcome | None:
    review = (
        Review.objects.select_related("card")
        .filter(user=user, submission_id=sid)
        .first()
    )
    if review is None:
        return None
    return ReviewOutcome(card=review.card, due=review.due_after, repeated=True)


def next_intervals(
    card: ReviewCard, *, now: datetime | None = None
) -> dict[int, timedelta]:
    """How long until the word comes back for each answer, for the buttons."""
    now = _utc(now)
    scheduler = _scheduler()
    current = _to_fsrs(card)
    return {
        int(rating): scheduler.review_card(current, rating, review_datetime=now)[0].due
        - now
        for rating in fsrs.Rating
    }


def _new_today(*, user, now: datetime) -> int:
    """Words seen for the first time in the queue since local midnight."""
    midnight = timezone.localtime(now).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return (
        ReviewCard.objects.filter(user=user, reviews__reviewed_at__gte=midnight)
        .exclude(reviews__reviewed_at__lt=midnight)
        .distinct()
        .count()
    )


def _due(*, user, now: datetime):
    """Cards due now, and learning steps due within the learn-ahead time."""
    learning = Q(state__in=[fsrs.State.Learning, fsrs.State.Relearning])
    return ReviewCard.objects.filter(user=user).filter(
        Q(due__lte=now) | (learning & Q(due__lte=now + LEARN_AHEAD))
    )


def cards_due(
    *, user, now: datetime | None = None, limit: int = QUEUE_LIMIT
) -> list[ReviewCard]:
    """The learner's queue: words due by now (oldest first), then words never
    answered up to today's new-word allowance, then learning steps due in the
    next few minutes."""
    now = _utc(now)
    due = _due(user=user, now=now).select_related("entry", "course")
    seen = list(due.filter(reps__gt=0).order_by("due", "pk")[:limit])
    ready = [c for c in seen if c.due <= now]
    ahead = [c for c in seen if c.due > now]
    allowance = max(0, NEW_PER_DAY - _new_today(user=user, now=now))
    room = min(limit - len(ready), allowance)
    new = list(due.filter(reps=0).order_by("due", "pk")[:room]) if room > 0 else []
    cards = (ready + new + ahead)[:limit]
    if cards:
        # One query for every card's senses.
        prefetch_related_objects(
            list({c.entry_id: c.entry for c in cards}.values()), "senses"
        )
    return cards


def due_count(*, user, now: datetime | None = None) -> int:
    """How many words the queue holds now (the home page's figure)."""
    now = _utc(now)
    due = _due(user=user, now=now)
    seen = due.filter(reps__gt=0).count()
    allowance = max(0, NEW_PER_DAY - _new_today(user=user, now=now))
    new = min(due.filter(reps=0).count(), allowance)
    return min(seen + new, QUEUE_LIMIT)
