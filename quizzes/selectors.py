"""Page reads (HackSoft's "selectors") for the learner's pages: the question, results and progress pages.

Each figure is one query, however long the history."""

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from calcinosis.models import BodySite, CalcinosisType
from quizzes import hooks, schedule, scoring, versions
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    Flag,
    Note,
    ProblemReport,
    Question,
    Response,
    ReviewCard,
    Topic,
)

ACTIVITY_DAYS = 28


def bank_counts() -> dict[str, int]:
    rows = Question.objects.for_quizzes().values("topic").annotate(n=Count("pk"))
    return {row["topic"]: row["n"] for row in rows}


def peer_choices(version_id: int) -> dict:
    return peer_choices_for([version_id])[version_id]


# Peers' shares are shown once this many learners have answered a version: from one or two answers a percentage
# says nothing about the cohort and, for a small class, can tell who chose what.
PEER_MINIMUM = 10


def peer_choices_for(version_ids: list[int]) -> dict[int, dict]:
    """For each question version: how many answers and learners it has had, the share of answers that picked each
    option, and whether enough learners answered for the shares to be shown (2 queries).

    Counted per version, so a changed key never mixes answers given to different questions."""
    counted = (
        Response.objects.filter(version__in=version_ids)
        .values_list("version")
        .annotate(n=Count("pk"), learners=Count("attempt__learner", distinct=True))
    )
    totals, learners = {}, {}
    for version_id, n, people in counted:
        totals[version_id], learners[version_id] = n, people
    picks = (
        Response.choices.through.objects.filter(response__version__in=version_ids)
        .values_list("response__version", "choice")
        .annotate(n=Count("pk"))
    )
    result = {
        pk: {
            "total": totals.get(pk, 0),
            "learners": learners.get(pk, 0),
            "enough": learners.get(pk, 0) >= PEER_MINIMUM,
            "minimum": PEER_MINIMUM,
            "share": {},
        }
        for pk in version_ids
    }
    for version_id, choice_id, n in picks:
        total = result[version_id]["total"]
        result[version_id]["share"][choice_id] = round(100 * n / total) if total else 0
    return result


def cbm_for(response: Response) -> Decimal:
    return scoring.cbm_mark(response.score, response.certainty)


def _percent(value) -> int | None:
    return None if value is None else round(100 * Decimal(value))


def attempt_results(attempt: Attempt) -> dict:
    slots = list(
        attempt.slots.select_related("question__section").prefetch_related(
            Prefetch("question__choices", queryset=Choice.objects.select_related("site", "ctype"))
        )
    )
    answers = Response.objects.filter(attempt=attempt).select_related("version").prefetch_related("choices")
    responses = {r.question_id: r for r in answers.order_by()}
    peers = peer_choices_for([r.version_id for r in responses.values()])
    sites = {site.pk: site for site in BodySite.objects.all()}
    items, by_topic = [], defaultdict(lambda: {"n": 0, "score": Decimal(0)})
    for slot in slots:
        response = responses.get(slot.question_id)
        topic = by_topic[slot.question.get_topic_display()]
        topic["n"] += 1
        topic["score"] += response.score if response else 0
        shown = versions.shown_for(
            question=slot.question,
            options=slot.question.choices.all(),
            response=response,
            seed=f"{attempt.pk}:{slot.question_id}",
            sites=sites,
        )
        versions.with_values(shown, slot.values)
        items.append(
            {
                "slot": slot,
                "question": slot.question,
                "shown": shown,
                "options": shown.options,
                "response": response,
                "chosen": {c.pk for c in response.choices.all()} if response else set(),
                "peers": peers[response.version_id] if response else None,
                "cbm": cbm_for(response) if response else None,
            }
        )
    total = sum((r.score for r in responses.values()), Decimal(0))
    n = len(slots)
    return {
        "attempt": attempt,
        "items": items,
        "score": total,
        "n": n,
        "answered": len(responses),
        "percent": round(100 * total / n) if n else 0,
        "topics": [
            {"name": name, "n": t["n"], "percent": round(100 * t["score"] / t["n"])} for name, t in by_topic.items()
        ],
        "cbm_total": sum(cbm_for(r) for r in responses.values()),
    }


def type_confusion(learner) -> dict:
    """Rows: the right type; columns: the type chosen; on single-answer questions about type and on what the apps
    above the engine add (hooks.type_confusion_sources: the cases' type decisions).

    For one learner, or for the whole cohort when learner is None (the instructors' view)."""
    mine = {} if learner is None else {"response__attempt__learner": learner}
    picks = (
        Response.choices.through.objects.filter(
            choice__ctype__isnull=False,
            response__question__kind="single",
            response__in=Response.objects.counted(),
            **mine,
        )
        .values_list("response__question", "choice__ctype")
        .annotate(n=Count("pk"))
    )
    # Each question's right type, read once (the first correct option, as the question page orders them), instead of
    # a subquery per answer: the cost follows the bank and the learner's answers, not their product.
    right_of: dict[int, int] = {}
    for question, ctype in (
        Choice.objects.filter(is_correct=True, question__kind="single")
        .order_by("question", "order", "pk")
        .values_list("question", "ctype")
    ):
        right_of.setdefault(question, ctype)
    counts: Counter = Counter()
    for question, chosen, n in picks:
        if right_of.get(question) is not None:
            counts[(right_of[question], chosen)] += n
    for source in hooks.type_confusion_sources:
        for right, chosen, n in source(learner):
            counts[(right, chosen)] += n
    return confusion_matrix(counts)


def confusion_matrix(counts: Counter) -> dict:
    """(right type, chosen type) -> answers, as templates/quizzes/_confusion.html reads it: every type's row and
    cells, and the three most frequent mix-ups for the sentence above the matrix (one query, for the types)."""
    types = list(CalcinosisType.objects.only("pk", "name", "slug"))
    rows = []
    for right in types:
        cells = [
            {"chosen": chosen, "n": counts.get((right.pk, chosen.pk), 0), "diagonal": chosen.pk == right.pk}
            for chosen in types
        ]
        rows.append({"type": right, "cells": cells, "total": sum(cell["n"] for cell in cells)})
    names = {t.pk: t.name for t in types}
    confusions = sorted(((n, r, c) for (r, c), n in counts.items() if r != c), reverse=True)
    top = [{"n": n, "right": names[r], "chosen": names[c]} for n, r, c in confusions[:3]]
    return {"types": types, "rows": rows, "top": top, "any": bool(counts)}


def topic_accuracy(responses) -> list[dict]:
    """Answers and mean mark per topic, every topic listed (one query)."""
    rows = {
        row["question__topic"]: row
        for row in responses.values("question__topic").annotate(n=Count("pk"), accuracy=Avg("score"))
    }
    return [
        {"name": label, "n": rows.get(value, {}).get("n", 0), "percent": _percent(rows.get(value, {}).get("accuracy"))}
        for value, label in Topic.choices
    ]


def type_mastery(responses) -> list[dict]:
    """Answers and mean mark per calcinosis type, in teaching order (two queries).

    From the learner's own responses outward, so the cost follows their history, not everyone's."""
    rows = {
        row["question__types"]: row
        for row in responses.filter(question__types__isnull=False)
        .values("question__types")
        .annotate(n=Count("pk"), accuracy=Avg("score"))
    }
    return [
        {"type": t, "n": rows.get(t.pk, {}).get("n", 0), "percent": _percent(rows.get(t.pk, {}).get("accuracy"))}
        # The section's slug only (for the link): its Markdown body is large and not shown here.
        for t in CalcinosisType.objects.select_related("section")
        .only("pk", "slug", "name", "order", "section__slug")
        .order_by("order")
    ]


def daily_activity(responses, days: int = ACTIVITY_DAYS) -> list[dict]:
    """Answers per day over the last `days` days, with the bar geometry of the chart (one query)."""
    since = timezone.now() - timedelta(days=days - 1)
    per_day = dict(
        responses.filter(answered_at__gte=since)
        .annotate(day=TruncDate("answered_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    today = timezone.now().date()
    peak = max(per_day.values(), default=0)
    activity = []
    for i, offset in enumerate(range(days - 1, -1, -1)):
        day = today - timedelta(days=offset)
        n = per_day.get(day, 0)
        height = max(1, round(55 * n / peak)) if peak else 1  # a 1-unit stub marks a day with no answers
        # The label made here, not by the template's date filter: 120 bars, each labelled twice.
        label = f"{day.day} {day:%b}"
        activity.append({"day": day, "label": label, "n": n, "x": 10 * i, "y": 60 - height, "h": height})
    return activity


def activity_summary(activity: list[dict]) -> dict:
    """The chart in words: answers in all, on how many days, and the busiest day with its count (the y axis's top)."""
    busy = [d for d in activity if d["n"]]
    peak = max(busy, key=lambda d: d["n"], default=None)
    return {"total": sum(d["n"] for d in busy), "days": len(busy), "peak": peak, "busy": busy}


def recent_quizzes(learner, limit: int = 10):
    """The learner's latest quizzes with their size, answers and score (one query)."""
    # Subqueries, not joins: joining slots and responses together would multiply rows for every past attempt.
    answers = Response.objects.filter(attempt=OuterRef("pk")).values("attempt")
    slots = AttemptQuestion.objects.filter(attempt=OuterRef("pk")).values("attempt")
    return (
        Attempt.objects.quizzes()
        .filter(learner=learner)
        .annotate(
            total=Subquery(slots.annotate(n=Count("pk")).values("n")),
            answered=Subquery(answers.annotate(n=Count("pk")).values("n")),
            score=Subquery(answers.annotate(s=Sum("score")).values("s")),
        )
        .order_by("-started")[:limit]
    )


def learner_progress(learner) -> dict:
    """Everything /progress/ shows, each figure one query however long the history."""
    responses = Response.objects.counted().filter(attempt__learner=learner)
    overall = responses.aggregate(
        answered=Count("pk"),
        questions=Count("question", distinct=True),
        correct=Count("pk", filter=Q(is_correct=True)),
        accuracy=Avg("score"),
    )
    return {
        "overall": overall,
        "accuracy": _percent(overall["accuracy"]),
        "topics": topic_accuracy(responses),
        "mastery": type_mastery(responses),
        "confusion": type_confusion(learner),
        "activity": (activity := daily_activity(responses)),
        "activity_summary": activity_summary(activity),
        "recent": recent_quizzes(learner),
        "reports": ProblemReport.objects.filter(reporter=learner)[:20],
    }


# the quiz list, resuming, the review queue


def last_quiz_choices(learner) -> dict:
    """What the learner chose for their latest quiz (topics, size, pool, mode, time limit), to start the builder from
    (one query); nothing for a learner's first quiz."""
    last = (
        Attempt.objects.quizzes()
        .filter(learner=learner)
        .annotate(size=Count("slots"))
        .order_by("-started")
        .only("topics", "pool", "mode", "started", "deadline")
        .first()
    )
    if last is None:
        return {}
    choices = {"pool": last.pool, "mode": last.mode, "size": last.size or 10}
    if last.topics:  # an attempt of chosen questions (a retry) has none: keep the default topics then
        choices["topics"] = list(last.topics)
    if last.mode == Attempt.Mode.EXAM and last.deadline:
        choices["time_limit"] = max(1, round((last.deadline - last.started).total_seconds() / 60))
    return choices


def unfinished_quizzes(learner, limit: int = 10) -> list[Attempt]:
    """The learner's open quizzes with their size and answers so far; a case's attempt is resumed from its case."""
    return list(
        Attempt.objects.quizzes()
        .filter(learner=learner, finished__isnull=True)
        .annotate(total=Count("slots", distinct=True), answered=Count("responses", distinct=True))[:limit]
    )


def resume_position(attempt: Attempt) -> int:
    """Where to pick an attempt up: its first unanswered question, or its last one."""
    answered = Response.objects.filter(attempt=attempt).values("question_id")
    slot = attempt.slots.exclude(question_id__in=answered).first()
    return slot.position if slot else attempt.slots.count()


def review_choice(learner, response: Response | None, card: ReviewCard | None = None) -> dict | None:
    """After an answer that scheduled a review: the rating the app gave it (proposed from the mark and the certainty)
    and, for each of Again, Hard, Good and Easy, when the question would come back (one query, none when the card is
    given). None when the answer is not the card's latest review (nothing to rate again)."""
    if response is None:
        return None
    if card is None:
        card = ReviewCard.objects.filter(learner=learner, question_id=response.question_id).first()
    if card is None or card.last_response_id != response.pk:
        return None
    outcomes = schedule.rating_outcomes(card, response.answered_at)
    proposed = scoring.review_rating(response.score, response.certainty)
    return {
        "response": response,
        "proposed": proposed,
        "proposed_name": scoring.RATINGS[proposed],
        "current": card.last_rating,
        "current_name": scoring.RATINGS.get(card.last_rating, ""),
        "due": card.due,
        "interval": scoring.interval_text(card.due - response.answered_at),
        "options": [
            {
                "rating": rating,
                "name": name,
                "interval": scoring.interval_text(outcomes[rating] - response.answered_at),
                "chosen": rating == card.last_rating,
            }
            for rating, name in scoring.RATINGS.items()
        ],
    }


def review_forecast(learner, days: int = 7, now=None) -> list[dict]:
    """How many questions fall due on each of the next `days` days (today counts what is due already), one query."""
    now = now or timezone.now()
    today = timezone.localdate(now)  # the learner's own days (their time zone), as TruncDate counts them
    until = timezone.make_aware(datetime.combine(today + timedelta(days=days), time.min))
    per_day = dict(
        ReviewCard.objects.filter(learner=learner, question__is_published=True, due__lt=until)
        .annotate(day=TruncDate("due"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    forecast = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        n = per_day.get(day, 0) + (sum(v for d, v in per_day.items() if d < today) if offset == 0 else 0)
        forecast.append({"day": day, "label": "Today" if offset == 0 else f"{day:%a} {day.day}", "n": n})
    peak = max((d["n"] for d in forecast), default=0)
    for d in forecast:
        d["percent"] = round(100 * d["n"] / peak) if peak else 0
    return forecast


def weakest_topic(learner, minimum: int = 3) -> dict | None:
    """The topic with the learner's lowest mean mark among those with at least `minimum` answers (one query), to
    suggest what to practise next; None before there is enough to say."""
    rows = (
        Response.objects.counted()
        .filter(attempt__learner=learner)
        .values("question__topic")
        .annotate(n=Count("pk"), accuracy=Avg("score"))
        .filter(n__gte=minimum)
        .order_by("accuracy", "question__topic")
    )
    row = rows.first()
    if row is None:
        return None
    value = row["question__topic"]
    return {"value": value, "name": Topic(value).label, "percent": _percent(row["accuracy"]), "n": row["n"]}


def review_queue(learner, now=None) -> dict:
    """The questions due for review (the first 50 listed), how many, and the next to come back."""
    now = now or timezone.now()
    due = ReviewCard.objects.due(learner, now).select_related("question")
    upcoming = ReviewCard.objects.filter(learner=learner, due__gt=now).order_by("due").first()
    return {"due": list(due[:50]), "due_count": due.count(), "upcoming": upcoming}


# the question page


def slot_at(attempt: Attempt, position: int) -> AttemptQuestion | None:
    """The attempt's question at a position, with what its page shows (question, section, options, the learner's
    flag and note on it) in two queries."""
    mine = {"learner": attempt.learner_id, "question": OuterRef("question")}
    return (
        AttemptQuestion.objects.filter(attempt=attempt, position=position)
        .annotate(
            flagged=Exists(Flag.objects.filter(**mine)),
            note=Subquery(Note.objects.filter(**mine).values("text")[:1]),
        )
        .select_related("question__section")
        .prefetch_related(Prefetch("question__choices", queryset=Choice.objects.select_related("site", "ctype")))
        .first()
    )


def response_to(attempt: Attempt, question: Question) -> Response | None:
    return (
        Response.objects.filter(attempt=attempt, question=question)
        .select_related("version")
        .prefetch_related("choices")
        .first()
    )


def question_page(
    *,
    attempt: Attempt,
    slot: AttemptQuestion,
    learner,
    response: Response | None,
    chosen: frozenset | None = None,
    card: ReviewCard | None = None,
) -> dict:
    """What the question page shows, given the learner's answer to it if any: read once by the caller, or just
    recorded by the answer service with the options chosen, so an answer is never read back."""
    question = slot.question
    show_feedback = response is not None and attempt.shows_feedback_now
    # An exam's answers stay open to change until it is submitted (UWorld, Moodle); other modes' first answer is final.
    editable = attempt.mode == Attempt.Mode.EXAM and not attempt.is_finished
    shown = versions.shown_for(
        question=question,
        options=question.choices.all(),
        response=response,
        seed=f"{attempt.pk}:{question.pk}",
        sites=_sites() if question.kind == "bodymap" and response else None,
    )
    versions.with_values(shown, slot.values)
    flagged, note = slot.flagged, slot.note  # read with the slot (slot_at), for the attempt's learner
    navigator = attempt_navigator(attempt)
    total, answered = len(navigator), sum(s["answered"] for s in navigator)
    return {
        "attempt": attempt,
        "slot": slot,
        "question": question,
        "shown": shown,
        "options": shown.options,
        "chosen": set(chosen) if chosen is not None else {c.pk for c in response.choices.all()} if response else set(),
        "response": response,
        "show_feedback": show_feedback,
        "peers": peer_choices(response.version_id) if show_feedback else None,
        "cbm": cbm_for(response) if response else None,
        "cbm_text": scoring.cbm_explanation(response.score, response.certainty) if response else "",
        "total": total,
        "answered": answered,
        "percent_done": round(100 * answered / total) if total else 0,
        "next_position": slot.position + 1 if slot.position < total else None,
        "flagged": flagged,
        "note": note or "",
        "home": (home := attempt_home(attempt)),
        "editable": editable,
        # A calculated question asks for the figure the Ca x P calculator would give: it stays closed until answered.
        "calculator_hidden": question.kind == "calculated" and (response is None or editable),
        # Anki's four buttons under a tutor or review answer; an exam's answers are rated when it is finished.
        "review": review_choice(learner, response, card)
        if show_feedback and not attempt.is_finished and attempt.mode in (Attempt.Mode.TUTOR, Attempt.Mode.REVIEW)
        else None,
        **time_left(attempt),
        "navigator": None if home else navigator,
        "previous_position": slot.position - 1 if slot.position > 1 else None,
    }


def retry_questions(attempt: Attempt, which: str) -> list[int]:
    """The attempt's questions to try again, in its order and still in the bank: "incorrect" (not fully right,
    unanswered included) or "flagged" (flagged by the learner now). One query."""
    slots = attempt.slots.filter(question__in=Question.objects.for_quizzes())
    if which == "flagged":
        slots = slots.filter(Exists(Flag.objects.filter(learner=attempt.learner_id, question=OuterRef("question"))))
    else:
        right = Response.objects.filter(attempt=attempt, question=OuterRef("question"), score__gte=1)
        slots = slots.exclude(Exists(right))
    return list(slots.order_by("position").values_list("question_id", flat=True))


def attempt_navigator(attempt: Attempt) -> list[dict]:
    """Every question of the attempt in order, answered or not and marked for review or not (one query): the
    navigator beside an exam's questions and the summary before it is submitted."""
    answered = Response.objects.filter(attempt=attempt, question=OuterRef("question"))
    rows = attempt.slots.annotate(answered=Exists(answered)).values_list("position", "answered", "marked")
    return [{"position": position, "answered": done, "marked": marked} for position, done, marked in rows]


def time_left(attempt: Attempt, now=None) -> dict:
    """An unfinished timed attempt's seconds and whole minutes left (for the countdown), else None for both."""
    if attempt.deadline is None or attempt.is_finished:
        return {"seconds_left": None, "minutes_left": None}
    seconds = max(0, int((attempt.deadline - (now or timezone.now())).total_seconds()))
    return {"seconds_left": seconds, "minutes_left": seconds // 60}


def attempt_summary(attempt: Attempt) -> dict:
    """What "Submit" asks the learner to confirm: how many are answered, which are not, which are marked."""
    slots = attempt_navigator(attempt)
    return time_left(attempt) | {
        "attempt": attempt,
        "slots": slots,
        "total": len(slots),
        "answered": sum(s["answered"] for s in slots),
        "unanswered": [s for s in slots if not s["answered"]],
        "marked": [s for s in slots if s["marked"]],
    }


def attempt_home(attempt: Attempt) -> hooks.AttemptHome | None:
    """The page an attempt owned by another app (a case) is taken from, or None for a quiz."""
    policy = hooks.policy_for(attempt)
    return policy.home(attempt) if policy else None


def _sites() -> dict:
    return {site.pk: site for site in BodySite.objects.all()}
