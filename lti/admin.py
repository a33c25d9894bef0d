from django.contrib import admin, messages

from lti import services
from lti.models import Course, Deployment, Identity, Passback, Platform


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "created"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["subject", "platform", "user", "created"]
    list_filter = ["platform"]
    search_fields = ["subject", "user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "platform", "context_id", "cohort", "roster_synced"]
    list_filter = ["platform"]
    raw_id_fields = ["cohort"]


@admin.register(Passback)
class PassbackAdmin(admin.ModelAdmin):
    """Scores owed to LMS gradebooks: read-only, since a score is the learner's result; a failed one may be sent
    again from here (as `manage.py lti_scores` does)."""

    list_display = ["user", "platform", "lineitem", "status", "score", "tries", "last_error", "sent"]
    list_filter = ["status", "platform"]
    search_fields = ["user__username", "lineitem"]
    readonly_fields = [f.name for f in Passback._meta.fields]
    actions = ["send_now"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Send the chosen scores that are still owed")
    def send_now(self, request, queryset):
        sent, failed = services.passbacks_send(queryset.filter(status=Passback.Status.READY))
        level = messages.SUCCESS if not failed else messages.WARNING
        self.message_user(request, f"{sent} sent, {failed} failed (they stay owed).", level)
