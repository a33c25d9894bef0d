"""Reads for the results, progress and feedback pages: each figure is one query, however long the history."""

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from calcinosis.models import BodySite, CalcinosisType
from quizzes import hooks, itemstats, scoring, versions
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    Flag,
    ProblemReport,
    Question,
    QuestionVersion,
    Response,
    Topic,
)

ACTIVITY_DAYS = 28


def bank_counts() -> dict[str, int]:
    rows = Question.objects.for_quizzes().values("topic").annotate(n=Count("pk"))
    return {row["topic"]: row["n"] for row in rows}


def peer_choices(version_id: int) -> dict:
    return peer_choices_for([version_id])[version_id]


def peer_choices_for(version_ids: list[int]) -> dict[int, dict]:
    """For each question version: how many answers it has had and the share that picked each option (2 queries).

    Counted per version, so a changed key never mixes answers given to different questions."""
    totals = dict(Response.objects.filter(version__in=version_ids).values_list("version").annotate(n=Count("pk")))
    picks = (
        Response.choices.through.objects.filter(response__version__in=version_ids)
        .values_list("response__version", "choice")
        .annotate(n=Count("pk"))
    )
    result = {pk: {"total": totals.get(pk, 0), "share": {}} for pk in version_ids}
    for version_id, choice_id, n in picks:
        total = result[version_id]["total"]
        result[version_id]["share"][choice_id] = round(100 * n / total) if total else 0
    return result


def cbm_for(response: Response) -> int:
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
    right_type = Choice.objects.filter(question=OuterRef("response__question"), is_correct=True).values("ctype")[:1]
    mine = {} if learner is None else {"response__attempt__learner": learner}
    picks = (
        Response.choices.through.objects.filter(
            choice__ctype__isnull=False,
            response__question__kind="single",
            response__in=Response.objects.counted(),
            **mine,
        )
        .annotate(right=Subquery(right_type))
        .exclude(right__isnull=True)
        .values("right", "choice__ctype")
        .annotate(n=Count("pk"))
    )
    counts = Counter({(row["right"], row["choice__ctype"]): row["n"] for row in picks})
    for source in hooks.type_confusion_sources:
        for right, chosen, n in source(learner):
            counts[(right, chosen)] += n
    types = list(CalcinosisType.objects.only("pk", "name", "slug"))
    rows = []
    for right in types:
        cells = [{"chosen": chosen, "n": counts.get((right.pk, chosen.pk), 0)} for chosen in types]
        total = sum(cell["n"] for cell in cells)
        for cell in cells:
            cell["diagonal"] = cell["chosen"].pk == right.pk
        rows.append({"type": right, "cells": cells, "total": total})
    confusions = sorted(
        (
            (n, right, chosen)
            for (right, chosen), n in counts.items()
            if right != chosen  # the most frequent mix-ups, for a sentence above the matrix
        ),
        reverse=True,
    )
    names = {t.pk: t.name for t in types}
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


def learner_progress(learner) -> dict:
    responses = Response.objects.counted().filter(attempt__learner=learner)
    overall = responses.aggregate(
        answered=Count("pk"),
        questions=Count("question", distinct=True),
        correct=Count("pk", filter=Q(is_correct=True)),
        accuracy=Avg("score"),
    )
    topics = topic_accuracy(responses)
    # From the learner's own responses outward, so the cost follows their history, not everyone's.
    type_rows = {
        row["question__types"]: row
        for row in responses.filter(question__types__isnull=False)
        .values("question__types")
        .annotate(n=Count("pk"), accuracy=Avg("score"))
    }
    since = timezone.now() - timedelta(days=ACTIVITY_DAYS - 1)
    per_day = dict(
        responses.filter(answered_at__gte=since)
        .annotate(day=TruncDate("answered_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    today = timezone.now().date()
    days = [today - timedelta(days=offset) for offset in range(ACTIVITY_DAYS - 1, -1, -1)]
    peak = max(per_day.values(), default=0)
    activity = []
    for i, day in enumerate(days):
        n = per_day.get(day, 0)
        height = max(1, round(55 * n / peak)) if peak else 1  # a 1-unit stub marks a day with no answers
        activity.append({"day": day, "n": n, "x": 10 * i, "y": 60 - height, "h": height})
    # Subqueries, not joins: joining slots and responses together would multiply rows for every past attempt.
    answers = Response.objects.filter(attempt=OuterRef("pk")).values("attempt")
    slots = AttemptQuestion.objects.filter(attempt=OuterRef("pk")).values("attempt")
    recent = (
        Attempt.objects.filter(learner=learner)
        .exclude(mode=Attempt.Mode.CASE)
        .annotate(
            total=Subquery(slots.annotate(n=Count("pk")).values("n")),
            answered=Subquery(answers.annotate(n=Count("pk")).values("n")),
            score=Subquery(answers.annotate(s=Sum("score")).values("s")),
        )
        .order_by("-started")[:10]
    )
    return {
        "overall": overall,
        "accuracy": _percent(overall["accuracy"]),
        "topics": topics,
        "mastery": [
            {
                "type": t,
                "n": type_rows.get(t.pk, {}).get("n", 0),
                "percent": _percent(type_rows.get(t.pk, {}).get("accuracy")),
            }
            for t in CalcinosisType.objects.order_by("order")
        ],
        "confusion": type_confusion(learner),
        "activity": activity,
        "recent": recent,
        "reports": ProblemReport.objects.filter(reporter=learner)[:20],
    }


# instructors


def item_analysis() -> list[dict]:
    """Every quiz-bank question, one row per version learners answered: facility, discrimination and how often each
    option was chosen, as that version keyed it (a question nobody answered gets one empty row)."""
    rows = Response.objects.filter(question__case__isnull=True).values_list("attempt__learner", "version", "score")
    analysed = itemstats.analyse(list(rows))
    picks = dict(
        ((version, choice), n)
        for version, choice, n in Response.choices.through.objects.filter(response__question__case__isnull=True)
        .values_list("response__version", "choice")
        .annotate(n=Count("pk"))
    )
    answered = QuestionVersion.objects.annotate(answers=Count("responses")).filter(answers__gt=0)
    questions = (
        Question.objects.for_quizzes()
        .select_related("section")
        .prefetch_related("choices", Prefetch("versions", queryset=answered))
        .annotate(flags_count=Subquery(_count_per_question(Flag)))
    )
    items = []
    for question in questions:
        for version in question.versions.all() or [None]:
            stats = analysed.get(version.pk) if version else None
            content = version.content if version else versions.content_of(question, question.choices.all())
            items.append(
                {
                    "question": question,
                    "version": version,
                    "content": content,
                    "stats": stats,
                    "options": _option_shares(question, version, content, picks),
                    "concern": _concern(stats),
                }
            )
    items.sort(key=lambda item: (item["concern"] is None, -(item["stats"].n if item["stats"] else 0)))
    return items


def _option_shares(question, version, content: dict, picks: dict) -> list[dict]:
    """A version's options with the share of its answers choosing each; a body map lists its key and what was chosen."""
    n = version.answers if version else 0
    rows = []
    for option in content["options"]:
        chosen = picks.get((version.pk, option["id"]), 0) if version else 0
        if option["retired"] or (question.kind == "bodymap" and not option["correct"] and not chosen):
            continue
        rows.append(
            {"text": option["text"], "correct": option["correct"], "share": round(100 * chosen / n) if n else 0}
        )
    return rows


def _count_per_question(model):
    """A correlated count, so two counts on one question do not multiply each other's rows."""
    return model.objects.filter(question=OuterRef("pk")).values("question").annotate(n=Count("pk")).values("n")


def _concern(stats) -> str | None:
    """A plain-language reason to look at an item again, or None."""
    if stats is None:
        return None
    if stats.discrimination is not None and stats.discrimination < 0:
        return "Stronger learners get it wrong more often: check the key and the stem."
    if stats.n >= 5 and stats.facility < 0.2:
        return "Very hard: almost nobody gets it right."
    if stats.n >= 5 and stats.facility > 0.95:
        return "Very easy: nearly everyone gets it right."
    return None


def _per_learner(queryset, field: str, function):
    return Subquery(
        queryset.filter(**{field: OuterRef("pk")}).values(field).annotate(v=function).values("v"),
    )


def cohort() -> dict:
    """Learners (not staff) with their figures, and the cohort's accuracy by topic."""
    from django.contrib.auth import get_user_model

    from cases.models import CaseProgress, Commitment

    responses = Response.objects.all()
    learners = (
        get_user_model()
        .objects.filter(is_staff=False)
        .annotate(
            answers=_per_learner(responses, "attempt__learner", Count("pk")),
            accuracy=_per_learner(responses, "attempt__learner", Avg("score")),
            last_answer=_per_learner(responses, "attempt__learner", Max("answered_at")),
            quizzes_finished=_per_learner(
                Attempt.objects.filter(finished__isnull=False).exclude(mode=Attempt.Mode.CASE), "learner", Count("pk")
            ),
            cases_completed=_per_learner(CaseProgress.objects.filter(completed__isnull=False), "learner", Count("pk")),
            reasoning=_per_learner(Commitment.objects.all(), "progress__learner", Avg("score")),
        )
        .order_by("username")
    )
    topics = topic_accuracy(responses)
    return {"learners": list(learners), "topics": topics, "confusion": type_confusion(None)}
