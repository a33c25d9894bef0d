"""The question bank, quizzes and what each learner did with them.

Progress pages read from the stored responses; nothing a learner did is kept twice.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, ProtectedError, Subquery
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from calcinosis.authoring import is_instructor
from calcinosis.markup import RendersMarkdown
from calcinosis.models import BodySite, CalcinosisType, Condition, Differential, Section
from quizzes import answerability, calculated, images


class Topic(models.TextChoices):
    TYPE = "type", "Type"
    DISTRIBUTION = "distribution", "Distribution"
    DIFFERENTIAL = "differential", "Differential diagnosis"
    EXTENT = "extent", "Extent"
    HISTORY = "history", "Clinical history"
    EPIDEMIOLOGY = "epidemiology", "Epidemiology"
    ETIOLOGY = "etiology", "Etiology"
    PATHOPHYSIOLOGY = "pathophysiology", "Pathophysiology"
    LABORATORY = "laboratory", "Laboratory"
    EXAMINATION = "examination", "Examination"
    MANAGEMENT = "management", "Management"


class Kind(models.TextChoices):
    SINGLE = "single", "Single best answer"
    MULTIPLE = "multiple", "Select all that apply"
    BODYMAP = "bodymap", "Body map"
    NUMERIC = "numeric", "Numeric"
    CALCULATED = "calculated", "Calculated"


class Certainty(models.TextChoices):
    SURE = "sure", "Sure"
    UNSURE = "unsure", "Unsure"
    GUESS = "guess", "Guess"


class QuestionQuerySet(models.QuerySet):
    def published(self) -> "QuestionQuerySet":
        return self.filter(is_published=True)

    def without_teaching_point(self) -> "QuestionQuerySet":
        """Questions imported without one (a Moodle question without general feedback), for an instructor to write."""
        return self.filter(teaching_point__regex=r"^\s*$")

    def for_quizzes(self) -> "QuestionQuerySet":
        """The bank that quizzes draw from: published and not tied to a case's story."""
        return self.published().filter(case__isnull=True)

    def for_pool(self, learner, pool: str) -> "QuestionQuerySet":
        """Narrow to a learner's pool: all, unanswered, answered wrongly last time, or flagged."""
        if pool == "unanswered":
            return self.exclude(Exists(Response.objects.filter(question=OuterRef("pk"), attempt__learner=learner)))
        if pool == "incorrect":
            latest = Response.objects.counted().filter(question=OuterRef("pk"), attempt__learner=learner)
            last_correct = Subquery(latest.order_by("-answered_at", "-pk").values("is_correct")[:1])
            return self.annotate(last_correct=last_correct).filter(last_correct=False)
        if pool == "flagged":
            return self.filter(Exists(Flag.objects.filter(question=OuterRef("pk"), learner=learner)))
        return self


class Question(RendersMarkdown):
    markdown_fields = ("stem", "teaching_point")

    slug = models.SlugField(unique=True, max_length=80, help_text="Stable id, used by import and export.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    stem = models.TextField(help_text="Markdown.")
    teaching_point = models.TextField(
        blank=True,
        help_text="Markdown: the one idea to take away, shown with the feedback. Empty only for a question imported "
        "without one (listed under “needs a teaching point”).",
    )
    stem_html = models.TextField(editable=False, default="")
    teaching_point_html = models.TextField(editable=False, default="")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, help_text="The reference page that teaches it."
    )
    anchor = models.CharField(
        max_length=100,
        blank=True,
        help_text="The heading of that page that teaches it, by its id (the part after # in the heading's link, "
        "e.g. skin-biopsy): the feedback's link lands there. Empty: the top of the page.",
    )
    types = models.ManyToManyField(CalcinosisType, blank=True, related_name="questions")
    conditions = models.ManyToManyField(Condition, blank=True, related_name="questions")
    sites = models.ManyToManyField(BodySite, blank=True, related_name="questions")
    differentials = models.ManyToManyField(Differential, blank=True, related_name="questions")
    answer = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True, help_text="Numeric only.")
    tolerance = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True, help_text="Numeric only: accepted ± around the answer."
    )
    unit = models.CharField(max_length=30, blank=True, help_text="Numeric and calculated, e.g. mg²/dL².")
    answer_feedback = models.TextField(
        blank=True, help_text="Numeric only: shown to a learner whose answer is within the tolerance of the answer."
    )
    numeric_answers = models.JSONField(
        "other answers",
        default=list,
        blank=True,
        help_text="Numeric only, as Moodle's several answers: the answers checked, in order, when the answer above "
        'does not match, e.g. [{"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "Close."}, {"value": '
        'null, "tolerance": 0, "fraction": 0, "feedback": "Completely wrong."}]. The first one an answer is within '
        "the tolerance of gives its fraction of the mark (-1 to 1; below 0 scores 0) and its feedback; a null value "
        "takes any other answer, so it comes last.",
    )
    formula = models.CharField(
        max_length=40,
        blank=True,
        choices=calculated.FORMULA_CHOICES,
        help_text="Calculated only: how the answer follows from the values drawn for each attempt.",
    )
    variables = models.JSONField(
        default=dict,
        blank=True,
        help_text='Calculated only: a range per value, e.g. {"calcium": {"min": "8.5", "max": "11.5", "places": 1}, '
        '"phosphate": {"min": "4.0", "max": "8.0", "places": 1}}; the stem shows them as {calcium} and {phosphate}.',
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questions",
        help_text="Set for a case question: it is asked inside the case, not in built quizzes.",
    )
    stage = models.ForeignKey(
        "cases.Stage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The case stage after which the question is asked.",
    )
    is_published = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "slug"]

    def __str__(self) -> str:
        return self.slug

    def anchor_problem(self) -> str | None:
        """Why the anchor names no heading of the question's page, or None. Checked where an author sets it (the
        question's admin form), not on every save: a heading renamed later must not stop unrelated edits, and the
        link then falls back to the top of the page (reading())."""
        if not self.anchor:
            return None
        if self.section is None:
            return "A heading needs its page: choose the section first."
        headings = self.section.headings()
        if self.anchor in headings:
            return None
        listed = "; ".join(f"{anchor} ({text})" for anchor, text in headings.items()) or "none"
        return f"“{self.section.title}” has no heading with the id “{self.anchor}”. Its headings: {listed}."

    def reading(self) -> tuple[str, str] | None:
        """Where the feedback sends the learner to read more: (url, what to call it), or None without a section.

        A heading since renamed or removed falls back to the top of the page, never to a link that lands nowhere."""
        if self.section is None:
            return None
        heading = self.section.headings().get(self.anchor) if self.anchor else None
        if heading is None:
            return self.section.get_absolute_url(), self.section.title
        return f"{self.section.get_absolute_url()}#{self.anchor}", f"{self.section.title}: {heading}"

    def clean(self) -> None:
        """The other answers of a numeric question must be ones scoring can read (quizzes.answerability)."""
        self.numeric_answers = self.numeric_answers or []  # an emptied admin field arrives as None
        if self.numeric_answers and self.kind != Kind.NUMERIC:
            raise ValidationError({"numeric_answers": "Only a numeric question has other answers: empty this."})
        if problems := answerability.numeric_answer_problems(self.numeric_answers):
            raise ValidationError({"numeric_answers": problems})

    @property
    def takes_number(self) -> bool:
        """Answered with a number typed in (numeric and calculated questions), not by choosing options."""
        return self.kind in (Kind.NUMERIC, Kind.CALCULATED)

    def answerability_problems(self, choices: list[dict]) -> list[str]:
        """Why a question could not be answered, given its options as dicts with "is_correct" (and optionally
        "is_neutral"); [] if it can. The rule lives in quizzes.answerability, which import checks rows by too."""
        problems = answerability.answerability_problems(self.kind, choices, self.answer, self.tolerance)
        if self.kind == Kind.CALCULATED:
            problems += calculated.problems(self.formula, self.variables)
        return problems


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)
    is_neutral = models.BooleanField(
        "neutral",
        default=False,
        help_text="Body map: a recognised site, not the classic pattern; choosing it earns and costs nothing.",
    )
    explanation = models.TextField(blank=True, help_text="Why this option is right or wrong.")
    fraction = models.DecimalField(
        max_digits=8,
        decimal_places=7,
        null=True,
        blank=True,
        validators=[MinValueValidator(-1), MaxValueValidator(1)],
        help_text="Partial credit, as Moodle grades an option (0.5 for 50%, -0.3333333 for -33.33333%); empty: "
        "the usual (a right option full credit, for select-all a share of it, a wrong one nothing or a share back).",
    )
    site = models.ForeignKey(
        BodySite, on_delete=models.PROTECT, null=True, blank=True, help_text="Body map: the region it stands for."
    )
    ctype = models.ForeignKey(
        CalcinosisType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="calcinosis type",
        help_text="The type this option stands for (feeds the type confusion matrix).",
    )
    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="Left out of new attempts. An option learners have chosen cannot be deleted: retire it instead.",
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class QuestionImageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "QuestionImageQuerySet":
        """The images of the questions a user may see: published ones to any account, drafts to instructors too."""
        if is_instructor(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(question__is_published=True)


class QuestionImage(models.Model):
    """A file a question's stem or teaching point shows, imported with it (Moodle XML embeds them beside the text).

    Stored under MEDIA_ROOT/questions/ with the extension of what the file really is (quizzes.images), and served
    only to who may see its question (cases.views.media); the Markdown links to its URL."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="questions/", help_text="A PNG, JPEG, GIF or WebP image.")
    name = models.CharField(max_length=255, help_text="The file's name in the bank it came from; exports use it.")
    alt = models.CharField(max_length=300, blank=True, help_text="What the image shows, for screen readers.")

    objects = QuestionImageQuerySet.as_manager()

    class Meta:
        ordering = ["question", "pk"]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.name}"

    def as_row(self) -> dict | None:
        """The file as a bank row carries it ({"name", "data"}: base64); None when it is gone from the disk."""
        try:
            with self.image.open("rb") as file:
                return {"name": self.name, "data": images.encoded(file.read())}
        except (FileNotFoundError, ValueError):
            return None


class AttemptQuerySet(models.QuerySet):
    def quizzes(self) -> "AttemptQuerySet":
        """Quizzes, exams and review sessions: every attempt but a case's, which is taken and listed from its case."""
        return self.exclude(mode=Attempt.Mode.CASE)


class Attempt(models.Model):
    """One sitting of a quiz: the questions drawn, in order, and when it started and finished."""

    class Mode(models.TextChoices):
        TUTOR = "tutor", "Tutor: feedback after each answer"
        EXAM = "exam", "Exam: feedback at the end"
        REVIEW = "review", "Review of due questions"
        CASE = "case", "Questions of a case"

    class Pool(models.TextChoices):
        ALL = "all", "All questions"
        UNANSWERED = "unanswered", "Not answered yet"
        INCORRECT = "incorrect", "Answered wrongly last time"
        FLAGGED = "flagged", "Flagged"

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.TUTOR)
    pool = models.CharField(max_length=12, choices=Pool.choices, default=Pool.ALL)
    topics = models.JSONField(default=list)
    questions = models.ManyToManyField(Question, through="AttemptQuestion", related_name="+")
    started = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["learner", "-started"])]

    def __str__(self) -> str:
        return f"{self.learner} {self.get_mode_display()} {self.started:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.finished is not None

    def is_overdue(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) > self.deadline

    @property
    def shows_feedback_now(self) -> bool:
        """Tutor and review modes show feedback per question; exam mode only once finished."""
        return self.mode != self.Mode.EXAM or self.is_finished


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    # "Mark for review" in an exam (UWorld, Moodle's flag on a quiz slot): to come back to before submitting.
    marked = models.BooleanField(default=False)
    # A calculated question's values for this attempt (drawn when it starts), e.g. {"calcium": "10.4"}.
    values = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_slot_per_question"),
            models.UniqueConstraint(fields=["attempt", "position"], name="one_question_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.position}"


class QuestionVersion(models.Model):
    """A question as learners answered it: stem, options and key, kept as they were (Moodle's question versions).

    A version is cut when a learner answers and the live question no longer matches its latest version
    (quizzes.versions.version_for), so instructors edit freely while every stored answer keeps the question it was
    scored on, and item statistics can be told per version.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created = models.DateTimeField(default=timezone.now)
    content = models.JSONField(help_text="The question's answer-relevant fields and options (quizzes.versions).")

    class Meta:
        ordering = ["question", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="one_version_number_per_question")]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"


class ResponseQuerySet(models.QuerySet):
    def counted(self) -> "ResponseQuerySet":
        """Answers whose marks the learner may know: all but those of an exam still running."""
        return self.exclude(attempt__mode=Attempt.Mode.EXAM, attempt__finished__isnull=True)


class Response(models.Model):
    """A learner's one answer to one question within one attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="responses", help_text="What the learner answered."
    )
    choices = models.ManyToManyField(Choice, blank=True, related_name="responses")
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    certainty = models.CharField(max_length=6, choices=Certainty.choices, default=Certainty.UNSURE)
    score = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal(0))
    is_correct = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["answered_at"]
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="one_response_per_question")]
        indexes = [models.Index(fields=["question", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.question_id} ({self.score})"


class DeletedAnswerTally(models.Model):
    """Anonymous counts of what deleted accounts answered on one question version, for the item statistics.

    A learner's answers go with their account, yet a question's facility and the share choosing each option should
    not change because someone left: quizzes.services.answers_anonymise adds the answers here first, as counts that
    name nobody. Discrimination cannot use them: it needs each learner's other answers, and those are gone.
    """

    version = models.OneToOneField(QuestionVersion, on_delete=models.CASCADE, related_name="deleted_tally")
    answers = models.PositiveIntegerField(default=0, help_text="Answers given to this version.")
    learners = models.PositiveIntegerField(default=0, help_text="Deleted accounts that gave them.")
    score_sum = models.FloatField(default=0, help_text="Sum over those accounts of their mean mark on this version.")
    picks = models.JSONField(default=dict, help_text="Option id -> how many of the answers chose it.")

    def __str__(self) -> str:
        return f"{self.version} ({self.answers} answers of deleted accounts)"


class Flag(models.Model):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="flags")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "question"], name="one_flag_per_question")]

    def __str__(self) -> str:
        return f"{self.learner_id} flagged {self.question_id}"


class Note(models.Model):
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=2000)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "question"], name="one_note_per_question")]

    def __str__(self) -> str:
        return f"{self.learner_id} on {self.question_id}"


class ReviewCardQuerySet(models.QuerySet):
    def due(self, learner, now=None) -> "ReviewCardQuerySet":
        """Cards to review now; a question taken out of circulation (unpublished) is not due."""
        return self.filter(learner=learner, due__lte=now or timezone.now(), question__is_published=True)


class ReviewCard(models.Model):
    """The FSRS memory state of one question for one learner (the `fsrs` Card, stored as its dict)."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    state = models.JSONField()
    due = models.DateTimeField(db_index=True)
    reviews = models.PositiveIntegerField(default=0)
    last_rating = models.PositiveSmallIntegerField(null=True)
    # The state before the latest review and the answer that made it, so the learner may rate that review
    # otherwise (Anki's four buttons): the card is then scheduled again from the state before, with their rating.
    previous_state = models.JSONField(null=True, blank=True)
    last_response = models.ForeignKey("Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ReviewCardQuerySet.as_manager()

    class Meta:
        ordering = ["due"]
        constraints = [models.UniqueConstraint(fields=["learner", "question"], name="one_card_per_question")]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.question_id} due {self.due:%Y-%m-%d %H:%M}"


class ProblemReportQuerySet(models.QuerySet):
    def open(self) -> "ProblemReportQuerySet":
        return self.filter(status=ProblemReport.Status.OPEN)


class ProblemReport(models.Model):
    """A learner's report that something in a question or a case stage is wrong, and the instructor's answer.

    The target is generic so that the apps above the engine (cases) can be reported on without the engine
    importing them; `label` and `url` are kept as they were when reported, for the instructors' queue.
    """

    class Reason(models.TextChoices):
        KEY = "key", "The answer key looks wrong"
        FACT = "fact", "A fact is wrong or out of date"
        UNCLEAR = "unclear", "The wording is unclear or ambiguous"
        TYPO = "typo", "A typo, a broken link or a display problem"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FIXED = "fixed", "Fixed"
        NO_CHANGE = "no-change", "Reviewed: no change needed"

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_reports")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    label = models.CharField(max_length=200, help_text="What was reported, as the learner saw it.")
    url = models.CharField(max_length=300, help_text="Where the learner was.")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    comment = models.TextField(max_length=2000)
    created = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(blank=True, max_length=2000, help_text="The outcome, as the reporter will read it.")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["target_type", "target_id"]), models.Index(fields=["status", "-created"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.label}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


@receiver(pre_delete, sender=Choice)
def keep_answered_options(sender, instance: Choice, **kwargs) -> None:
    """An option a learner chose is part of their answer: deleting it would silently change what they answered."""
    if instance.pk and instance.responses.exists():
        raise ProtectedError(f"Learners have chosen “{instance.text}”: retire it instead of deleting it.", {instance})
