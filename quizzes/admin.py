from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from quizzes.models import Attempt, Choice, Question


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self):
        """Refuse to save a question that could not be answered (checked on the options as edited)."""
        super().clean()
        if any(self.errors):
            return
        kept = [
            {"is_correct": form.cleaned_data.get("is_correct", False)}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        question = self.instance
        problems = question.answerability_problems(kept)
        if problems:
            raise ValidationError(problems)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ["order", "text", "is_correct", "explanation", "ctype", "site"]
    autocomplete_fields = ["ctype", "site"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["slug", "topic", "kind", "section", "is_published", "updated"]
    list_filter = ["topic", "kind", "is_published", ("case", admin.EmptyFieldListFilter), "section"]
    search_fields = ["slug", "stem", "teaching_point", "choices__text"]
    list_select_related = ["section"]
    prepopulated_fields = {"slug": ["topic"]}
    filter_horizontal = ["types", "conditions", "sites", "differentials"]
    inlines = [ChoiceInline]
    fieldsets = [
        (None, {"fields": ["slug", "topic", "kind", "stem", "teaching_point", "section", "is_published"]}),
        ("Numeric answer", {"fields": ["answer", "tolerance", "unit"], "classes": ["collapse"]}),
        ("What the answer is about", {"fields": ["types", "conditions", "sites", "differentials"]}),
        ("Case question", {"fields": ["case", "stage"], "description": "Leave empty for the quiz bank."}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section", "case")


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
