"""The learner's own time zone, for every request: the browser's, remembered with the account."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import Preferences

TIMEZONE_COOKIE = "tz"  # set by the site's script (static/js/app.js) from the browser's Intl time zone
SESSION_KEY = "time_zone"  # the account's, copied into the session at login so no request reads it again


class LearnerTimezoneMiddleware:
    """Dates and times in the learner's own time zone.

    The browser's, from the cookie the site's script sets; a logged-in learner's is remembered with the account
    (accounts.Preferences), so a new device, or a request before the script has run, already counts their days in
    it. Without either, or with a name that is not a time zone, times stay in UTC. The account is written only when
    the browser's zone changes, never on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        browser = request.COOKIES.get(TIMEZONE_COOKIE, "")
        browser = browser if zone_of(browser) else ""
        if request.user.is_authenticated:
            if browser and browser != request.session.get(SESSION_KEY):
                Preferences.objects.update_or_create(user=request.user, defaults={"time_zone": browser})
                request.session[SESSION_KEY] = browser
            zone = zone_of(browser or request.session.get(SESSION_KEY, ""))
        else:
            zone = zone_of(browser)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def zone_of(name: str) -> ZoneInfo | None:
    if not name or len(name) > 64 or not all(c.isalnum() or c in "/_+-" for c in name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@receiver(user_logged_in)
def remember_time_zone(sender, request, user, **kwargs) -> None:
    """At login, the account's time zone goes into the new session (one query per login, none per page)."""
    if request is None or not hasattr(request, "session"):
        return
    zone = Preferences.objects.filter(user=user).values_list("time_zone", flat=True).first()
    if zone:
        request.session[SESSION_KEY] = zone
