"""The quiz engine's panels on a logged-in learner's home page: the quiz to continue, the reviews due, the weakest
topic to practise, and the streak (or, with no recent answers, a quiz to start).

QuizzesConfig.ready() offers them to the home page as `home_panels` (pages.hooks): the engine and the site shell never
import each other, so each function returns a plain dict of the panel's fields (template, context, order, starter),
or None when it has nothing to show. Each costs one query, however long the learner's history.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.http import HttpRequest
from django.utils import timezone

from quizzes import selectors
from quizzes.forms import QuizBuilderForm
from quizzes.models import Attempt, AttemptQuestion, Response, ReviewCard, Topic

# The streak and the week's answers are read from this many days of answers: a streak longer than that shows as "60+".
STREAK_WINDOW_DAYS = 60
QUIZ_SIZE = 10  # the one-click quizzes: a first quiz, practice of the weakest topic

MODE_NAMES = {Attempt.Mode.TUTOR: "tutor quiz", Attempt.Mode.EXAM: "exam", Attempt.Mode.REVIEW: "review session"}


def continue_quiz(request: HttpRequest) -> dict | None:
    """The learner's latest quiz still open (an exam past its deadline is closed, not continued), with its progress."""
    attempt = (
        Attempt.objects.quizzes()
        .filter(learner=request.user, finished__isnull=True)
        .filter(Q(deadline__isnull=True) | Q(deadline__gt=timezone.now()))
        # Subqueries, not joins: joining slots and responses together would multiply the rows.
        .annotate(
            total=Subquery(_count_per_attempt(AttemptQuestion)),
            answered=Subquery(_count_per_attempt(Response)),
        )
        .order_by("-started")
        .only("pk", "mode", "started", "deadline")
        .first()
    )
    if attempt is None:
        return None
    context = {"attempt": attempt, "what": MODE_NAMES.get(attempt.mode, "quiz")}
    return {"template": "quizzes/_home_continue.html", "context": context, "order": 10}


def _count_per_attempt(model):
    return model.objects.filter(attempt=OuterRef("pk")).order_by().values("attempt").annotate(n=Count("pk")).values("n")


def reviews(request: HttpRequest) -> dict | None:
    """How many review cards are due now, and when the next comes back if none is; nothing before the first answer.

    Counted as ReviewCard.objects.due counts them (an unpublished question is never due)."""
    now = timezone.now()
    cards = ReviewCard.objects.filter(learner=request.user, question__is_published=True).aggregate(
        cards=Count("pk"), due_now=Count("pk", filter=Q(due__lte=now)), next_due=Min("due", filter=Q(due__gt=now))
    )
    if not cards["cards"]:
        return None
    context = {"due": cards["due_now"], "upcoming": cards["next_due"]}
    return {"template": "quizzes/_home_reviews.html", "context": context, "order": 30}


def weakest_topic(request: HttpRequest) -> dict | None:
    weakest = selectors.weakest_topic(request.user)
    if weakest is None:
        return None
    context = {"topic": weakest, "size": QUIZ_SIZE}
    return {"template": "quizzes/_home_weakest.html", "context": context, "order": 40}


def activity(request: HttpRequest) -> dict:
    """The streak and the week's answers; with no answer in the window, a first (or fresh) quiz to start instead."""
    today = timezone.localdate()
    per_day = answers_per_day(request.user, today)
    if not per_day:
        topics = QuizBuilderForm.base_fields["topics"].initial  # the quiz builder's own first choice
        names = [Topic(value).label.lower() for value in topics]
        named = f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0]
        context = {"topics": topics, "topics_text": named, "size": QUIZ_SIZE}
        return {"template": "quizzes/_home_start.html", "context": context, "order": 10, "starter": True}
    days = streak(set(per_day), today)
    context = {
        "streak": days,
        "streak_at_least": days >= STREAK_WINDOW_DAYS,
        "today": today in per_day,
        "week": sum(n for day, n in per_day.items() if day > today - timedelta(days=7)),
    }
    return {"template": "quizzes/_home_activity.html", "context": context, "order": 60}


def answers_per_day(learner, today: date) -> dict[date, int]:
    """The learner's answers per day, in their own time zone (the active one), over the window to today (one query)."""
    first = today - timedelta(days=STREAK_WINDOW_DAYS - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        Response.objects.filter(attempt__learner=learner, answered_at__gte=since)
        .annotate(day=TruncDate("answered_at"))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def streak(days: set[date], today: date) -> int:
    """Days in a row with an answer, ending today, or yesterday while today's answer may still come."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


PANELS = (continue_quiz, reviews, weakest_topic, activity)
