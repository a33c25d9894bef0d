"""The review schedule: FSRS (the scheduler Anki uses) with this app's settings, and what each rating would do."""

from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler

from quizzes import scoring

# Fuzz off: the same answers give the same schedule, which learners can reason about and tests can pin.
# One learning step of 10 minutes, not fsrs' default two (1 and 10 minutes): with those, every right-but-unsure
# answer of a quiz came back 10 minutes later, so a 20-question quiz filled the queue at once. Now a first answer
# that is wrong comes back in 10 minutes, a right guess (Hard) in 15, right and unsure (Good) in 2 days, right and
# sure (Easy) in 8 (tests/quizzes/test_review_rating.py pins these).
LEARNING_STEPS = (timedelta(minutes=10),)
SCHEDULER = Scheduler(enable_fuzzing=False, learning_steps=LEARNING_STEPS)


def card_before(card_row) -> Card:
    """The fsrs card as it was before its latest review (a new card if that review was its first)."""
    if card_row.previous_state is None:
        return Card(card_id=Card.from_dict(card_row.state).card_id)
    return Card.from_dict(card_row.previous_state)


def rating_outcomes(card_row, when: datetime) -> dict[int, datetime]:
    """For each rating (Again, Hard, Good, Easy), when the latest review would bring the question back had it been
    given that rating: the figures on Anki's four buttons."""
    before = card_before(card_row)
    return {r: SCHEDULER.review_card(before, Rating(r), review_datetime=when)[0].due for r in scoring.RATINGS}
