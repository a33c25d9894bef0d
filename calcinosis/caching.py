"""Reference pages for visitors, kept ready: the same for every anonymous visitor, so built once, not per request.

A page is cached whole (for visitors only: a logged-in learner's page carries their navigation and marks) under the
reference's content generation, which any save or delete of the reference's rows moves on, so an instructor's edit
shows at once. With Redis (REDIS_URL) every server sees the new generation; with the local-memory cache each server
process also drops a page after CACHE_SECONDS, so an edit reaches all of them within that time.
"""

import hashlib
import time
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

CACHE_SECONDS = 60
GENERATION_KEY = "reference:generation"


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, time.time_ns, timeout=None)


def content_changed(**kwargs) -> None:
    """Signal receiver (post_save, post_delete on the reference's models): cached pages are stale from now."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def cached_for_visitors(view):
    """Serve a GET to an anonymous visitor from the cache, building it on a miss; everyone else gets the view."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "GET" or request.user.is_authenticated or len(messages.get_messages(request)):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = f"reference:page:{generation()}:{path}"
        hit = cache.get(key)
        if hit is not None:
            status, content_type, content = hit
            return HttpResponse(content, status=status, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (200, response["Content-Type"], response.content), CACHE_SECONDS)
        return response

    return wrapper
