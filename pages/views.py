from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from calcinosis.caching import cached_for_visitors
from calcinosis.models import CalcinosisType, Section
from pages.hooks import panels_for


@require_GET
@cached_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    sections = Section.objects.published().only("slug", "title", "summary", "order")
    types = CalcinosisType.objects.select_related("section").only("slug", "name", "summary", "section__slug")
    context = {"sections": sections, "types": types}
    if request.user.is_authenticated:  # a visitor's page stays the same for all, and cached
        context |= _learner_home(request, sections)
    return render(request, "pages/home.html", context)


def _learner_home(request: HttpRequest, sections) -> dict:
    """The learner's panels, to show above the public page. Someone with nothing under way (every panel a starter,
    or none) is new: the page frames the panels as first steps, the reference's first page among them."""
    panels = panels_for(request)
    sections = list(sections)  # read once: the first steps name the first page, the list below shows them all
    return {"panels": panels, "new_learner": all(panel.starter for panel in panels), "sections": sections}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    if settings.REDIS_URL:
        # With Redis the cache and the login lockouts live there: a server that cannot reach it is not healthy.
        try:
            cache.set("healthz", 1, timeout=5)
        except Exception:
            return JsonResponse({"status": "cache unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
