from django.urls import path

from teach import views

app_name = "teach"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("grades.csv", views.grades_csv, name="grades"),
    # cohorts
    path("cohorts/", views.cohort_create, name="cohort-create"),
    path("cohorts/<int:pk>/learners/", views.cohort_learners_add, name="cohort-learners-add"),
    path("cohorts/<int:pk>/learners/<int:learner>/remove/", views.cohort_learner_remove, name="cohort-learner-remove"),
    path("cohorts/<int:pk>/code/", views.cohort_code, name="cohort-code"),
    path("learners/<int:pk>/", views.learner, name="learner"),
    path("learners/<int:pk>/unlock/", views.learner_unlock, name="learner-unlock"),
    path("join/", views.join, name="join"),
    path("cohorts/<int:pk>/leave/", views.leave, name="leave"),
    # item analysis
    path("items/", views.items, name="items"),
    path("items/recalculate/", views.items_recalculate, name="items-recalculate"),
    path("items.csv", views.items_csv, name="items-csv"),
    # reports
    path("reports/<int:pk>/resolve/", views.report_resolve, name="report-resolve"),
]
