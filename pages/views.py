from django.conf import settings
from django.contrib.auth import login
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.static import serve

from calcinosis.models import CalcinosisType, Section
from pages.forms import SignupForm


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    sections = Section.objects.published().only("slug", "title", "summary", "order")
    types = CalcinosisType.objects.select_related("section").only("slug", "name", "summary", "section__slug")
    return render(request, "pages/home.html", {"sections": sections, "types": types})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


# accounts


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded case images, served so a crafted upload cannot run as a page: no sniffing, sandboxed."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
