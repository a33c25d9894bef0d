"""Case vignettes: a patient disclosed stage by stage, with decisions the learner must commit to."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse

from calcinosis.authoring import is_instructor
from calcinosis.markup import RendersMarkdown
from calcinosis.models import BodySite, CalcinosisType, Condition, Differential, Extent
from quizzes.models import Certainty


class CaseQuerySet(models.QuerySet):
    def published(self) -> "CaseQuerySet":
        return self.filter(is_published=True)

    def in_teaching_order(self) -> "CaseQuerySet":
        """Introductory cases first, then intermediate, then advanced (not the alphabet's advanced first)."""
        levels = [models.When(difficulty=level, then=rank) for rank, level in enumerate(Case.Difficulty.values)]
        return self.order_by(models.Case(*levels, default=len(levels)), "title")

    def visible_to(self, user) -> "CaseQuerySet":
        """Learners see published cases; instructors also preview their drafts ("view as a learner")."""
        return self if is_instructor(user) else self.published()


class Case(RendersMarkdown):
    markdown_fields = ("presentation", "objectives", "debrief")

    class Difficulty(models.TextChoices):
        INTRODUCTORY = "introductory", "Introductory"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=150, help_text="Should not give the diagnosis away.")
    difficulty = models.CharField(max_length=15, choices=Difficulty.choices, default=Difficulty.INTERMEDIATE)
    presentation = models.TextField(help_text="Markdown: who the patient is and why they came. Shown first.")
    objectives = models.TextField(help_text="Markdown: the learning objectives.")
    debrief = models.TextField(help_text="Markdown: the expert's reasoning and take-home points, shown at the end.")
    presentation_html = models.TextField(editable=False, default="")
    objectives_html = models.TextField(editable=False, default="")
    debrief_html = models.TextField(editable=False, default="")
    diagnosis_type = models.ForeignKey(
        CalcinosisType, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    diagnosis_differential = models.ForeignKey(
        Differential,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnosed_cases",
        help_text="When the answer is a mimic rather than calcinosis cutis.",
    )
    extent = models.ForeignKey(Extent, on_delete=models.PROTECT, null=True, blank=True)
    sites = models.ManyToManyField(BodySite, blank=True, related_name="cases")
    conditions = models.ManyToManyField(Condition, blank=True, related_name="cases")
    differentials = models.ManyToManyField(Differential, blank=True, related_name="cases")
    is_published = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["difficulty", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.slug])

    @property
    def diagnosis_name(self) -> str:
        parts = [str(self.diagnosis_differential or self.diagnosis_type or "")]
        if self.extent_id:
            parts.append(f"({self.extent.name.lower()})")
        return " ".join(p for p in parts if p)


class Stage(RendersMarkdown):
    """One disclosure step; it may end with a decision point the learner must commit to before going on."""

    markdown_fields = ("body", "expert_reasoning")

    class Kind(models.TextChoices):
        HISTORY = "history", "History"
        EXAMINATION = "examination", "Examination"
        LABORATORY = "laboratory", "Laboratory"
        IMAGING = "imaging", "Imaging"
        HISTOLOGY = "histology", "Histology"
        OUTCOME = "outcome", "Outcome"

    class Decision(models.TextChoices):
        NONE = "", "No decision"
        TYPE = "type", "Suspected type"
        DIFFERENTIAL = "differential", "Ranked differential (top three)"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=150)
    body = models.TextField(help_text="Markdown: what this stage reveals.")
    image = models.ImageField(
        upload_to="cases/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
        help_text="A clinical photo, radiograph or histology slide (JPEG, PNG or WebP).",
    )
    image_alt = models.CharField(max_length=300, blank=True, help_text="What the image shows, for screen readers.")
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True, default="")
    decision_prompt = models.CharField(max_length=300, blank=True)
    expert_type = models.ForeignKey(
        CalcinosisType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert_at",
        verbose_name="expert's answer: a type",
        help_text="What an expert names at this point: a type, or (ranked differential only) a mimic below.",
    )
    expert_mimic = models.ForeignKey(
        Differential,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert_at",
        verbose_name="expert's answer: a mimic",
        help_text="Ranked differential only, when the expert's answer is a mimic rather than a type.",
    )
    mimics = models.ManyToManyField(
        Differential,
        blank=True,
        related_name="offered_at",
        verbose_name="mimics offered",
        help_text="Ranked differential: the mimics a learner ranks from besides the five types; none means all.",
    )
    expert_reasoning = models.TextField(blank=True, help_text="Markdown: why, given only the findings so far.")
    body_html = models.TextField(editable=False, default="")
    expert_reasoning_html = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def expert_answer(self) -> str:
        """The slug of the expert's answer, type or mimic, as rankings name hypotheses."""
        expert = self.expert_type or self.expert_mimic
        return expert.slug if expert else ""

    def clean(self):
        if self.image and not self.image_alt:
            raise ValidationError({"image_alt": "Describe the image for learners who cannot see it."})
        if self.expert_type_id and self.expert_mimic_id:
            raise ValidationError("Name the expert's answer once: a type or a mimic, not both.")
        if self.decision and not (self.decision_prompt and (self.expert_type_id or self.expert_mimic_id)):
            raise ValidationError("A decision point needs a prompt and the expert's answer.")
        if self.decision == self.Decision.TYPE and self.expert_mimic_id:
            raise ValidationError({"expert_mimic": "A type decision's answer is one of the five types."})
        if not self.decision and (self.expert_type_id or self.expert_mimic_id):
            raise ValidationError({"decision": "Choose the kind of decision, or leave the expert's answer empty."})


def hypotheses() -> tuple[dict[str, str], dict[str, str]]:
    """What a learner may suspect, slug to name: the five types in teaching order, then every mimic."""
    types = dict(CalcinosisType.objects.order_by("order").values_list("slug", "name"))
    return types, dict(Differential.objects.order_by("name").values_list("slug", "name"))


def offered_hypotheses(stage: "Stage", known=None) -> tuple[dict[str, str], dict[str, str]]:
    """What a learner ranks from at this stage: the five types and the stage's mimics (every mimic if none set).

    `known` is hypotheses() when the caller has read it already; the stage's mimics may be prefetched."""
    types, mimics = known or hypotheses()
    offered = {mimic.slug for mimic in stage.mimics.all()}
    return types, {slug: name for slug, name in mimics.items() if slug in offered} if offered else mimics


def hypothesis_slugs(types_only: bool = False) -> set[str]:
    slugs = set(CalcinosisType.objects.values_list("slug", flat=True))
    if not types_only:
        slugs |= set(Differential.objects.values_list("slug", flat=True))
    return slugs


class CaseProgressQuerySet(models.QuerySet):
    def current(self, *, learner, case) -> "CaseProgress | None":
        """The learner's latest take of the case (the one its page shows and continues), or None before the start."""
        return self.filter(learner=learner, case=case).order_by("-number").first()


class CaseProgress(models.Model):
    """A learner's place in one take of a case: how many stages are revealed, their quiz attempt, when they finished.

    A finished case may be taken again: each take is a row of its own, numbered from 1, and the latest is the
    current one. Earlier takes stay as they were, for the learner's history and the teaching reports."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_progress")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="progress")
    number = models.PositiveSmallIntegerField(default=1, help_text="1 the first time through the case, 2 a retake.")
    revealed = models.PositiveSmallIntegerField(default=0, help_text="Stages shown so far (0: the presentation only).")
    attempt = models.OneToOneField(
        "quizzes.Attempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="case_progress"
    )
    started = models.DateTimeField(auto_now_add=True)
    completed = models.DateTimeField(null=True, blank=True)

    objects = CaseProgressQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "case", "number"], name="one_progress_per_take")]

    def __str__(self) -> str:
        take = f" (take {self.number})" if self.number > 1 else ""
        return f"{self.learner} in {self.case}{take}"


class Commitment(models.Model):
    """What the learner committed to at one decision point: a type, or a ranked top three (its hypotheses)."""

    progress = models.ForeignKey(CaseProgress, on_delete=models.CASCADE, related_name="commitments")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="commitments")
    certainty = models.CharField(max_length=6, choices=Certainty.choices, default=Certainty.UNSURE)
    score = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal(0))
    committed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage__order"]
        constraints = [models.UniqueConstraint(fields=["progress", "stage"], name="one_commitment_per_decision")]

    def __str__(self) -> str:
        return f"{self.progress_id} at {self.stage_id}: {self.ranking}"

    @property
    def ranking(self) -> list[str]:
        """The hypotheses' slugs, best first (read from prefetched rows where the page loaded them)."""
        return [h.slug for h in sorted(self.hypotheses.all(), key=lambda h: h.rank)]


class Hypothesis(models.Model):
    """One ranked hypothesis of a commitment: a calcinosis type or a mimic, as a knowledge row."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="hypotheses")
    rank = models.PositiveSmallIntegerField(help_text="1 is the learner's leading hypothesis.")
    ctype = models.ForeignKey(
        CalcinosisType, on_delete=models.PROTECT, null=True, blank=True, related_name="hypotheses"
    )
    mimic = models.ForeignKey(Differential, on_delete=models.PROTECT, null=True, blank=True, related_name="hypotheses")

    class Meta:
        ordering = ["commitment", "rank"]
        verbose_name_plural = "hypotheses"
        constraints = [
            models.UniqueConstraint(fields=["commitment", "rank"], name="one_hypothesis_per_rank"),
            models.CheckConstraint(
                condition=models.Q(ctype__isnull=True, mimic__isnull=False)
                | models.Q(ctype__isnull=False, mimic__isnull=True),
                name="hypothesis_is_a_type_or_a_mimic",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.ctype or self.mimic}"

    @property
    def slug(self) -> str:
        return (self.ctype or self.mimic).slug


class QuestionImport(models.Model):
    """A question bank file uploaded in the admin: kept from the upload to the instructor's confirm (so the preview and
    the import read the same file, on whichever server), and afterwards as a record of who imported what."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=12)
    topic = models.CharField(max_length=20, blank=True, help_text="For questions from another category.")
    skip_unsupported = models.BooleanField(default=False)
    text = models.TextField(help_text="The file, decoded.")
    uploaded = models.DateTimeField(auto_now_add=True)
    imported = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded:%Y-%m-%d %H:%M})"
