"""The app's URLs plus /bench/noop/, a view that does nothing, served through the same middleware.

Its requests per second are the ceiling a page is compared with: Django, the middleware and gunicorn, no work.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_patterns


def noop(request: HttpRequest) -> HttpResponse:
    """Nothing: no template, no query, no session read."""
    return HttpResponse("ok")


urlpatterns = [path("bench/noop/", noop), *app_patterns]
