"""What the cases app hands the quiz engine (registered in CasesConfig.ready): the rules of a case's attempt.

A case's questions are answered in a quiz attempt of mode "case", opened when the learner starts the case. The
engine asks this policy where such an attempt lives and whether a question of it is open yet; it never imports
this app.
"""

from django.urls import reverse

from cases.models import CaseProgress
from cases.services import open_question_ids
from quizzes.hooks import AttemptHome, AttemptPolicy


def _progress_of(attempt) -> CaseProgress | None:
    return CaseProgress.objects.filter(attempt=attempt).select_related("case").first()


def case_home(attempt) -> AttemptHome:
    """The case the attempt belongs to, or the list of cases if it has none (a case deleted since)."""
    index = reverse("cases:index")
    progress = _progress_of(attempt)
    if progress is None:
        crumb = "Case question"
        return AttemptHome(title="Cases", url=index, parent_title="Cases", parent_url=index, heading=crumb, crumb=crumb)
    case = progress.case
    return AttemptHome(
        title=case.title,
        url=case.get_absolute_url(),
        parent_title="Cases",
        parent_url=index,
        back_label="Back to the case",
        heading=f"{case.title}: case question",
        crumb="Case question",
    )


def case_question_is_open(attempt, question_id: int) -> bool:
    """A case question opens once its stage is revealed and that stage's decision committed."""
    progress = _progress_of(attempt)
    return progress is not None and question_id in open_question_ids(progress)


CASE_ATTEMPTS = AttemptPolicy(home=case_home, question_is_open=case_question_is_open)
