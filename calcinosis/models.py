"""The knowledge of calcinosis cutis as data, shared by the reference, the quizzes and the cases.

A question's answer, a case's diagnosis and a reference page all point at these rows, so progress can be
told per concept and every explanation can link to the page that teaches it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from calcinosis.markup import render_markdown

# Paths under /reference/ that belong to views, not to sections.
RESERVED_SLUGS = frozenset({"search", "calculator"})


def validate_section_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is taken by a page of the reference; choose another slug.")


class SectionQuerySet(models.QuerySet):
    def published(self) -> "SectionQuerySet":
        return self.filter(is_published=True)


class Section(models.Model):
    """A page of the reference, written in Markdown by an instructor or loaded from the starter content."""

    slug = models.SlugField(unique=True, validators=[validate_section_slug])
    title = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    summary = models.CharField(max_length=300, help_text="One sentence, shown on the index and in search.")
    body = models.TextField(help_text="Markdown. Headings start at ##; the title is the page's heading.")
    sources = models.TextField(help_text="Markdown list of the references this page draws on.")
    is_published = models.BooleanField(default=True)
    updated = models.DateTimeField(auto_now=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reference:section", args=[self.slug])

    @cached_property
    def body_html(self) -> str:
        return render_markdown(self.body)

    @cached_property
    def sources_html(self) -> str:
        return render_markdown(self.sources)


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
    sites = models.ManyToManyField("BodySite", blank=True, related_name="types")

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
    sites = models.ManyToManyField("BodySite", blank=True, related_name="conditions")


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
