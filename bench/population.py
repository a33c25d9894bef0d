"""Fills the benchmark's throwaway database through the app's own services, and writes the plan the load follows.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.population PLAN.json --connections 16 --answers 200

bench/run.py runs this once, in a subprocess with the production-mode environment, after `migrate`. It makes:
- `bench-history`, a learner with a long history (finished quizzes answered over the last months, case progress),
  who is the one logged in for every learner page, so /progress/ and /review/ have real work to do;
- a cohort of learners with answers and case progress, and `bench-instructor`, so /teach/ has one to report on;
- one learner per connection with open attempts, whose questions that connection answers, each only once.
Answers go through `quizzes.services.response_record` and cases through `cases.services`, the paths the pages use.
"""

import argparse
import json
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django

PASSWORD = "bench-password-not-secret-7f3a"  # a throwaway database, deleted after the run
HISTORY_USER = "bench-history"
INSTRUCTOR = "bench-instructor"


@dataclass(frozen=True)
class Bank:
    """The quiz bank as the benchmark answers it: each question with its live options."""

    questions: list  # quizzes.models.Question, with `live` set to its options that are not retired


def _bank() -> Bank:
    from quizzes.models import Question

    # Calculated questions are left out: a right answer needs the values drawn for the attempt.
    questions = list(
        Question.objects.for_quizzes().exclude(kind="calculated").prefetch_related("choices").order_by("pk")
    )
    for question in questions:
        question.live = [c for c in question.choices.all() if not c.is_retired]
    if not questions:
        raise SystemExit("The starter bank is empty: nothing to answer.")
    return Bank(questions)


def answer_for(question, rng: random.Random, right: bool) -> tuple[list[int], Decimal | None]:
    """Option ids or a value for the question: the expected answer when `right`, a plausible wrong one otherwise."""
    from quizzes.models import Kind

    if question.kind == Kind.NUMERIC:
        answer = Decimal(question.answer or 0)
        return [], answer if right else answer * 2 + 1
    correct = [c.pk for c in question.live if c.is_correct]
    wrong = [c.pk for c in question.live if not c.is_correct and not c.is_neutral]
    if question.kind == Kind.SINGLE:
        return [correct[0] if right or not wrong else rng.choice(wrong)], None
    if right or not wrong:
        return correct, None
    return correct[:-1] + [rng.choice(wrong)], None


def _users(prefix: str, count: int, password: str) -> list:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = [User(username=f"{prefix}-{i:03d}", password=password) for i in range(count)]
    return User.objects.bulk_create(users)


def _answered_attempt(learner, bank: Bank, rng: random.Random, count: int, when, skill: float) -> int:
    """One tutor quiz of `count` questions, answered (a share `skill` right) and finished `when`; answers made."""
    from quizzes import services

    picked = rng.sample(bank.questions, min(count, len(bank.questions)))
    attempt = services.attempt_start(learner=learner, topics=[], size=len(picked), question_ids=[q.pk for q in picked])
    attempt.__class__.objects.filter(pk=attempt.pk).update(started=when)
    for i, question in enumerate(picked):
        choice_ids, value = answer_for(question, rng, rng.random() < skill)
        certainty = rng.choice(["sure", "unsure", "guess"])
        now = when + timedelta(seconds=40 * i)
        services.response_record(
            attempt=attempt, question=question, choice_ids=choice_ids, value=value, certainty=certainty, now=now
        )
    services.attempt_finish(attempt=attempt, now=when + timedelta(seconds=40 * len(picked)))
    return len(picked)


def _history(learner, bank: Bank, rng: random.Random, answers: int, days: int, skill: float) -> None:
    """`answers` answers in quizzes of about 20, spread over the last `days` days, oldest first."""
    from django.utils import timezone

    now = timezone.now()
    quizzes = max(1, -(-answers // 20))
    for q in range(quizzes):
        size = min(20, answers - 20 * q)
        when = now - timedelta(days=days * (quizzes - q) / quizzes, hours=rng.random() * 6)
        _answered_attempt(learner, bank, rng, size, when, skill)


def _case_progress(learner, cases: list, rng: random.Random) -> None:
    """Start some cases and reveal stages until a decision waits, as a learner part-way through would."""
    from cases import services

    for case in rng.sample(cases, min(len(cases), rng.randint(1, 4))):
        progress = services.progress_start(learner=learner, case=case)
        for _ in range(rng.randint(1, 4)):
            try:
                progress = services.stage_reveal(progress=progress)
            except services.StageLocked:
                break


def _instructor(password: str, cohort: list) -> None:
    """The instructor, made as `manage.py make_instructor` makes one, and given the cohort if the app has cohorts."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from calcinosis.authoring import GROUP

    user = get_user_model().objects.create(username=INSTRUCTOR, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    try:
        Cohort = apps.get_model("teach", "Cohort")
    except LookupError:
        return  # no cohorts yet: /teach/ reports on every learner
    group = Cohort.objects.create(name="Bench cohort")
    group.instructors.add(user)
    group.learners.add(*cohort)


def _question_path(pk: int, position: int) -> str:
    from django.urls import reverse

    return reverse("quizzes:question", kwargs={"pk": pk, "position": position})


def _open_slots(learner, bank: Bank, rng: random.Random, answers: int) -> list[list]:
    """Open attempts for one connection's learner, and `answers` posts answering their questions, each once."""
    from quizzes import services

    posts: list[list] = []
    while len(posts) < answers:
        order = rng.sample(bank.questions, len(bank.questions))[: services.MAX_QUESTIONS]
        ids = [q.pk for q in order]
        attempt = services.attempt_start(learner=learner, topics=[], size=len(ids), question_ids=ids)
        for position, question in enumerate(order[: answers - len(posts)], 1):
            choice_ids, value = answer_for(question, rng, rng.random() < 0.7)
            data = {"certainty": "unsure"} | ({"choice": choice_ids} if value is None else {"value": str(value)})
            posts.append([_question_path(attempt.pk, position) + "answer/", data])
    return posts


def build(*, connections: int, answers: int, history: int, cohort_size: int, cohort_answers: int, seed: int) -> dict:
    """Make the population and return the plan: who logs in, and the paths each page is measured on."""
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from calcinosis.models import Section
    from cases.models import Case
    from quizzes import services

    rng = random.Random(seed)
    password = make_password(PASSWORD)  # hashed once: every account shares it
    bank = _bank()
    cases = list(Case.objects.published().order_by("pk"))

    learner = _users(HISTORY_USER, 1, password)[0]
    _history(learner, bank, rng, history, days=120, skill=0.7)
    _case_progress(learner, cases, rng)
    waiting = services.attempt_start(learner=learner, topics=[], size=20, question_ids=[q.pk for q in bank.questions])

    cohort = _users("bench-cohort", cohort_size, password)
    for member in cohort:
        _history(member, bank, rng, cohort_answers, days=30, skill=rng.uniform(0.4, 0.9))
        _case_progress(member, cases, rng)
    _instructor(password, cohort)

    answerers = _users("bench-answer", connections, password)
    section = Section.objects.published().order_by("order").first()
    return {
        "password": PASSWORD,
        "history_user": learner.username,
        "instructor": INSTRUCTOR,
        "section": reverse("reference:section", kwargs={"slug": section.slug}),
        "case": reverse("cases:detail", kwargs={"slug": cases[0].slug}) if cases else None,
        "question": _question_path(waiting.pk, 1),
        "answerers": [{"username": a.username, "posts": _open_slots(a, bank, rng, answers)} for a in answerers],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("plan", type=Path, help="where to write the plan (JSON)")
    parser.add_argument("--connections", type=int, default=16, help="learners answering, one per connection")
    parser.add_argument("--answers", type=int, default=200, help="fresh answers to post, per connection")
    parser.add_argument("--history", type=int, default=500, help="answers in the long-history learner's past")
    parser.add_argument("--cohort", type=int, default=40, help="learners in the instructor's cohort")
    parser.add_argument("--cohort-answers", type=int, default=40, help="answers per cohort learner")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    django.setup()
    plan = build(
        connections=args.connections,
        answers=args.answers,
        history=args.history,
        cohort_size=args.cohort,
        cohort_answers=args.cohort_answers,
        seed=args.seed,
    )
    args.plan.write_text(json.dumps(plan))


if __name__ == "__main__":
    main()
