"""The doors to the instructors' pages: the one definition of an instructor is calcinosis.authoring.is_instructor.

A teacher is an instructor, or someone who teaches a cohort without being an instructor of the site: an LMS course's
instructor from a platform not trusted with authoring (lti). A teacher follows their own cohorts' learners; only an
instructor authors, reads the whole bank's item analysis, closes reports or adds any account to a cohort."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from calcinosis.authoring import is_instructor
from teach.models import Cohort


def is_teacher(user) -> bool:
    """An instructor, or someone who teaches a cohort; kept on the user object for the rest of the request."""
    if is_instructor(user):
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    if not hasattr(user, "_is_teacher"):
        user._is_teacher = Cohort.objects.filter(instructors=user).exists()
    return user._is_teacher


def _door(allowed: Callable[[object], bool], refusal: str):
    """A view decorator letting through who `allowed` admits: anonymous visitors go to log in, others get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


instructor_required = _door(is_instructor, "Instructors only.")
teacher_required = _door(is_teacher, "Teachers of a cohort only.")
