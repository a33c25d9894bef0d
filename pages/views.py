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


@require_GET
@cached_for_visitors
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
    if settings.REDIS_URL:
        # With Redis the cache and the login lockouts live there: a server that cannot reach it is not healthy.
        try:
            cache.set("healthz", 1, timeout=5)
        except Exception:
            return JsonResponse({"status": "cache unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
