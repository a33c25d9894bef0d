"""The root URLconf: every app's prefix is set here, and only here."""

from django.contrib import admin
from django.urls import include, path

from cases.urls import media_patterns
from quizzes.urls import progress_patterns, quiz_patterns, review_patterns

# The quiz engine serves three areas under one namespace, so `quizzes:progress` and `quizzes:review` keep
# their names while each area keeps its own prefix.
quizzes_areas = (
    [
        path("quizzes/", include(quiz_patterns)),
        path("progress/", include(progress_patterns)),
        path("review/", include(review_patterns)),
    ],
    "quizzes",
)

urlpatterns = [
    # the site shell: home, health
    path("", include("pages.urls")),
    # accounts: sign-up, log in and out, password, a learner's own data and deleting the account
    path("accounts/", include("accounts.urls")),
    # learners
    path("reference/", include("calcinosis.urls")),
    path("cases/", include("cases.urls")),
    path("media/", include(media_patterns)),  # case images, served by the cases app to who may see the case
    path("", include(quizzes_areas)),
    # instructors
    path("teach/", include("teach.urls")),
    # LMS platforms (LTI 1.3) and the instructors they send
    path("lti/", include("lti.urls")),
    path("admin/", admin.site.urls),
]
