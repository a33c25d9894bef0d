"""The app's URLs plus two reference views, served through the same middleware:

- /bench/noop/ does nothing. Its requests per second are the ceiling a page is compared with: Django, the
  middleware and gunicorn, no work.
- /bench/member-floor/ is the least a member's page can be: the session and the account read, and the site's shell
  (base.html: navigation, the review badge) drawn around an empty page. No real page can be faster, so its ratio is
  the best any logged-in page could reach.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as app_patterns


def noop(request: HttpRequest) -> HttpResponse:
    """Nothing: no template, no query, no session read."""
    return HttpResponse("ok")


@login_required
def member_floor(request: HttpRequest) -> HttpResponse:
    """A member's empty page in the site's shell."""
    return render(request, "bench/member_floor.html")


urlpatterns = [path("bench/noop/", noop), path("bench/member-floor/", member_floor), *app_patterns]
