from django.contrib import admin

from calcinosis.models import BodySite, CalcinosisType, Condition, Differential, Extent, Section, Treatment


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


@admin.register(CalcinosisType)
class CalcinosisTypeAdmin(KnowledgeAdmin):
    list_display = ["name", "order", "calcium_phosphate", "section"]
    list_filter = ["calcium_phosphate"]
    filter_horizontal = ["conditions", "sites"]
    ordering = ["order"]


@admin.register(Condition)
class ConditionAdmin(KnowledgeAdmin):
    list_display = ["name", "category", "frequency", "section"]
    list_filter = ["category", "types"]
    filter_horizontal = ["sites"]


@admin.register(BodySite)
class BodySiteAdmin(KnowledgeAdmin):
    list_display = ["name", "region", "order"]
    ordering = ["order"]


admin.site.register([Extent, Differential, Treatment], KnowledgeAdmin)
admin.site.site_header = "Calcinosis cutis: instructors"
admin.site.site_title = "Calcinosis cutis admin"
