from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count

from calcinosis.authoring import instructors_q
from teach.models import Cohort
from teach.selectors import learners


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """An instructor's cohorts, as on /teach/: they see and change only their own (a superuser, all of them)."""

    list_display = ["name", "join_code_display", "is_open", "learner_count", "created"]
    list_filter = ["is_open"]
    search_fields = ["name"]
    filter_horizontal = ["learners", "instructors"]
    readonly_fields = ["join_code", "created"]

    def get_queryset(self, request):
        cohorts = super().get_queryset(request).taught_by(request.user)
        return cohorts.annotate(learner_count=Count("learners", distinct=True))

    @admin.display(description="Learners", ordering="learner_count")
    def learner_count(self, cohort: Cohort) -> int:
        return cohort.learner_count

    @admin.display(description="Join code")
    def join_code_display(self, cohort: Cohort) -> str:
        return cohort.join_code_display

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "learners":
            kwargs["queryset"] = learners().order_by("username")
        elif db_field.name == "instructors":
            kwargs["queryset"] = get_user_model().objects.filter(instructors_q()).distinct().order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            form.instance.instructors.add(request.user)  # whoever makes or edits a cohort keeps seeing it
