"""Reference pages for visitors, kept ready: the same for every anonymous visitor, so built once, not per request.

A page is cached whole (for visitors only: a logged-in learner's page carries their navigation and marks) under the
reference's content generation, which any committed save, delete or link change of the reference's rows moves on.
With Redis (REDIS_URL) every server process sees the new generation at once; with the local-memory cache only the
process that took the edit does, and the others drop their copy within CACHE_SECONDS. Only pages without a query
string are kept, so made-up URLs cannot fill the cache, and a cache that fails is a page built as usual.
"""

import hashlib
import logging
import time
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

CACHE_SECONDS = 60
GENERATION_KEY = "reference:generation"
logger = logging.getLogger(__name__)


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, time.time_ns, timeout=None)


def content_changed(**kwargs) -> None:
    """Signal receiver (post_save, post_delete, m2m_changed on the reference's models), also called after bulk
    writes: once the change is committed, cached pages are stale."""
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:  # the cache is down: pages are built per request until it is back
        logger.exception("Could not move the reference's cache generation on")


def cached_for_visitors(view):
    """Serve a GET to an anonymous visitor from the cache, building it on a miss; everyone else gets the view."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            request.method != "GET"
            or request.GET
            or request.user.is_authenticated
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.path.encode()).hexdigest()[:32]
        try:
            key = f"reference:page:{generation()}:{path}"
            hit = cache.get(key)
        except Exception:
            logger.exception("The page cache is unavailable")
            return view(request, *args, **kwargs)
        if hit is not None:
            content_type, content = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        # A page that set a cookie or used a CSRF token is this visitor's own: never kept for the next one.
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            try:
                cache.set(key, (response["Content-Type"], response.content), CACHE_SECONDS)
            except Exception:
                logger.exception("The page cache is unavailable")
        return response

    return wrapper
