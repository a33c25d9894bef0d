"""Every page a person can open, so guard tests (one <h1>, valid HTML, axe) cover them all."""

from django.urls import reverse

from calcinosis.models import CalcinosisType, Section

# Named URLs without arguments, and who may see them: "anyone", "learner" (an account) or "instructor".
STATIC_PAGES = [
    ("home", "anyone"),
    ("home", "learner"),  # a learner's home is another page: their panels above the public one
    ("reference:index", "anyone"),
    ("reference:search", "anyone"),
    ("reference:calculator", "anyone"),
    ("reference:labs", "anyone"),
    ("login", "anyone"),
    ("signup", "anyone"),
    ("password_reset", "anyone"),
    ("password_reset_done", "anyone"),
    ("password_reset_complete", "anyone"),
    ("password_change", "learner"),
    ("password_change_done", "learner"),
    ("account-delete", "learner"),
    ("quizzes:index", "learner"),
    ("quizzes:progress", "learner"),
    ("quizzes:review", "learner"),
    ("cases:index", "learner"),
    ("teach:join", "learner"),
    ("teach:dashboard", "instructor"),
    ("teach:items", "instructor"),
]

# Pages with query strings that show more of the page (results, errors).
EXTRA_PATHS = [
    "/reference/search/?q=dermatomyositis",
    "/reference/search/?q=zzzzqqq",
    "/reference/calculator/?calcium=10&phosphate=8&unit=mg%2FdL",
    "/reference/calculator/?calcium=-1&phosphate=abc&unit=mg%2FdL",
    "/reference/distribution/?first=condition-systemic-sclerosis&second=condition-juvenile-dermatomyositis",
    "/reference/distribution/?first=nonsense&second=",
]


def section_paths() -> list[str]:
    return [s.get_absolute_url() for s in Section.objects.published()]


def all_pages() -> list[tuple[str, str]]:
    """(path, audience) for every page; needs the database."""
    named = [(reverse(name), audience) for name, audience in STATIC_PAGES]
    return named + [(path, "anyone") for path in EXTRA_PATHS + section_paths()]


def quiz_pages(learner) -> list[str]:
    """Make a learner's quiz history with every kind of question, answered and not; return its pages."""
    from quizzes import services
    from quizzes.models import Kind, Question

    picked = [Question.objects.published().filter(kind=kind).first() for kind in Kind.values]
    questions = [q for q in picked if q is not None]
    if len(questions) < len(Kind.values):
        questions = _factory_questions()
    ids = [q.pk for q in questions]
    tutor = services.attempt_start(learner=learner, topics=[], size=len(ids), question_ids=ids)
    for question in questions[:2]:
        correct = [c.pk for c in question.choices.all() if c.is_correct]
        services.response_record(
            attempt=tutor, question=question, choice_ids=correct, value=_right_value(tutor, question), certainty="sure"
        )
    answered = services.attempt_start(learner=learner, topics=[], size=len(ids), question_ids=ids)
    for question in questions:  # every kind's feedback, the body map's legend included
        correct = [c.pk for c in question.choices.all() if c.is_correct]
        value = _right_value(answered, question)
        services.response_record(
            attempt=answered, question=question, choice_ids=correct, value=value, certainty="unsure"
        )
    report = services.problem_report_file(
        reporter=learner, target=questions[0], label="A question", url="/", reason="unclear", comment="Which one?"
    )
    services.problem_report_resolve(report=report, instructor=learner, status="fixed", resolution="Reworded.")
    services.problem_report_file(
        reporter=learner, target=questions[1], label="Another", url="/", reason="key", comment="B is right too."
    )
    exam = services.attempt_start(learner=learner, topics=[], size=len(ids), mode="exam", question_ids=ids)
    services.attempt_finish(attempt=exam)
    # An open, timed exam: a saved (changeable) answer, a question marked for review, the summary before submitting.
    running = services.attempt_start(
        learner=learner, topics=[], size=len(ids), mode="exam", time_limit_minutes=60, question_ids=ids
    )
    correct = [c.pk for c in questions[0].choices.all() if c.is_correct]
    services.response_record(
        attempt=running,
        question=questions[0],
        choice_ids=correct,
        value=_right_value(running, questions[0]),
        certainty="sure",
    )
    services.slot_mark(attempt=running, position=2, marked=True)
    pages = [f"/quizzes/attempts/{tutor.pk}/{n}/" for n in range(1, len(ids) + 1)]
    pages += [f"/quizzes/attempts/{answered.pk}/{n}/" for n in range(1, len(ids) + 1)]
    pages += [f"/quizzes/attempts/{running.pk}/1/", f"/quizzes/attempts/{running.pk}/2/"]
    pages += [f"/quizzes/attempts/{running.pk}/submit/"]
    return pages + [f"/quizzes/attempts/{exam.pk}/results/", f"/quizzes/attempts/{exam.pk}/2/"]


def _right_value(attempt, question):
    """The right number for a numeric question, or for a calculated one with the values this attempt drew."""
    from quizzes import calculated
    from quizzes.models import AttemptQuestion

    if question.kind != "calculated":
        return question.answer
    values = AttemptQuestion.objects.get(attempt=attempt, question=question).values
    return calculated.shown_answer(question.formula, values)


def _factory_questions():
    from decimal import Decimal

    from calcinosis.models import BodySite
    from quizzes.models import Choice
    from tests.factories import QuestionFactory, question_with_choices

    bodymap = QuestionFactory(kind="bodymap", topic="distribution", slug="pages-bodymap")
    for i, site in enumerate(BodySite.objects.order_by("order")):
        Choice.objects.create(question=bodymap, order=i, text=site.name, site=site, is_correct=i < 3)
    return [
        question_with_choices(slug="pages-single"),
        question_with_choices(correct=2, kind="multiple", slug="pages-multiple"),
        bodymap,
        QuestionFactory(
            kind="numeric", topic="laboratory", answer=Decimal(80), tolerance=Decimal("0.5"), unit="mg²/dL²"
        ),
    ]


def case_pages(learner) -> list[str]:
    """One case not started, one left at an open decision and one completed to its debrief (one of its questions
    answered, the others waiting on the page); their pages and the case list."""
    from cases import services
    from cases.models import Case
    from quizzes import services as quiz_services

    cases = list(Case.objects.published().filter(stages__decision__gt="").distinct()[:3])
    if len(cases) < 3:
        cases = [_factory_case(f"pages-case-{i}") for i in range(3)]
    open_case, done_case, new_case = cases
    progress = services.progress_start(learner=learner, case=open_case)
    while not _waiting(progress) and not progress.completed:
        progress = services.stage_reveal(progress=progress)
    done = finish_case(learner, done_case)
    slot = done.attempt.slots.select_related("question").first() if done.attempt else None
    if slot is not None:
        question = slot.question
        right = [c.pk for c in question.choices.all() if c.is_correct]
        quiz_services.response_record(
            attempt=done.attempt, question=question, choice_ids=right, value=question.answer, certainty="sure"
        )
    return ["/cases/", open_case.get_absolute_url(), done_case.get_absolute_url(), new_case.get_absolute_url()]


def instructor_pages(instructor, learner) -> list[str]:
    """A cohort of the instructor's with the learner in it (after their quizzes and cases): its page, the learner's;
    and the previews of a question of each kind and of a case."""
    from cases.models import Case
    from quizzes.models import Kind, Question
    from teach.models import Cohort

    cohort = Cohort.objects.create(name="Dermatology block")
    cohort.instructors.add(instructor)
    cohort.learners.add(learner)
    previews = [
        f"/quizzes/questions/{q.pk}/preview/"
        for q in (Question.objects.filter(kind=kind).first() for kind in Kind.values)
        if q is not None
    ]
    case = Case.objects.filter(stages__decision__gt="").first()
    previews += [f"/cases/{case.slug}/preview/"] if case else []
    return [f"/teach/?cohort={cohort.pk}", f"/teach/learners/{learner.pk}/", *previews]


def _waiting(progress) -> bool:
    stage = progress.case.stages.all()[progress.revealed - 1] if progress.revealed else None
    return bool(stage and stage.decision and not stage.commitments.filter(progress=progress).exists())


def finish_case(learner, case):
    """Walk a case to its end, committing the expert's answer (and two other slugs for a ranking)."""
    from cases import services
    from cases.models import offered_hypotheses

    progress = services.progress_start(learner=learner, case=case)
    for stage in case.stages.all():
        progress = services.stage_reveal(progress=progress)
        if stage.decision:
            types, mimics = offered_hypotheses(stage)
            others = sorted((set(types) | set(mimics)) - {stage.expert_answer})[:2]
            ranking = [stage.expert_answer] + (others if stage.decision == "differential" else [])
            services.decision_commit(progress=progress, stage=stage, ranking=ranking, certainty="sure")
    progress.refresh_from_db()
    return progress


def _factory_case(slug):
    from cases.models import Case, Stage

    case = Case.objects.create(
        slug=slug, title=slug, presentation="P.", objectives="- O", debrief="D.", is_published=True
    )
    Stage.objects.create(
        case=case,
        order=1,
        kind="history",
        title="H",
        body="B.",
        decision="type",
        decision_prompt="Which?",
        expert_type=CalcinosisType.objects.get(slug="dystrophic"),
        expert_reasoning="R.",
    )
    Stage.objects.create(case=case, order=2, kind="examination", title="E", body="B.")
    return case
