from django.urls import path

from teach import views

app_name = "teach"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("grades.csv", views.grades_csv, name="grades"),
    path("reports/<int:pk>/resolve/", views.report_resolve, name="report-resolve"),
]
