from django.contrib import admin

from calcinosis.models import (
    BodySite,
    CalcinosisType,
    Condition,
    Differential,
    Extent,
    Reference,
    Section,
    SiteGrade,
    Treatment,
)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order", "is_published", "updated"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["order"]


class KnowledgeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "section"]
    list_filter = ["section"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["section"]


class SiteGradeInline(admin.TabularInline):
    """The graded distribution: typical sites earn credit on a body map, recognised ones are neutral."""

    model = SiteGrade
    extra = 0
    fields = ["site", "grade", "reference"]
    autocomplete_fields = ["reference"]


class ConditionGradeInline(SiteGradeInline):
    fk_name = "condition"


class TypeGradeInline(SiteGradeInline):
    fk_name = "ctype"


@admin.register(CalcinosisType)
class CalcinosisTypeAdmin(KnowledgeAdmin):
    list_display = ["name", "order", "calcium_phosphate", "section"]
    list_filter = ["calcium_phosphate"]
    filter_horizontal = ["conditions"]
    ordering = ["order"]
    inlines = [TypeGradeInline]


@admin.register(Condition)
class ConditionAdmin(KnowledgeAdmin):
    list_display = ["name", "category", "frequency", "section"]
    list_filter = ["category", "types"]
    inlines = [ConditionGradeInline]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["short", "slug"]
    search_fields = ["short", "citation"]
    prepopulated_fields = {"slug": ["short"]}


@admin.register(BodySite)
class BodySiteAdmin(KnowledgeAdmin):
    list_display = ["name", "region", "order"]
    ordering = ["order"]


admin.site.register([Extent, Differential, Treatment], KnowledgeAdmin)
admin.site.site_header = "Calcinosis cutis: instructors"
admin.site.site_title = "Calcinosis cutis admin"
