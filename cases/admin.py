from adminsortable2.admin import CustomInlineFormSetMixin, SortableAdminBase, SortableStackedInline
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from cases import imports_admin  # noqa: F401  (registers the import pages)
from cases.models import Case, Stage
from quizzes.models import Question

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}  # Pillow's name for the format: ours


class StageForm(forms.ModelForm):
    """Checks an uploaded stage image by what it is, not what it is called: JPEG, PNG or WebP as Pillow reads the
    content (the model's validator only sees the extension), and at most 5 MB."""

    def clean_image(self):
        image = self.cleaned_data.get("image")
        upload = getattr(image, "image", None)  # set by forms.ImageField on a new upload that Pillow could open
        if upload is None:
            return image
        if image.size > IMAGE_MAX_BYTES:
            raise ValidationError(f"The image is {image.size / 1024 / 1024:.1f} MB: upload one of 5 MB or less.")
        if upload.format not in IMAGE_FORMATS:
            raise ValidationError(
                f"The file is a {upload.format or 'unknown'} image whatever its name says: upload a JPEG, PNG or WebP."
            )
        return image


class StageFormSet(CustomInlineFormSetMixin, BaseInlineFormSet):
    """Stages are put in order by dragging them (django-admin-sortable2), or by typing their number: the package
    hides the number once it can drag, and the keyboard needs it, so it stays a visible field the drag keeps up to
    date."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = self.form.base_fields.get("order")
        if order is not None:
            order.widget = forms.NumberInput(attrs={"class": "_reorder_ vIntegerField", "min": 1})
            order.is_hidden = False
            order.required = True
            order.help_text = "Drag a stage by its bar to move it, or type its place (1 first)."

    def clean(self):
        """A published case needs at least two stages (checked on the stages as edited)."""
        super().clean()
        if any(self.errors) or not self.instance.is_published:
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if len(kept) < 2:
            raise ValidationError("A published case needs at least two stages. Add one, or untick “published”.")


class QuestionFormSet(BaseInlineFormSet):
    def clean(self):
        """Every published question of the case must be answerable: its options (or numeric answer) set.

        Checked on every save, draft or not, so that publishing later (from any page) cannot let an
        unanswerable question reach a learner.
        """
        super().clean()
        if any(self.errors):
            return
        problems = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            if not form.cleaned_data.get("is_published") and not self.instance.is_published:
                continue
            question = form.instance
            options = list(question.choices.values("is_correct", "is_neutral")) if question.pk else []
            for problem in question.answerability_problems(options):
                problems.append(f"{question.slug}: {problem} Open it (“Edit with its options”) to add them.")
        if problems:
            raise ValidationError(problems)


class StageInline(SortableStackedInline):
    model = Stage
    form = StageForm
    formset = StageFormSet
    extra = 0
    ordering = ["order"]
    fields = [
        "order",  # on a line of its own: sortable2 adds it again unless it finds it listed by itself
        "kind",
        "title",
        "body",
        ("image", "image_alt"),
        "decision",
        "decision_prompt",
        ("expert_type", "expert_mimic"),
        "expert_reasoning",
        "mimics",
    ]
    filter_horizontal = ["mimics"]


class CaseQuestionInline(admin.TabularInline):
    """The case's questions at a glance (stem, stage, published), each opened with its options on its own page, which
    leads back here. New ones are made there too, options and all in one step, from the link above the list: a
    question made here would have no options yet."""

    model = Question
    formset = QuestionFormSet
    fk_name = "case"
    extra = 0
    fields = ["slug", "topic", "kind", "stem", "stage", "is_published", "edit_with_options"]
    readonly_fields = ["edit_with_options"]
    verbose_name = "case question"
    verbose_name_plural = "case questions"
    template = "admin/cases/case/question_inline.html"

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # added with its options from the link above the list (case_question_add_url)

    @admin.display(description="Options")
    def edit_with_options(self, question: Question) -> str:
        if not question.pk:
            return ""
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        preview = reverse("quizzes:preview", args=[question.pk])
        return format_html(
            '<a href="{}">Edit with its options<span class="visually-hidden">: {}</span></a> · '
            '<a href="{}" target="_blank" rel="noopener">Preview as a learner</a>',
            url,
            question.slug,
            preview,
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only this case's stages.
        if db_field.name == "stage":
            case_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Stage.objects.filter(case_id=case_id) if case_id else Stage.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Case)
class CaseAdmin(SortableAdminBase, admin.ModelAdmin):
    list_display = ["title", "difficulty", "diagnosis_type", "diagnosis_differential", "is_published", "updated"]
    list_filter = ["is_published", "difficulty", "diagnosis_type"]
    search_fields = ["title", "slug", "presentation", "debrief"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["sites", "conditions", "differentials"]
    readonly_fields = ["view_as_learner"]
    inlines = [StageInline, CaseQuestionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "difficulty", "is_published", "view_as_learner"]}),
        ("For the learner", {"fields": ["presentation", "objectives", "debrief"]}),
        (
            "What it teaches",
            {"fields": ["diagnosis_type", "diagnosis_differential", "extent", "sites", "conditions", "differentials"]},
        ),
    ]

    @admin.display(description="View as a learner")
    def view_as_learner(self, case: Case) -> str:
        if not case.pk:
            return "Save the case first."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview the whole case, keys and all (records nothing)</a> · '
            '<a href="{}" target="_blank" rel="noopener">Take it as a learner does</a>',
            reverse("cases:preview", args=[case.slug]),
            case.get_absolute_url(),
        )
