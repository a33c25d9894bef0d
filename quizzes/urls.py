from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    # building and taking quizzes
    path("quizzes/", views.index, name="index"),
    path("quizzes/start/", views.start, name="start"),
    path("quizzes/attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("quizzes/attempts/<int:pk>/<int:position>/", views.question, name="question"),
    path("quizzes/attempts/<int:pk>/<int:position>/answer/", views.answer, name="answer"),
    path("quizzes/attempts/<int:pk>/finish/", views.finish, name="finish"),
    path("quizzes/attempts/<int:pk>/results/", views.results, name="results"),
    # a learner's own marks on a question
    path("quizzes/questions/<int:pk>/flag/", views.flag, name="flag"),
    path("quizzes/questions/<int:pk>/note/", views.note, name="note"),
    path("quizzes/questions/<int:pk>/report/", views.question_report, name="question-report"),
    # progress and spaced review
    path("progress/", views.progress, name="progress"),
    path("review/", views.review, name="review"),
    path("review/start/", views.review_start, name="review-start"),
    # instructors
    path("teach/", views.teach, name="teach"),
    path("teach/grades.csv", views.teach_grades, name="teach-grades"),
    path("teach/reports/<int:pk>/resolve/", views.report_resolve, name="report-resolve"),
]
