"""What the apps above the engine add to it, registered in their AppConfig.ready().

The engine never imports those apps (calcinosis <- quizzes <- cases <- teach); they hand it functions instead.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Each source returns (right type id, chosen type id, count) for one learner, a cohort (a QuerySet of users), or for
# everyone when learner is None:
# e.g. the cases app's type decisions, so the type confusion matrix counts what learners committed to in cases too.
TypeConfusionSource = Callable[[object | None], Iterable[tuple[int, int, int]]]
type_confusion_sources: list[TypeConfusionSource] = []


@dataclass(frozen=True)
class AttemptHome:
    """The page an attempt is taken from when it is not a quiz of its own (a case), for links and breadcrumbs."""

    title: str  # e.g. the case's title
    url: str
    parent_title: str  # the breadcrumb above it, e.g. "Cases"
    parent_url: str
    back_label: str = "Back"  # the button that returns there, e.g. "Back to the case"
    heading: str = ""  # the question page's heading, e.g. "Calciphylaxis on the thigh: case question"
    crumb: str = ""  # the question's own breadcrumb, e.g. "Case question"


@dataclass(frozen=True)
class AttemptPolicy:
    """The rules for attempts of one mode that another app opens and owns (the cases app, for case attempts).

    Such an attempt is taken and resumed from its home page, never finished, marked or listed as a quiz, and a
    question in it may stay closed until the home page reaches it."""

    home: Callable[[object], AttemptHome]
    question_is_open: Callable[[object, int], bool]


# Attempt mode -> its policy. A mode with no policy is a quiz the engine runs itself.
attempt_policies: dict[str, AttemptPolicy] = {}


def policy_for(attempt) -> AttemptPolicy | None:
    return attempt_policies.get(attempt.mode)


# Panels the apps above add to a learner's progress page: each takes the request and returns None or
# {"template": ..., "context": {...}} (the teach app's "join a cohort").
ProgressPanel = Callable[[object], dict | None]
progress_panels: list[ProgressPanel] = []


# Called once a quiz attempt is finished, after the transaction that finished it commits, with the attempt: the lti
# app sends its score to the LMS gradebook. A hook that fails is logged and never undoes the finish.
AttemptFinished = Callable[[object], None]
attempt_finished: list[AttemptFinished] = []


# What the apps above add to a learner's own data download (accounts.selectors.learner_data), by section name: each
# takes the learner and returns plain data (the teach app's "classes", the lti app's "lms_accounts" and "lms_scores").
LearnerDataSection = Callable[[object], object]
learner_data_sections: dict[str, LearnerDataSection] = {}
