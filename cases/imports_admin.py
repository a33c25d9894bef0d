"""The admin's door to importing a question bank: upload a file, see what it would create and skip, then confirm.

The same work as `manage.py import_questions` (cases/importing.py). Whoever may add questions may import them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from cases import importing
from cases.models import QuestionImport
from quizzes import exchange

FORMATS = [("", "From the file's extension"), *((name, name) for name in exchange.READERS)]
ADMIN_HINTS = {"skip": "tick “Skip unsupported questions”", "topic": "choose a topic"}


class UploadForm(forms.Form):
    file = forms.FileField(help_text="JSON, Moodle XML (.xml) or GIFT (.gift, .txt), up to 20 MB.")
    format = forms.ChoiceField(choices=FORMATS, required=False)
    topic = forms.ChoiceField(
        choices=[("", "None")] + [(t, t) for t in exchange.TOPICS],
        required=False,
        help_text="The topic of questions whose Moodle category is not one of this app's topics.",
    )
    skip_unsupported = forms.BooleanField(
        label="Skip unsupported questions",
        required=False,
        help_text="Import what this app supports and list the rest (essay, matching, short answer...). Without it, a "
        "file with any of them is refused whole.",
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        fmt = cleaned.get("format") or importing.format_for(upload.name)
        if fmt is None:
            raise forms.ValidationError("Cannot tell the format from the file's name: choose one.")
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(importing.too_big(upload.name, upload.size))
        try:
            pending = QuestionImport(
                filename=upload.name[:255],
                format=fmt,
                topic=cleaned.get("topic") or "",
                skip_unsupported=cleaned.get("skip_unsupported", False),
                text=importing.decode(upload.read(), upload.name),
            )
            plan_for(pending)  # refused here, with every problem named, or kept for the preview
        except importing.ImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        cleaned["pending"] = pending
        return cleaned


def plan_for(upload: QuestionImport) -> importing.ImportPlan:
    """The plan as it stands now: the bank may have changed since the upload."""
    return importing.plan(
        upload.text,
        upload.format,
        source=upload.filename,
        topic=upload.topic or None,
        skip_unsupported=upload.skip_unsupported,
        hints=ADMIN_HINTS,
    )


@admin.register(QuestionImport)
class QuestionImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "uploaded_by", "uploaded", "imported", "created_count", "skipped_count"]
    list_display_links = ["filename"]

    # Whoever may add questions may import them; nobody edits an upload.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("quizzes.add_question")

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("quizzes.add_question")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("quizzes.add_question")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("quizzes.add_question")

    def get_urls(self):
        confirm = self.admin_site.admin_view(self.confirm_view)
        return [path("<int:pk>/confirm/", confirm, name="cases_questionimport_confirm"), *super().get_urls()]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["pending"]
            upload.uploaded_by = request.user
            upload.save()
            return HttpResponseRedirect(reverse("admin:cases_questionimport_change", args=[upload.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import questions",
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/cases/questionimport/upload.html", context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        """The preview: what confirming would create, skip and leave out."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        upload = get_object_or_404(QuestionImport, pk=object_id)
        context = {**self.admin_site.each_context(request), "upload": upload, "opts": self.opts}
        context["title"] = f"Import {upload.filename}"
        if upload.imported is None:
            try:
                context["plan"] = plan_for(upload)
            except importing.ImportRefused as refusal:
                context["refusal"] = str(refusal)
        return TemplateResponse(request, "admin/cases/questionimport/preview.html", context)

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        return _confirm(request, pk)


@transaction.atomic
def _confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Import once: a second click, or a second tab, finds the upload imported and does nothing more."""
    upload = get_object_or_404(QuestionImport.objects.select_for_update(), pk=pk)
    back = reverse("admin:cases_questionimport_change", args=[upload.pk])
    if upload.imported is not None:
        messages.info(request, "This file was imported already; nothing more was done.")
        return HttpResponseRedirect(back)
    try:
        plan = plan_for(upload)
    except importing.ImportRefused as refusal:
        messages.error(request, str(refusal))
        return HttpResponseRedirect(back)
    created, skipped = importing.plan_apply(plan)
    upload.imported, upload.created_count, upload.skipped_count = timezone.now(), created, skipped
    upload.save(update_fields=["imported", "created_count", "skipped_count"])
    messages.success(request, f"{upload.filename}: {created} created, {skipped} skipped (already in the bank).")
    return HttpResponseRedirect(reverse("admin:quizzes_question_changelist"))
