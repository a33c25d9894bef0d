"""Reads of the cases app that other apps' pages use (through quizzes.hooks)."""

from django.db.models import Count

from cases.models import Hypothesis


def decision_confusion(learner) -> list[tuple[int, int, int]]:
    """(expert's type, learner's leading type, count) over committed decisions where both are types.

    For one learner, or every learner when learner is None; feeds the type confusion matrix on /progress/ and /teach/.
    """
    leading = Hypothesis.objects.filter(rank=1, ctype__isnull=False, commitment__stage__expert_type__isnull=False)
    if learner is not None:
        leading = leading.filter(commitment__progress__learner=learner)
    return list(leading.values_list("commitment__stage__expert_type", "ctype").annotate(n=Count("pk")))
