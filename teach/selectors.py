"""Reads for the instructors' pages: the cohort's figures and the item analysis, each a fixed number of queries.

Nothing here runs a subquery per learner or per answer: each figure is one grouped query, merged in Python by id.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Avg, Count, F, FloatField, Max, Prefetch, Q, QuerySet, Window
from django.db.models.functions import Cast, RowNumber
from django.http import Http404

from calcinosis.authoring import instructors_q
from cases.models import Case, CaseProgress, Commitment, Hypothesis, Stage
from quizzes import hooks, versions
from quizzes.models import (
    Attempt,
    Choice,
    DeletedAnswerTally,
    Flag,
    Kind,
    ProblemReport,
    Question,
    QuestionVersion,
    Response,
    Topic,
)
from quizzes.selectors import confusion_matrix, topic_accuracy, type_confusion
from teach import itemstats
from teach.models import Cohort, ItemAnalysis

PER_PAGE = 50
COLUMNS = [
    ("username", "Learner"),
    ("answers", "Answers"),
    ("accuracy", "Accuracy"),
    ("quizzes_finished", "Quizzes finished"),
    ("cases_completed", "Cases completed"),
    ("reasoning", "Case reasoning"),
    ("last_answer", "Last answer"),
]
# ?sort= values: the sortable columns. Sorting by a figure needs everyone's; by name, only the page's are read.
SORTS = {"username", "answers", "accuracy", "last_answer"}


def open_reports():
    return ProblemReport.objects.open().select_related("reporter").order_by("created")


# The cohort


@dataclass
class LearnerRow:
    pk: int
    username: str
    email: str
    date_joined: datetime
    answers: int = 0
    accuracy: Decimal | None = None
    last_answer: datetime | None = None
    quizzes_finished: int = 0
    cases_completed: int = 0
    reasoning: Decimal | None = None


@dataclass(frozen=True)
class Sort:
    """The learner table's order, parsed from ?sort=: a column of SORTS, "-" first for descending; anything else
    is the default, by name."""

    key: str = "username"
    descending: bool = False

    @classmethod
    def parse(cls, value: str | None) -> "Sort":
        value = value or ""
        key = value.removeprefix("-")
        return cls(key, value.startswith("-")) if key in SORTS else cls()

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


@dataclass
class LearnerTable:
    page: Page
    rows: list[LearnerRow]
    sort: Sort
    count: int
    page_range: list = field(default_factory=list)
    columns: list[dict] = field(default_factory=list)

    @property
    def sorted_by(self) -> str:
        """The order in words, for the table's caption."""
        label = dict(COLUMNS)[self.sort.key].lower()
        return f"{label}, {'descending' if self.sort.descending else 'ascending'}"


def learners() -> QuerySet:
    """Every account but instructors and other staff."""
    users = get_user_model().objects
    return users.exclude(pk__in=users.filter(instructors_q() | Q(is_staff=True) | Q(is_superuser=True)).values("pk"))


# Whose figures an instructor sees


@dataclass(frozen=True)
class Scope:
    """The learners a teaching page reports on: one of the instructor's cohorts, or all of them together.

    An instructor sees the learners of their own cohorts and nobody else; a superuser, who runs the site, sees every
    cohort and, with none chosen, every learner."""

    cohorts: tuple  # the cohorts the instructor may choose from, by name
    cohort: Cohort | None  # the one chosen, or None for all of them
    everyone: bool = False  # a superuser with no cohort chosen

    @property
    def label(self) -> str:
        if self.cohort is not None:
            return self.cohort.name
        return "Every learner" if self.everyone else "All your cohorts"

    def learners(self) -> QuerySet:
        if self.everyone:
            return learners()
        return members_of([self.cohort] if self.cohort is not None else list(self.cohorts))


def members_of(cohorts) -> QuerySet:
    """The learners in any of these cohorts (a list or a QuerySet of them)."""
    return learners().filter(pk__in=Cohort.learners.through.objects.filter(cohort__in=cohorts).values("user_id"))


def learners_taught_by(user) -> QuerySet:
    """The learners a teacher may open: those of the cohorts they teach; a superuser, every learner."""
    return learners() if user.is_superuser else members_of(Cohort.objects.filter(instructors=user))


def scope_for(user, cohort: str | None) -> Scope:
    """The instructor's scope from ?cohort=: a cohort of theirs by id, else all of theirs; one query. A cohort that
    is not theirs (or not a number) is a 404, never another instructor's learners."""
    cohorts = tuple(Cohort.objects.taught_by(user).annotate(size=Count("learners", distinct=True)))
    if not cohort:
        return Scope(cohorts=cohorts, cohort=None, everyone=user.is_superuser)
    chosen = next((c for c in cohorts if str(c.pk) == cohort), None)
    if chosen is None:
        raise Http404("No cohort of yours has that number.")
    return Scope(cohorts=cohorts, cohort=chosen)


def cohort_learners(people: QuerySet) -> list[LearnerRow]:
    """These learners with their figures, by name (the grade report): five queries, however many learners."""
    users = people.order_by("username").only("pk", "username", "email", "date_joined")
    return _rows(list(users), _answer_figures(people.values("pk")), people.values("pk"))


def learner_table(*, people: QuerySet, sort: Sort, page: str | None) -> LearnerTable:
    """One page of the learner table in the given order, with its figures: six queries, however many learners."""
    ordered = list(people.order_by("username").values_list("pk", flat=True))
    answers = None
    if sort.key != "username":
        answers = _answer_figures(people.values("pk"))
        ordered = _sorted_by(ordered, {pk: getattr(answers.get(pk, NO_ANSWERS), sort.key) for pk in ordered}, sort)
    elif sort.descending:
        ordered.reverse()
    paginator = Paginator(ordered, PER_PAGE)
    current = paginator.page(_page_number(page, paginator.num_pages))
    ids = list(current.object_list)
    if answers is None:
        answers = _answer_figures(ids)
    users = get_user_model().objects.only("pk", "username", "email", "date_joined").in_bulk(ids)
    return LearnerTable(
        page=current,
        rows=_rows([users[pk] for pk in ids], answers, ids),
        sort=sort,
        count=paginator.count,
        page_range=list(paginator.get_elided_page_range(current.number, on_each_side=2, on_ends=1)),
        columns=_columns(sort),
    )


def _page_number(value: str | None, last: int) -> int:
    """The page asked for, or the nearest that exists: a page that is not a number is the first."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), last)


def _sorted_by(ordered: list[int], values: dict, sort: Sort) -> list[int]:
    """Learners by a figure (ties and learners without one in name order, the latter always last)."""
    # sorted() is stable even with reverse=True, so ties keep name order in both directions.
    known = sorted((pk for pk in ordered if values[pk] is not None), key=values.get, reverse=sort.descending)
    return known + [pk for pk in ordered if values[pk] is None]


def _columns(sort: Sort) -> list[dict]:
    """The table's headings; a sortable one carries the ?sort= it links to (the other direction when it is the
    current one) and, when current, its aria-sort."""
    columns = []
    for key, label in COLUMNS:
        current = sort.key == key
        columns.append(
            {
                "label": label,
                "param": (f"-{key}" if current and not sort.descending else key) if key in SORTS else None,
                "aria_sort": ("descending" if sort.descending else "ascending") if current else None,
            }
        )
    return columns


@dataclass(frozen=True)
class AnswerFigures:
    answers: int
    accuracy: Decimal | None
    last_answer: datetime | None


NO_ANSWERS = AnswerFigures(0, None, None)


def _answer_figures(ids) -> dict[int, AnswerFigures]:
    """Answers, mean mark and last answer per learner: one grouped query for `ids` (a list or a subquery of ids).
    A running exam's answers wait until it is submitted, as they do on the learner's own progress page."""
    responses = Response.objects.counted().order_by().filter(attempt__learner__in=ids)
    rows = responses.values_list("attempt__learner").annotate(Count("pk"), Avg("score"), Max("answered_at"))
    return {learner: AnswerFigures(n, accuracy, last) for learner, n, accuracy, last in rows}


def _per_learner(queryset, learner: str, aggregate, ids) -> dict:
    """One figure per learner in one grouped query, for `ids` (a list or a subquery of ids)."""
    queryset = queryset.filter(**{f"{learner}__in": ids})
    return dict(queryset.order_by().values_list(learner).annotate(aggregate))


def _rows(users: list, answers: dict[int, AnswerFigures], ids) -> list[LearnerRow]:
    finished = _per_learner(Attempt.objects.quizzes().filter(finished__isnull=False), "learner", Count("pk"), ids)
    # Cases, not takes: a case completed twice (a retake) counts once.
    completed = _per_learner(
        CaseProgress.objects.filter(completed__isnull=False), "learner", Count("case", distinct=True), ids
    )
    reasoning = _per_learner(Commitment.objects.all(), "progress__learner", Avg("score"), ids)
    rows = []
    for user in users:
        figures = answers.get(user.pk, NO_ANSWERS)
        rows.append(
            LearnerRow(
                pk=user.pk,
                username=user.username,
                email=user.email,
                date_joined=user.date_joined,
                answers=figures.answers,
                accuracy=figures.accuracy,
                last_answer=figures.last_answer,
                quizzes_finished=finished.get(user.pk, 0),
                cases_completed=completed.get(user.pk, 0),
                reasoning=reasoning.get(user.pk),
            )
        )
    return rows


@dataclass(frozen=True)
class GradeColumns:
    """The grade report's columns beyond the learner table's: accuracy per topic and reasoning per case."""

    topics: list[tuple[str, str]]  # (value, label) of quizzes.models.Topic
    cases: list  # published cases, in teaching order
    topic_accuracy: dict[tuple[int, str], Decimal]  # (learner, topic) -> mean mark
    case_reasoning: dict[tuple[int, int], Decimal]  # (learner, case) -> mean decision score of their first take


def grade_columns(people: QuerySet) -> GradeColumns:
    """Per learner, the accuracy on each topic and the reasoning score on each case completed (its first take, the
    one not rehearsed): three queries, however many learners, topics and cases."""
    ids = people.values("pk")
    by_topic = (
        Response.objects.counted()
        .filter(attempt__learner__in=ids)
        .order_by()
        .values_list("attempt__learner", "question__topic")
        .annotate(Avg("score"))
    )
    by_case = (
        Commitment.objects.filter(progress__learner__in=ids, progress__number=1, progress__completed__isnull=False)
        .order_by()
        .values_list("progress__learner", "progress__case")
        .annotate(Avg("score"))
    )
    return GradeColumns(
        topics=list(Topic.choices),
        cases=list(Case.objects.published().in_teaching_order()),
        topic_accuracy={(learner, topic): mark for learner, topic, mark in by_topic},
        case_reasoning={(learner, case): mark for learner, case, mark in by_case},
    )


def learner_detail(learner) -> dict:
    """One learner as their instructor sees them: the table's figures, accuracy per topic, the types they confuse
    (quizzes and case decisions) and each case take with the decision at every stage against the expert's."""
    ids = [learner.pk]
    takes = (
        CaseProgress.objects.filter(learner=learner)
        .select_related("case")
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related(
                    "stage__expert_type", "stage__expert_mimic"
                ).prefetch_related(
                    Prefetch("hypotheses", queryset=Hypothesis.objects.select_related("ctype", "mimic"))
                ),
            )
        )
        .order_by("case__title", "number")
    )
    return {
        "row": _rows([learner], _answer_figures(ids), ids)[0],
        "topics": topic_accuracy(Response.objects.counted().filter(attempt__learner=learner)),
        "confusion": type_confusion(learner),
        "takes": [
            {
                "progress": take,
                "decisions": [
                    {
                        "stage": c.stage,
                        "chosen": [h.ctype or h.mimic for h in sorted(c.hypotheses.all(), key=lambda h: h.rank)],
                        "expert": c.stage.expert_type or c.stage.expert_mimic,
                        "score": c.score,
                        "certainty": c.get_certainty_display(),
                    }
                    for c in take.commitments.all()
                ],
            }
            for take in takes
        ],
    }


def cohort_overview(people: QuerySet | None = None) -> dict:
    """These learners' accuracy by topic and the types they confuse (every account's when people is None)."""
    responses = Response.objects.counted()  # a running exam's marks stay hidden, as from the learner
    if people is not None:
        responses = responses.filter(attempt__learner__in=people.values("pk"))
    return {"topics": topic_accuracy(responses), "confusion": cohort_type_confusion(people)}


def cohort_type_confusion(people: QuerySet | None = None) -> dict:
    """quizzes.selectors.type_confusion(None), the cohort's matrix, from grouped counts instead of a subquery per
    answer: each single-answer question's right type is read once, the options chosen are counted per option (less
    those in exams still running, whose marks nobody may see yet) and folded in Python."""
    right, option_types = {}, {}
    options = Choice.objects.filter(question__kind=Kind.SINGLE).order_by("question", "order", "pk")
    for pk, question, ctype, is_correct in options.values_list("pk", "question", "ctype", "is_correct"):
        if is_correct:
            right.setdefault(question, ctype)  # the first correct option's type, as the matrix has always read it
        if ctype is not None:
            option_types[pk] = (question, ctype)
    picks = Response.choices.through.objects.filter(choice__in=list(option_types)).order_by()
    if people is not None:
        picks = picks.filter(response__attempt__learner__in=people.values("pk"))
    running = Q(response__attempt__mode=Attempt.Mode.EXAM, response__attempt__finished__isnull=True)
    counts = Counter()
    for queryset, sign in ((picks, 1), (picks.filter(running), -1)):
        for choice, n in queryset.values_list("choice").annotate(Count("pk")):
            question, chosen = option_types[choice]
            if right.get(question) is not None:
                counts[(right[question], chosen)] += sign * n
    counts = +counts  # drop pairs that only running exams had
    for source in hooks.type_confusion_sources:
        for right_type, chosen, n in source(people):
            counts[(right_type, chosen)] += n
    return confusion_matrix(counts)


# Item analysis


@dataclass(frozen=True)
class Period:
    """The answers an item analysis reads: first answers given from `since` up to (not including) `until`; None is
    open-ended. Period() is every first answer."""

    since: datetime | None = None
    until: datetime | None = None

    @property
    def whole(self) -> bool:
        return self.since is None and self.until is None


def first_answers(period: Period = Period()) -> tuple[str, list]:
    """SQL (and its parameters) for each learner's first answer to each question, as Moodle's statistics read first
    attempts: later answers (a retry, a review, a retake) are practice, not a measure of the item. Columns: id,
    learner, item (the version answered), mark (a float). A running exam's answers wait until it is submitted."""
    ranked = (
        Response.objects.counted()
        .order_by()
        .annotate(
            nth=Window(
                RowNumber(),
                partition_by=[F("attempt__learner"), F("question")],
                order_by=[F("answered_at").asc(), F("pk").asc()],
            )
        )
        .values("pk", "answered_at", "nth", learner=F("attempt__learner"), item=F("version"))
        .annotate(mark=Cast("score", FloatField()))
    )
    sql, params = ranked.query.sql_with_params()
    where, extra = ["ranked.nth = 1"], []
    if period.since is not None:
        where.append("ranked.answered_at >= %s")
        extra.append(period.since)
    if period.until is not None:
        where.append("ranked.answered_at < %s")
        extra.append(period.until)
    columns = "ranked.pk AS id, ranked.learner, ranked.item, ranked.mark"
    firsts = f"SELECT {columns} FROM ({sql}) ranked WHERE {' AND '.join(where)}"
    return firsts, [*params, *extra]


def item_figures(period: Period = Period()) -> dict[int, dict]:
    """Per question version anyone answered first (quiz-bank and case questions): learners (n), facility,
    discrimination, answers and the picks of each option; over the whole history, deleted accounts' anonymous
    tallies are included (in all but discrimination). Three queries; the (learner, item) rows stay in the database."""
    sums, answers = item_sums(period)
    picks: dict[int, Counter] = defaultdict(Counter)
    firsts, params = first_answers(period)
    through = Response.choices.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.item, c.choice_id, COUNT(*) FROM ({firsts}) f JOIN {through} c ON c.response_id = f.id "
            "GROUP BY f.item, c.choice_id",
            params,
        )
        for version, choice, n in cursor.fetchall():
            picks[version][str(choice)] += n
    tallies = {t.version_id: t for t in DeletedAnswerTally.objects.all()} if period.whole else {}
    figures = {}
    for version in sums.keys() | tallies.keys():
        tally = tallies.get(version) or DeletedAnswerTally()
        stats = itemstats.from_sums(
            sums.get(version) or itemstats.ItemSums(n=0, score_sum=0.0),
            extra_n=tally.learners,
            extra_score_sum=tally.score_sum,
        )
        figures[version] = {
            "n": stats.n,
            "facility": stats.facility,
            "discrimination": stats.discrimination,
            "answers": answers.get(version, 0) + tally.answers,
            "picks": dict(picks[version] + Counter(tally.picks)),
        }
    return figures


ITEM_SUMS_SQL = """
WITH pairs AS ({pairs}),
totals AS (SELECT learner, SUM(mark) AS total, COUNT(*) AS k FROM pairs GROUP BY learner),
scored AS (
    SELECT p.item, p.mark, p.answers, CASE WHEN t.k > 1 THEN (t.total - p.mark) / (t.k - 1) END AS rest
    FROM pairs p JOIN totals t ON t.learner = p.learner
),
usable AS (SELECT item, mark, answers, rest, CASE WHEN rest IS NOT NULL THEN mark END AS x FROM scored)
SELECT item, COUNT(*), SUM(mark), SUM(answers), COUNT(rest), SUM(x), SUM(rest), SUM(x * x), SUM(rest * rest),
    SUM(x * rest), MIN(x), MAX(x), MIN(rest), MAX(rest)
FROM usable GROUP BY item
"""


def item_sums(period: Period = Period()) -> tuple[dict[int, itemstats.ItemSums], dict[int, int]]:
    """teach.itemstats.analyse's sums per question version, added up by the database in one query, from each
    learner's first answer to each question (the pairs): each learner's total over their items, and per version the
    sums of the pair marks against the learner's mean elsewhere. Also each version's number of first answers."""
    firsts, params = first_answers(period)
    pairs = f"SELECT learner, item, mark, 1 AS answers FROM ({firsts}) f"
    with connection.cursor() as cursor:
        cursor.execute(ITEM_SUMS_SQL.format(pairs=pairs), params)
        rows = cursor.fetchall()
    sums, answers = {}, {}
    for item, n, score_sum, n_answers, usable, sx, sy, sxx, syy, sxy, min_x, max_x, min_y, max_y in rows:
        answers[item] = int(n_answers)  # PostgreSQL sums a count as numeric
        sums[item] = itemstats.ItemSums(
            n=n,
            score_sum=score_sum,
            usable=usable,
            sum_x=sx or 0.0,
            sum_y=sy or 0.0,
            sum_xx=sxx or 0.0,
            sum_yy=syy or 0.0,
            sum_xy=sxy or 0.0,
            constant=usable > 0 and (min_x == max_x or min_y == max_y),
        )
    return sums, answers


def item_rows(period: Period = Period()) -> list[dict]:
    """The item analysis as calculated now: every published question (the quiz bank's and the cases'), one row per
    version anyone answered first, with its figures and how often each option was chosen, as that version keyed it (a
    question nobody answered gets one empty row); items worth a look first. JSON-ready, for
    teach.models.ItemAnalysis: the page reads it without a query."""
    figures = item_figures(period)
    answered = QuestionVersion.objects.filter(pk__in=figures)
    questions = (
        Question.objects.published()
        .select_related("case")
        .prefetch_related("choices", Prefetch("versions", queryset=answered))
    )
    rows = []
    for question in questions:
        for version in question.versions.all() or [None]:
            data = figures[version.pk] if version else None
            stats = itemstats.ItemStats(data["n"], data["facility"], data["discrimination"]) if data else None
            content = version.content if version else versions.content_of(question, question.choices.all())
            rows.append(
                {
                    "question": question.pk,
                    "slug": question.slug,
                    "case": question.case.title if question.case_id else None,
                    "topic": question.get_topic_display(),
                    "kind": question.kind,
                    "version": version.number if version else None,
                    "n": stats.n if stats else 0,
                    "facility": stats.facility if stats else None,
                    "discrimination": stats.discrimination if stats else None,
                    "answer": content["answer"],
                    "tolerance": content["tolerance"],
                    "options": _option_shares(question, content, data),
                    "concern": concern(stats),
                }
            )
    rows.sort(key=lambda row: (row["concern"] is None, -row["n"]))
    return rows


def decision_rows(period: Period = Period()) -> list[dict]:
    """Per case, per decision point: how many learners, on their first take, put each hypothesis first, beside the
    expert's answer. Two queries."""
    leading = Hypothesis.objects.filter(
        rank=1, commitment__progress__number=1, commitment__stage__case__is_published=True
    )
    if period.since is not None:
        leading = leading.filter(commitment__committed_at__gte=period.since)
    if period.until is not None:
        leading = leading.filter(commitment__committed_at__lt=period.until)
    counts = leading.order_by().values_list("commitment__stage", "ctype__name", "mimic__name").annotate(Count("pk"))
    chosen: dict[int, Counter] = defaultdict(Counter)
    for stage, type_name, mimic_name, n in counts:
        chosen[stage][type_name or mimic_name] += n
    stages = Stage.objects.filter(pk__in=chosen).select_related("case", "expert_type", "expert_mimic")
    cases: dict[int, dict] = {}
    for stage in sorted(stages, key=lambda s: (s.case.title, s.order)):
        expert = stage.expert_type or stage.expert_mimic
        total = sum(chosen[stage.pk].values())
        case = cases.setdefault(stage.case_id, {"case": stage.case, "stages": []})
        case["stages"].append(
            {
                "stage": stage,
                "n": total,
                "expert": expert.name if expert else None,
                "choices": [
                    {
                        "name": name,
                        "share": round(100 * n / total),
                        "expert": expert is not None and name == expert.name,
                    }
                    for name, n in chosen[stage.pk].most_common()
                ],
            }
        )
    return list(cases.values())


def item_summary():
    """The latest stored item analysis without its rows, for the dashboard's summary (None before the first)."""
    return ItemAnalysis.objects.defer("rows").latest_calculated()


def item_page(rows: list[dict]) -> list[dict]:
    """An analysis's rows with each question's flags as they are now (one query)."""
    flags = dict(Flag.objects.order_by().values_list("question").annotate(Count("pk")))
    return [row | {"flags": flags.get(row["question"], 0)} for row in rows]


def _option_shares(question, content: dict, data: dict | None) -> list[dict]:
    """A version's options with the share of its answers choosing each; a body map lists its key and what was chosen."""
    n = data["answers"] if data else 0
    rows = []
    for option in content["options"]:
        chosen = data["picks"].get(str(option["id"]), 0) if data else 0
        if option["retired"] or (question.kind == "bodymap" and not option["correct"] and not chosen):
            continue
        rows.append(
            {"text": option["text"], "correct": option["correct"], "share": round(100 * chosen / n) if n else 0}
        )
    return rows


# Below this, an item tells strong and weak learners apart too little to keep as it is (0.2, a usual cut-off in
# classical test theory; Moodle's statistics report shows the same index).
POOR_DISCRIMINATION = 0.2


def concern(stats) -> str | None:
    """A plain-language reason to look at an item again, or None."""
    if stats is None:
        return None
    if stats.discrimination is not None and stats.discrimination < 0:
        return "Stronger learners get it wrong more often: check the key and the stem."
    if stats.n >= 5 and stats.facility < 0.2:
        return "Very hard: almost nobody gets it right."
    if stats.n >= 5 and stats.facility < 0.5:
        return "Most learners miss it: check the key, the stem and what teaches it."
    if stats.discrimination is not None and stats.discrimination < POOR_DISCRIMINATION:
        return "Discriminates poorly: stronger and weaker learners do about as well on it."
    if stats.n >= 5 and stats.facility > 0.95:
        return "Very easy: nearly everyone gets it right."
    return None
