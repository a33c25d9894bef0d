"""A realistic population of learners for load and scale testing (`manage.py populate`).

Learners are stronger and weaker (an ability each), questions easier and harder (a difficulty each); an answer is
right with the logistic of ability minus difficulty, and a learner is surer when right. A few learners answer
thousands of questions, most answer tens. Everything goes in with bulk_create, a batch of learners per transaction,
so 200,000 answers take minutes, not hours; what the services would compute (the version, the score, the review
card) is computed here by the same code: `quizzes.versions.version_for`, `quizzes.scoring` and the FSRS scheduler
of `quizzes.services`.

Every account made here has a username starting with PREFIX and an email at DOMAIN; deleting the population looks
for both, so no other account is ever touched.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from fsrs import Card, Rating

from calcinosis.authoring import GROUP
from calcinosis.models import CalcinosisType, Differential
from cases.models import Case, CaseProgress, Commitment, Hypothesis, Stage, offered_hypotheses
from cases.reasoning import decision_score
from quizzes import scoring, versions
from quizzes.models import Attempt, AttemptQuestion, Flag, Kind, Note, Question, Response, ReviewCard
from quizzes.services import MAX_QUESTIONS, SCHEDULER
from teach.models import Cohort

PREFIX = "pop-"
DOMAIN = "populate.invalid"
INSTRUCTORS = 3
BATCH_RESPONSES = 5000  # answers written per transaction
HEAVY_ANSWERS = 2000  # the heavy learner has at least min(this, responses / 10)
HISTORY_DAYS = 180


class PopulationError(Exception):
    """A request the command turns into a CommandError."""


COHORT = "Populated cohort"


def learner_name(i: int) -> str:
    return f"{PREFIX}learner-{i:04d}"


def instructor_name(i: int) -> str:
    return f"{PREFIX}instructor-{i:02d}"


def population_accounts():
    """The accounts populate made: the prefix and the reserved email domain, both."""
    return get_user_model().objects.filter(username__startswith=PREFIX, email__endswith=f"@{DOMAIN}")


@transaction.atomic
def population_delete() -> int:
    """Delete every account populate made, and with them (cascading) everything they did; returns how many."""
    accounts = population_accounts()
    count = accounts.count()
    # Its cohort (only one taught by populate's instructors, never an instructor's own of the same name), then them.
    Cohort.objects.filter(name=COHORT, instructors__in=accounts).delete()
    accounts.delete()
    return count


def check_sizes(learners: int, responses: int) -> None:
    if learners < 0 or responses < 0:
        raise PopulationError("--learners and --responses must be zero or more.")
    if responses and not learners:
        raise PopulationError("Responses need learners to give them: pass --learners 1 or more.")


def answer_counts(learners: int, responses: int, rng: random.Random) -> list[int]:
    """How many answers each learner gives, summing to `responses`: heavy-tailed (a few thousands, most tens), the
    first learner guaranteed at least min(HEAVY_ANSWERS, responses / 10) and the most of anyone."""
    if not learners:
        return []
    heavy = responses if learners == 1 else min(HEAVY_ANSWERS, responses // 10)
    floor = min(10, (responses - heavy) // (2 * (learners - 1))) if learners > 1 else 0
    rest = responses - heavy - floor * (learners - 1)
    weights = [rng.lognormvariate(0, 1.3) for _ in range(learners - 1)]
    total = sum(weights) or 1
    shares = [floor + rest * w / total for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in by_remainder[: responses - heavy - sum(counts)]:
        counts[i] += 1
    counts = [heavy, *counts]
    top = max(range(learners), key=counts.__getitem__)
    counts[0], counts[top] = counts[top], counts[0]
    return counts


def logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass
class Item:
    """A question as the population answers it: its live options, its current version and a difficulty."""

    question: Question
    options: list
    version_id: int
    difficulty: float

    @property
    def pk(self) -> int:
        return self.question.pk

    def answer(self, rng: random.Random, right: bool) -> tuple[list[int], Decimal | None, Decimal]:
        """Options chosen (or a value) and their score: the key when `right`, a plausible slip otherwise."""
        q = self.question
        if q.kind == Kind.NUMERIC:
            value = Decimal(q.answer) if right else Decimal(q.answer) + (q.tolerance + 1) * rng.choice((-3, -1, 1, 2))
            return [], value, scoring.score_numeric(q.answer, q.tolerance, value)
        correct = [c.pk for c in self.options if c.is_correct]
        wrong = [c.pk for c in self.options if not c.is_correct and not c.is_neutral]
        neutral = {c.pk for c in self.options if c.is_neutral}
        if q.kind == Kind.SINGLE:
            chosen = [correct[0]] if right or not wrong else [rng.choice(wrong)]
            return chosen, None, scoring.score_single(set(correct), set(chosen), scoring.option_fractions(self.options))
        chosen = list(correct)
        if not right:
            if len(chosen) > 1 and rng.random() < 0.6:
                chosen.remove(rng.choice(chosen))
            if wrong and (rng.random() < 0.7 or chosen == correct):
                chosen.append(rng.choice(wrong))
        if neutral and rng.random() < 0.3:
            chosen.append(rng.choice(sorted(neutral)))
        fractions = scoring.option_fractions(self.options)
        return chosen, None, scoring.score_partial(set(correct), set(chosen), neutral, fractions)


@dataclass
class CaseInfo:
    case: Case
    stages: list
    questions: list  # Items of the case's published questions, in stage order
    known: tuple  # hypotheses(): types and mimics, slug to name


@dataclass
class Bank:
    items: list
    cases: list
    types: dict  # slug -> pk
    mimics: dict  # slug -> pk


def bank_load(rng: random.Random) -> Bank:
    """The quiz bank and the published cases, each question with its current version (cut now if need be)."""
    # Calculated questions are left out: their answers depend on values drawn per attempt, which bulk rows lack.
    questions = Question.objects.published().exclude(kind="calculated").prefetch_related("choices").order_by("pk")
    items = {}
    for question in questions:
        every = list(question.choices.all())
        options = [c for c in every if not c.is_retired]
        if question.answerability_problems([{"is_correct": c.is_correct, "is_neutral": c.is_neutral} for c in options]):
            continue
        version = versions.version_for(question, every)
        items[question.pk] = Item(question, options, version.pk, rng.gauss(0, 1))
    types = dict(CalcinosisType.objects.values_list("slug", "pk"))
    mimics = dict(Differential.objects.values_list("slug", "pk"))
    known = (dict.fromkeys(types, ""), dict.fromkeys(mimics, ""))
    cases = []
    for case in Case.objects.published().prefetch_related("stages__mimics").order_by("pk"):
        stages = list(case.stages.all())
        asked = [i for i in items.values() if i.question.case_id == case.pk]
        order = {s.pk: s.order for s in stages}
        asked.sort(key=lambda i: (order.get(i.question.stage_id, 0), i.pk))
        cases.append(CaseInfo(case, stages, asked, known))
    quiz_items = [i for i in items.values() if i.question.case_id is None]
    if not quiz_items:
        raise PopulationError("The question bank is empty: run `manage.py migrate` to load the starter content.")
    return Bank(quiz_items, cases, types, mimics)


@dataclass
class Batch:
    """Unsaved rows of a few learners, written together in one transaction."""

    attempts: list = field(default_factory=list)
    slots: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    picks: list = field(default_factory=list)  # (response, choice id)
    cards: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    progress: list = field(default_factory=list)
    commitments: list = field(default_factory=list)
    hypotheses: list = field(default_factory=list)  # (commitment, rank, type pk, mimic pk)

    @transaction.atomic
    def save(self) -> None:
        size = 2000
        Attempt.objects.bulk_create(self.attempts, batch_size=size)
        AttemptQuestion.objects.bulk_create(self.slots, batch_size=size)
        Response.objects.bulk_create(self.responses, batch_size=size)
        through = Response.choices.through
        picks = [through(response_id=r.pk, choice_id=c) for r, c in self.picks]
        through.objects.bulk_create(picks, batch_size=size)
        ReviewCard.objects.bulk_create(self.cards, batch_size=size)
        Flag.objects.bulk_create(self.flags, batch_size=size)
        Note.objects.bulk_create(self.notes, batch_size=size)
        CaseProgress.objects.bulk_create(self.progress, batch_size=size)
        Commitment.objects.bulk_create(self.commitments, batch_size=size)
        rows = [Hypothesis(commitment=c, rank=r, ctype_id=t, mimic_id=m) for c, r, t, m in self.hypotheses]
        Hypothesis.objects.bulk_create(rows, batch_size=size)


CERTAINTY_RIGHT = (("sure", 0.6), ("unsure", 0.3), ("guess", 0.1))
CERTAINTY_WRONG = (("sure", 0.15), ("unsure", 0.45), ("guess", 0.4))


def _certainty(rng: random.Random, right: bool) -> str:
    table = CERTAINTY_RIGHT if right else CERTAINTY_WRONG
    return rng.choices([c for c, _ in table], weights=[w for _, w in table])[0]


class LearnerHistory:
    """One learner's answers, case progress, review cards, flags and notes, added to a batch."""

    def __init__(self, *, learner_id: int, answers: int, bank: Bank, rng: random.Random, batch: Batch, now: datetime):
        self.learner_id, self.budget, self.bank, self.rng, self.batch = learner_id, answers, bank, rng, batch
        self.ability = rng.gauss(0, 1)
        self.now = now
        self.reviewed: list[tuple[Response, int]] = []  # (response, rating), for the cards, oldest first
        self.wrong: list[int] = []

    def build(self) -> None:
        self._cases()
        self._quizzes()
        self._cards()
        self._flags_and_notes()

    def _respond(self, attempt: Attempt, item: Item, when: datetime, scheduled: bool) -> Response:
        right = self.rng.random() < logistic(self.ability - item.difficulty)
        chosen, value, score = item.answer(self.rng, right)
        certainty = _certainty(self.rng, score == 1)
        response = Response(
            attempt=attempt,
            question_id=item.pk,
            version_id=item.version_id,
            value=value,
            certainty=certainty,
            score=score,
            is_correct=score == 1,
            answered_at=when,
        )
        self.batch.responses.append(response)
        self.batch.picks.extend((response, c) for c in chosen)
        if scheduled:
            self.reviewed.append((response, scoring.review_rating(score, certainty)))
        if score < 1:
            self.wrong.append(item.pk)
        self.budget -= 1
        return response

    def _quizzes(self) -> None:
        """Quizzes and exams of 10 to 40 questions spread over the last months; the last one may be left open."""
        sizes = []
        left = self.budget
        while left > 0:
            sizes.append(min(left, self.rng.randint(10, 40), len(self.bank.items)))
            left -= sizes[-1]
        open_last = bool(sizes) and self.rng.random() < 0.3
        for n, answered in enumerate(sizes):
            is_open = open_last and n == len(sizes) - 1
            exam = self.rng.random() < 0.2
            size = min(answered + (self.rng.randint(1, 10) if is_open else 0), len(self.bank.items), MAX_QUESTIONS)
            if is_open:
                started = self.now - timedelta(seconds=45 * (answered + 1))
            else:
                days_ago = HISTORY_DAYS * (len(sizes) - n) / len(sizes)
                started = self.now - timedelta(days=days_ago, hours=1 + self.rng.random() * 6)
            self._quiz(self.rng.sample(self.bank.items, size), answered, started, exam, is_open)

    def _quiz(self, items: list, answered: int, started: datetime, exam: bool, is_open: bool) -> None:
        attempt = Attempt(
            learner_id=self.learner_id,
            mode=Attempt.Mode.EXAM if exam else Attempt.Mode.TUTOR,
            topics=sorted({i.question.topic for i in items}),
            started=started,
            deadline=started + timedelta(seconds=90 * len(items) + (1800 if is_open else 0)) if exam else None,
        )
        self.batch.attempts.append(attempt)
        when = started
        for position, item in enumerate(items, 1):
            self.batch.slots.append(AttemptQuestion(attempt=attempt, question_id=item.pk, position=position))
            if position <= answered:
                when = started + timedelta(seconds=45 * position)
                # An exam's answers enter review only once it is finished (quizzes.services.attempt_finish).
                self._respond(attempt, item, when, scheduled=not (exam and is_open))
        if not is_open:
            attempt.finished = when + timedelta(seconds=30)

    def _cases(self) -> None:
        """Some published cases started, stages revealed, decisions committed and open case questions answered."""
        if not self.bank.cases or self.rng.random() < 0.4:
            return
        for info in self.rng.sample(self.bank.cases, min(len(self.bank.cases), self.rng.randint(1, 4))):
            self._case(info)

    def _case(self, info: CaseInfo) -> None:
        started = self.now - timedelta(days=self.rng.random() * HISTORY_DAYS)
        attempt = None
        if info.questions:
            attempt = Attempt(learner_id=self.learner_id, mode=Attempt.Mode.CASE, started=started)
            self.batch.attempts.append(attempt)
            for position, item in enumerate(info.questions, 1):
                self.batch.slots.append(AttemptQuestion(attempt=attempt, question_id=item.pk, position=position))
        revealed = self.rng.randint(0, len(info.stages))
        progress = CaseProgress(learner_id=self.learner_id, case=info.case, revealed=revealed, attempt=attempt)
        self.batch.progress.append(progress)
        committed = set()
        for n, stage in enumerate(info.stages[:revealed], 1):
            # Only the stage shown last may still wait for its decision (cases.services.stage_reveal).
            if stage.decision and (n < revealed or self.rng.random() < 0.7):
                self._commit(progress, stage, info)
                committed.add(stage.pk)
        shown = info.stages[:revealed]
        done = revealed == len(info.stages) and all(not s.decision or s.pk in committed for s in shown)
        if done:
            progress.completed = started + timedelta(minutes=20)
        open_stages = {s.pk for s in shown if not s.decision or s.pk in committed}
        when = started
        for item in info.questions:
            if self.budget <= 0 or not (done or item.question.stage_id in open_stages):
                continue
            when += timedelta(seconds=60)
            self._respond(attempt, item, when, scheduled=True)

    def _commit(self, progress: CaseProgress, stage: Stage, info: CaseInfo) -> None:
        types, mimics = offered_hypotheses(stage, info.known)
        expert = stage.expert_answer
        right = self.rng.random() < logistic(self.ability + 0.3)
        if stage.decision == Stage.Decision.TYPE:
            ranking = [expert if right else self.rng.choice([t for t in types if t != expert] or [expert])]
        else:
            others = self.rng.sample([h for h in [*types, *mimics] if h != expert], 3)
            if right:
                ranking = [expert, *others[:2]]
            else:  # the expert's answer second or third (half credit), or missing
                rest = [expert, others[1]] if self.rng.random() < 0.5 else others[1:]
                ranking = [others[0], *self.rng.sample(rest, 2)]
        commitment = Commitment(
            progress=progress,
            stage=stage,
            certainty=_certainty(self.rng, right),
            score=decision_score(stage.decision, ranking, expert),
        )
        self.batch.commitments.append(commitment)
        for rank, slug in enumerate(ranking, 1):
            ctype = self.bank.types.get(slug)
            self.batch.hypotheses.append((commitment, rank, ctype, None if ctype else self.bank.mimics[slug]))

    def _cards(self) -> None:
        """Each answered question's FSRS card, reviewed once per answer in the order given."""
        cards: dict[int, tuple[Card, int, int]] = {}
        for response, rating in sorted(self.reviewed, key=lambda r: r[0].answered_at):
            # A card_id given: without one, fsrs sleeps a millisecond per new card to keep its clock-based ids apart.
            first = Card(card_id=int(response.answered_at.timestamp() * 1000))
            card, reviews, _ = cards.get(response.question_id, (first, 0, 0))
            card, _ = SCHEDULER.review_card(card, Rating(rating), review_datetime=response.answered_at)
            cards[response.question_id] = (card, reviews + 1, rating)
        self.batch.cards.extend(
            ReviewCard(
                learner_id=self.learner_id,
                question_id=question_id,
                state=card.to_dict(),
                due=card.due,
                reviews=reviews,
                last_rating=rating,
            )
            for question_id, (card, reviews, rating) in cards.items()
        )

    def _flags_and_notes(self) -> None:
        wrong = sorted(set(self.wrong))
        if wrong and self.rng.random() < 0.25:
            for pk in self.rng.sample(wrong, min(len(wrong), self.rng.randint(1, 5))):
                self.batch.flags.append(Flag(learner_id=self.learner_id, question_id=pk))
        if wrong and self.rng.random() < 0.12:
            for pk in self.rng.sample(wrong, min(len(wrong), self.rng.randint(1, 3))):
                text = self.rng.choice(NOTES)
                self.batch.notes.append(Note(learner_id=self.learner_id, question_id=pk, text=text))


NOTES = (
    "Mixed this up with dystrophic again: check the calcium and phosphate first.",
    "Remember: normal labs point away from metastatic.",
    "Look at the distribution before the labs.",
    "Read the reference section on this one.",
)


def _accounts(learners: int, password: str | None) -> tuple[list[int], list[int]]:
    """The learners and instructors, with one hash for every account (hashing thousands would take minutes)."""
    User = get_user_model()
    hashed = make_password(password)  # None gives an unusable password
    learner_rows = [
        User(username=learner_name(i), email=f"{learner_name(i)}@{DOMAIN}", password=hashed)
        for i in range(1, learners + 1)
    ]
    teacher_rows = [
        User(username=instructor_name(i), email=f"{instructor_name(i)}@{DOMAIN}", password=hashed, is_staff=True)
        for i in range(1, INSTRUCTORS + 1)
    ]
    with transaction.atomic():
        User.objects.bulk_create(learner_rows + teacher_rows, batch_size=2000)
        saved = {u.username: u.pk for u in population_accounts()}
        group = Group.objects.get(name=GROUP)
        group.user_set.add(*[saved[u.username] for u in teacher_rows])
        # One cohort, taught by every instructor, holds every learner: an instructor sees their own cohorts only.
        cohort = Cohort.objects.create(name=COHORT)
        cohort.instructors.add(*[saved[u.username] for u in teacher_rows])
        Member = Cohort.learners.through
        members = [Member(cohort=cohort, user_id=saved[u.username]) for u in learner_rows]
        Member.objects.bulk_create(members, batch_size=2000)
    return [saved[u.username] for u in learner_rows], [saved[u.username] for u in teacher_rows]


@dataclass(frozen=True)
class Built:
    learners: int
    instructors: list[str]
    responses: int
    heavy: str | None
    heavy_answers: int


def population_build(
    *,
    learners: int,
    responses: int,
    seed: int = 1,
    password: str | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Built:
    """Make the population; `progress(done, total)` is called after each batch (answers written so far)."""
    check_sizes(learners, responses)
    rng = random.Random(seed)
    bank = bank_load(rng)
    counts = answer_counts(learners, responses, rng)
    learner_ids, instructor_ids = _accounts(learners, password)
    now = timezone.now()
    batch, done = Batch(), 0
    progress(0, responses)
    for learner_id, answers in zip(learner_ids, counts, strict=True):
        LearnerHistory(learner_id=learner_id, answers=answers, bank=bank, rng=rng, batch=batch, now=now).build()
        if len(batch.responses) >= BATCH_RESPONSES:
            batch.save()
            done += len(batch.responses)
            progress(done, responses)
            batch = Batch()
    batch.save()
    progress(done + len(batch.responses), responses)
    return Built(
        learners=learners,
        instructors=[instructor_name(i) for i in range(1, len(instructor_ids) + 1)],
        responses=responses,
        heavy=learner_name(1) if learners else None,
        heavy_answers=counts[0] if counts else 0,
    )
