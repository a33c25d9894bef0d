"""The cookies of the LTI flow are SameSite=None; Secure; Partitioned.

A launch is a cross-site POST from the platform, often into an iframe, and a Lax cookie would not come back with it.
Browsers that block third-party cookies still keep a partitioned one (CHIPS) for frames under the same top-level
site: the whole launch (login, the platform's answer, the pages after) happens in the LMS's frame, so the state and
the session come back. Every other cookie of the site keeps Django's Lax default (lti.middleware widens the session's
only for sessions that began with a launch)."""

from pylti1p3.contrib.django.cookie import DjangoCookieService
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.request import Request

# Python before 3.14 knows no Partitioned attribute; it is written after SameSite's value, which is not checked.
CROSS_SITE = "None; Partitioned"


def allow_cross_site(response, name: str) -> None:
    """Mark a cookie the response sets as one the LMS's frame may send back."""
    response.cookies[name]["samesite"] = CROSS_SITE
    response.cookies[name]["secure"] = True


class LtiCookieService(DjangoCookieService):
    def __init__(self, request):
        super().__init__(request if isinstance(request, Request) else DjangoRequest(request))

    def update_response(self, response):
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key, data["value"], max_age=data["exp"], secure=True, httponly=True, samesite="None", path="/"
            )
            allow_cross_site(response, key)
