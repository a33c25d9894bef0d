"""Reads for the instructors' pages: the cohort's figures and the item analysis, each a fixed number of queries."""

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Max, OuterRef, Prefetch, Q, Subquery

from calcinosis.authoring import instructors_q
from cases.models import CaseProgress, Commitment
from quizzes import versions
from quizzes.models import Attempt, Flag, ProblemReport, Question, QuestionVersion, Response
from quizzes.selectors import topic_accuracy, type_confusion
from teach import itemstats


def open_reports():
    return ProblemReport.objects.open().select_related("reporter").order_by("created")


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
    """Learners (every account but instructors and other staff) with their figures, and the cohort's accuracy by topic
    and confusions."""
    responses = Response.objects.all()
    users = get_user_model().objects
    learners = (
        users.exclude(pk__in=users.filter(instructors_q() | Q(is_staff=True) | Q(is_superuser=True)).values("pk"))
        .annotate(
            answers=_per_learner(responses, "attempt__learner", Count("pk")),
            accuracy=_per_learner(responses, "attempt__learner", Avg("score")),
            last_answer=_per_learner(responses, "attempt__learner", Max("answered_at")),
            quizzes_finished=_per_learner(
                Attempt.objects.quizzes().filter(finished__isnull=False), "learner", Count("pk")
            ),
            cases_completed=_per_learner(CaseProgress.objects.filter(completed__isnull=False), "learner", Count("pk")),
            reasoning=_per_learner(Commitment.objects.all(), "progress__learner", Avg("score")),
        )
        .order_by("username")
    )
    return {"learners": list(learners), "topics": topic_accuracy(responses), "confusion": type_confusion(None)}
