"""The knowledge of calcinosis cutis as data, shared by the reference, the quizzes and the cases.

A question's answer, a case's diagnosis and a reference page all point at these rows, so progress can be
told per concept and every explanation can link to the page that teaches it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from calcinosis.markup import RendersMarkdown, headings

# Paths under /reference/ that belong to views, not to sections.
RESERVED_SLUGS = frozenset({"search", "calculator", "labs"})


def validate_section_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is taken by a page of the reference; choose another slug.")


class SectionQuerySet(models.QuerySet):
    def published(self) -> "SectionQuerySet":
        return self.filter(is_published=True)


class Section(RendersMarkdown):
    """A page of the reference, written in Markdown by an instructor or loaded from the starter content."""

    markdown_fields = ("body", "sources")

    slug = models.SlugField(unique=True, validators=[validate_section_slug])
    title = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    summary = models.CharField(max_length=300, help_text="One sentence, shown on the index and in search.")
    body = models.TextField(help_text="Markdown. Headings start at ##; the title is the page's heading.")
    sources = models.TextField(help_text="Markdown list of the references this page draws on.")
    body_html = models.TextField(editable=False, default="")
    sources_html = models.TextField(editable=False, default="")
    is_published = models.BooleanField(default=True)
    updated = models.DateTimeField(auto_now=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reference:section", args=[self.slug])

    def headings(self) -> dict[str, str]:
        """The page's headings a link can land on: {id: text}, in page order."""
        return headings(self.body_html)


class KnowledgeRow(models.Model):
    """What every concept shares: a name, a slug, a one-line summary and the page that teaches it."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField()
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # Rows that have a heading of their own on their page, whose id (Markdown toc) is their slug.
    has_heading = False

    def get_absolute_url(self) -> str:
        """The teaching page, at this row's heading when it has one."""
        if self.section_id is None:
            return reverse("reference:index")
        url = reverse("reference:section", args=[self.section.slug])
        return f"{url}#{self.slug}" if self.has_heading else url


class CalcinosisType(KnowledgeRow):
    class Labs(models.TextChoices):
        NORMAL = "normal", "Serum calcium and phosphate normal"
        ABNORMAL = "abnormal", "Serum calcium and/or phosphate abnormal"
        VARIABLE = "variable", "Variable"

    order = models.PositiveSmallIntegerField(default=0)
    mechanism = models.TextField()
    lab_pattern = models.TextField()
    calcium_phosphate = models.CharField(max_length=10, choices=Labs.choices)
    conditions = models.ManyToManyField("Condition", blank=True, related_name="types")

    class Meta(KnowledgeRow.Meta):
        ordering = ["order", "name"]
        verbose_name = "calcinosis type"


class Extent(KnowledgeRow):
    """Circumscripta (one extremity or joint) or universalis (widespread)."""


class Condition(KnowledgeRow):
    class Category(models.TextChoices):
        CONNECTIVE_TISSUE = "connective-tissue", "Connective tissue disease"
        METABOLIC = "metabolic", "Metabolic disorder"
        RENAL = "renal", "Kidney disease"
        GENETIC = "genetic", "Genetic condition"
        IATROGENIC = "iatrogenic", "Medicine or procedure"
        TRAUMA = "trauma", "Trauma or tissue injury"
        IDIOPATHIC = "idiopathic", "No known cause"

    has_heading = True

    category = models.CharField(max_length=20, choices=Category.choices)
    frequency = models.CharField(max_length=300, blank=True, help_text="Only figures from a named source.")


class BodySite(KnowledgeRow):
    """A region of the body map; distributions are sets of these."""

    summary = models.TextField(blank=True)
    region = models.SlugField(unique=True, help_text="The id of this region in the body-map SVG.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(KnowledgeRow.Meta):
        ordering = ["order", "name"]
        verbose_name = "body site"


class Differential(KnowledgeRow):
    """A condition that mimics calcinosis cutis, and what tells it apart."""

    has_heading = True

    distinguishing = models.TextField(help_text="What tells it apart from calcinosis cutis.")


class Treatment(KnowledgeRow):
    used_for = models.TextField(blank=True)


class Reference(models.Model):
    """A published work that grades and pages cite; its citation is listed on the reference pages."""

    slug = models.SlugField(unique=True)
    short = models.CharField(max_length=60, help_text="How a grade names it, e.g. “Reiter 2011 (part I)”.")
    citation = models.TextField(help_text="Markdown, exactly as the reference pages list it under Sources.")

    class Meta:
        ordering = ["short"]

    def __str__(self) -> str:
        return self.short


class Grade(models.TextChoices):
    TYPICAL = "typical", "Typical"
    RECOGNISED = "recognised", "Recognised"


class SiteGradeQuerySet(models.QuerySet):
    def for_subjects(self, *, conditions=(), types=()) -> "SiteGradeQuerySet":
        """The grades of what a question or case is about: its conditions if it names any, else its types."""
        if conditions:
            return self.filter(condition__in=conditions)
        return self.filter(ctype__in=types)


class SiteGrade(models.Model):
    """How strongly a body site belongs to a condition's (or a type's) distribution, and who says so.

    Typical sites are the classic pattern a learner must know; recognised sites are well reported but not
    classic, so a body-map answer neither earns nor loses credit for them. Any site without a row is not
    expected.
    """

    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, null=True, blank=True, related_name="site_grades"
    )
    ctype = models.ForeignKey(
        CalcinosisType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="site_grades",
        verbose_name="calcinosis type",
    )
    site = models.ForeignKey(BodySite, on_delete=models.CASCADE, related_name="grades")
    grade = models.CharField(max_length=10, choices=Grade.choices)
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="site_grades")

    objects = SiteGradeQuerySet.as_manager()

    class Meta:
        ordering = ["site__order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(condition__isnull=True, ctype__isnull=False)
                | models.Q(condition__isnull=False, ctype__isnull=True),
                name="site_grade_of_condition_or_type",
            ),
            models.UniqueConstraint(fields=["condition", "site"], name="one_grade_per_condition_site"),
            models.UniqueConstraint(fields=["ctype", "site"], name="one_grade_per_type_site"),
        ]

    def __str__(self) -> str:
        return f"{self.condition or self.ctype}: {self.site} {self.grade}"


def graded_sites(grades) -> dict[int, str]:
    """Site id -> grade over several subjects' grades; typical wins where two subjects disagree."""
    merged: dict[int, str] = {}
    for grade in grades:
        if merged.get(grade.site_id) != Grade.TYPICAL:
            merged[grade.site_id] = grade.grade
    return merged
