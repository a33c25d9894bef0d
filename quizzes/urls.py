"""The quiz engine's URLs, in three lists named for their area. The root URLconf (config/urls.py) gives each
its prefix (/quizzes/, /progress/, /review/) and puts all three in the `quizzes` namespace."""

from django.urls import path

from quizzes import views

quiz_patterns = [
    # building and taking quizzes
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("start/section/<slug:slug>/", views.start_section, name="start-section"),
    path("attempts/<int:pk>/retry/", views.retry, name="retry"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:pk>/<int:position>/", views.question, name="question"),
    path("attempts/<int:pk>/<int:position>/answer/", views.answer, name="answer"),
    path("attempts/<int:pk>/<int:position>/mark/", views.mark, name="mark"),
    path("attempts/<int:pk>/submit/", views.submit, name="submit"),
    path("attempts/<int:pk>/finish/", views.finish, name="finish"),
    path("attempts/<int:pk>/results/", views.results, name="results"),
    # a learner's own marks on a question
    path("questions/<int:pk>/flag/", views.flag, name="flag"),
    path("questions/<int:pk>/note/", views.note, name="note"),
    path("questions/<int:pk>/report/", views.question_report, name="question-report"),
    path("questions/<int:pk>/preview/", views.question_preview, name="preview"),
]

# a learner's progress
progress_patterns = [
    path("", views.progress, name="progress"),
]

# spaced review
review_patterns = [
    path("", views.review, name="review"),
    path("start/", views.review_start, name="review-start"),
    path("answers/<int:pk>/rate/", views.review_rate, name="review-rate"),
]
