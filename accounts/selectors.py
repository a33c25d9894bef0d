"""Reads for a learner's own account: everything they did, as plain data for the download."""

from django.db.models import Prefetch

from accounts.models import Preferences
from cases.models import CaseProgress, Commitment, Hypothesis
from quizzes import hooks
from quizzes.models import Attempt, Flag, Note, ProblemReport, Response, ReviewCard


def learner_data(*, learner) -> dict:
    """All of one learner's own data, and nothing of anyone else's; a fixed number of queries, however long the
    history. The apps above add their sections (quizzes.hooks.learner_data_sections): the classes, the LMS links."""
    return {
        "profile": {
            "username": learner.get_username(),
            "email": learner.email,
            "joined": learner.date_joined,
            "time_zone": Preferences.objects.filter(user=learner).values_list("time_zone", flat=True).first() or "",
        },
        "answers": _answers(learner),
        "attempts": list(
            Attempt.objects.filter(learner=learner)
            .order_by("started", "pk")
            .values("id", "mode", "pool", "topics", "started", "deadline", "finished")
        ),
        "notes": [
            {"question": note.question.slug, "text": note.text, "updated": note.updated}
            for note in Note.objects.filter(learner=learner).select_related("question").order_by("pk")
        ],
        "flags": [
            {"question": flag.question.slug, "flagged": flag.created}
            for flag in Flag.objects.filter(learner=learner).select_related("question").order_by("pk")
        ],
        "review_cards": [
            {"question": card.question.slug, "due": card.due, "reviews": card.reviews, "last_rating": card.last_rating}
            for card in ReviewCard.objects.filter(learner=learner).select_related("question").order_by("pk")
        ],
        "cases": _case_progress(learner),
        "problem_reports": list(
            ProblemReport.objects.filter(reporter=learner)
            .order_by("created", "pk")
            .values("label", "url", "reason", "comment", "created", "status", "resolution", "resolved_at")
        ),
    } | {name: section(learner) for name, section in hooks.learner_data_sections.items()}


def _answers(learner) -> list[dict]:
    """Each answer with the options chosen named by their text as the learner saw it (the version's wording)."""
    responses = (
        Response.objects.filter(attempt__learner=learner)
        .select_related("question", "version", "attempt")
        .prefetch_related("choices")
        .order_by("answered_at", "pk")
    )
    answers = []
    for response in responses:
        # An exam keeps its marks until it is finished, here as on every page (ResponseQuerySet.counted).
        hidden = response.attempt.mode == Attempt.Mode.EXAM and response.attempt.finished is None
        worded = {option["id"]: option["text"] for option in response.version.content.get("options", [])}
        answers.append(
            {
                "attempt": response.attempt_id,
                "question": response.question.slug,
                "version": response.version.number,
                "options_chosen": [worded.get(choice.pk, choice.text) for choice in response.choices.all()],
                "value": response.value,
                "certainty": response.certainty,
                "score": None if hidden else response.score,
                "correct": None if hidden else response.is_correct,
                "answered_at": response.answered_at,
            }
        )
    return answers


def _case_progress(learner) -> list[dict]:
    hypotheses = Hypothesis.objects.select_related("ctype", "mimic")
    commitments = Commitment.objects.select_related("stage").prefetch_related(Prefetch("hypotheses", hypotheses))
    progress = (
        CaseProgress.objects.filter(learner=learner)
        .select_related("case")
        .prefetch_related(Prefetch("commitments", commitments))
        .order_by("started", "pk")
    )
    return [
        {
            "case": row.case.slug,
            "take": row.number,
            "stages_revealed": row.revealed,
            "attempt": row.attempt_id,
            "started": row.started,
            "completed": row.completed,
            "commitments": [
                {
                    "stage": commitment.stage.order,
                    "ranking": commitment.ranking,
                    "certainty": commitment.certainty,
                    "score": commitment.score,
                    "committed_at": commitment.committed_at,
                }
                for commitment in row.commitments.all()
            ],
        }
        for row in progress
    ]
