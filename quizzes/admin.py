from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from quizzes.models import Attempt, Choice, ProblemReport, Question, QuestionVersion


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self):
        """Refuse to save a question that could not be answered (checked on the options as edited)."""
        super().clean()
        if any(self.errors):
            return
        answered = [
            form.instance.text
            for form in self.forms
            if form.cleaned_data.get("DELETE") and form.instance.pk and form.instance.responses.exists()
        ]
        if answered:
            raise ValidationError(
                [f"Learners have chosen “{text}”: retire it instead of deleting it." for text in answered]
            )
        kept = [
            {
                "is_correct": form.cleaned_data.get("is_correct", False),
                "is_neutral": form.cleaned_data.get("is_neutral", False),
            }
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.cleaned_data.get("is_retired")
        ]
        question = self.instance
        problems = question.answerability_problems(kept)
        if problems:
            raise ValidationError(problems)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ["order", "text", "is_correct", "is_neutral", "fraction", "explanation", "ctype", "site", "is_retired"]
    autocomplete_fields = ["ctype", "site"]

    def get_extra(self, request, obj=None, **kwargs) -> int:
        return 4 if obj is None else 0  # a new question comes with rows for its options; rows left empty are ignored


class QuestionVersionInline(admin.TabularInline):
    """The versions learners answered: cut automatically when an answer meets an edited question."""

    model = QuestionVersion
    extra = 0
    can_delete = False
    fields = ["number", "created", "answers"]
    readonly_fields = ["number", "created", "answers"]
    verbose_name_plural = "versions answered by learners"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="answers")
    def answers(self, version) -> int:
        return version.responses.count()


class QuestionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if {"anchor", "section"} & set(self.changed_data):
            self.instance.anchor = cleaned.get("anchor", "")
            self.instance.section = cleaned.get("section")
            if problem := self.instance.anchor_problem():
                self.add_error("anchor", problem)
        return cleaned


class NeedsTeachingPointFilter(admin.SimpleListFilter):
    """Questions imported without a teaching point (Moodle's general feedback is optional), for an instructor to
    write one: learners meet them with no teaching point in the feedback."""

    title = "needs a teaching point"
    parameter_name = "needs_teaching_point"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.without_teaching_point()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.without_teaching_point().values("pk"))
        return queryset


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ["slug", "topic", "kind", "section", "is_published", "has_teaching_point", "updated"]
    list_filter = [
        "topic",
        "kind",
        "is_published",
        NeedsTeachingPointFilter,
        ("case", admin.EmptyFieldListFilter),
        "section",
    ]
    search_fields = ["slug", "stem", "teaching_point", "choices__text"]
    list_select_related = ["section"]
    prepopulated_fields = {"slug": ["topic"]}
    filter_horizontal = ["types", "conditions", "sites", "differentials"]
    inlines = [ChoiceInline, QuestionVersionInline]
    fieldsets = [
        (None, {"fields": ["slug", "topic", "kind", "stem", "teaching_point", "section", "anchor", "is_published"]}),
        (
            "Numeric answer",
            {"fields": ["answer", "tolerance", "unit", "answer_feedback", "numeric_answers"], "classes": ["collapse"]},
        ),
        (
            "Calculated answer",
            {
                "fields": ["formula", "variables"],
                "classes": ["collapse"],
                "description": "For a calculated question: the formula, a range per value, and the tolerance and "
                "unit above. The stem shows the values drawn for each attempt where it says {calcium}, {phosphate}.",
            },
        ),
        ("What the answer is about", {"fields": ["types", "conditions", "sites", "differentials"]}),
        ("Case question", {"fields": ["case", "stage"], "description": "Leave empty for the quiz bank."}),
    ]

    readonly_fields = ["preview"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section", "case")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        first = {**fieldsets[0][1], "fields": [*fieldsets[0][1]["fields"], "preview"]}
        return [(fieldsets[0][0], first), *fieldsets[1:]]

    @admin.display(description="teaching point", boolean=True)
    def has_teaching_point(self, question: Question) -> bool:
        return bool(question.teaching_point.strip())

    @admin.display(description="Preview as a learner")
    def preview(self, question: Question) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Answer it as a learner would (nothing is recorded)</a>',
            reverse("quizzes:preview", args=[question.pk]),
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A case question's stage is one of its case's: offered from the case in the address (a question added from
        # its case's page) or the question's own case.
        if db_field.name == "stage":
            case = request.GET.get("case") or _case_of(request)
            if case and str(case).isdigit():
                kwargs["queryset"] = db_field.remote_field.model.objects.filter(case_id=case)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        return self._back_to_case(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._back_to_case(request, obj) or super().response_change(request, obj)

    def _back_to_case(self, request, question):
        """A case question saved (not "save and continue" or "add another") goes back to its case's page."""
        if not question.case_id or {"_continue", "_addanother", "_saveasnew"} & set(request.POST):
            return None
        messages.success(request, f"Question “{question.slug}” saved with its options.")
        return HttpResponseRedirect(reverse("admin:cases_case_change", args=[question.case_id]))


def _case_of(request) -> str | None:
    """On a question's change page, the case it belongs to (one query), else None."""
    object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
    if not object_id or not str(object_id).isdigit():
        return None
    return Question.objects.filter(pk=object_id).values_list("case_id", flat=True).first()


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["learner", "mode", "started", "finished"]
    list_filter = ["mode"]
    search_fields = ["learner__username"]
    date_hierarchy = "started"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    """The queue of learners' reports; closing one here tells the reporter, as the teach page does."""

    list_display = ["label", "reason", "reporter", "created", "status"]
    list_filter = ["status", "reason"]
    search_fields = ["label", "comment", "reporter__username"]
    list_select_related = ["reporter"]
    date_hierarchy = "created"
    fields = [
        "label",
        "url",
        "reason",
        "comment",
        "reporter",
        "created",
        "status",
        "resolution",
        "resolved_by",
        "resolved_at",
    ]
    readonly_fields = ["label", "url", "reason", "comment", "reporter", "created", "resolved_by", "resolved_at"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if obj.status != ProblemReport.Status.OPEN and "status" in form.changed_data:
            obj.resolved_by, obj.resolved_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
