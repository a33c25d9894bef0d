"""Letting an LMS embed the tool, and only an LMS: its frame, and its session's cookies.

- frame-ancestors: the site's pages may not be framed ('none', X-Frame-Options DENY), except the steps of a launch,
  which the registered platforms may frame, and the pages of a session that began with a launch, which that
  launch's platform may frame; the admin never.
- cookies: the steps of a launch, and a session that began with a launch, set the session and CSRF cookies
  SameSite=None; Secure, so that they come back with the platform's cross-site POST and from inside its iframe;
  every other session keeps the default.
"""

from django.conf import settings
from django.core.cache import cache

from lti.cookies import allow_cross_site
from lti.models import ORIGINS_CACHE_KEY, Platform

SESSION_KEY = "lti"
# The steps of a launch, which the platform's page opens in its frame before any session says so.
FLOW_PATHS = ("/lti/login/", "/lti/launch/", "/lti/jwks/")
# Never framed, even in a launched session: the admin changes the site's content with one click.
NEVER_FRAMED = ("/admin/",)


def registered_origins() -> list[str]:
    origins = cache.get(ORIGINS_CACHE_KEY)
    if origins is None:
        origins = sorted({origin for platform in Platform.objects.all() for origin in platform.origins()})
        cache.set(ORIGINS_CACHE_KEY, origins, 300)
    return origins


def _launched_session(request) -> dict | None:
    """The session's launch record, read only when the view has loaded the session anyway (no query of its own)."""
    session = getattr(request, "session", None)
    if session is None or not hasattr(session, "_session_cache"):
        return None
    value = session.get(SESSION_KEY)
    return value if isinstance(value, dict) else None


class LtiFramingMiddleware:
    """Listed after CSPMiddleware and XFrameOptionsMiddleware, so that it sees the response first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(NEVER_FRAMED):
            return response
        if request.path.startswith(FLOW_PATHS):
            origins = registered_origins()
        else:
            launched = _launched_session(request)
            origins = launched.get("origins") if launched else None
        if origins:
            response._csp_replace = {"frame-ancestors": ["'self'", *origins]}
            response.xframe_options_exempt = True
        return response


class LtiCookiesMiddleware:
    """Listed before SessionMiddleware, so that it sees the cookies the session and CSRF middleware set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(FLOW_PATHS) and _launched_session(request) is None:
            return response
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
            if name in response.cookies:
                allow_cross_site(response, name)
        return response
