from django.urls import path

from teach import views

app_name = "teach"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("grades.csv", views.grades_csv, name="grades"),
    # item analysis
    path("items/", views.items, name="items"),
    path("items/recalculate/", views.items_recalculate, name="items-recalculate"),
    path("items.csv", views.items_csv, name="items-csv"),
    # reports
    path("reports/<int:pk>/resolve/", views.report_resolve, name="report-resolve"),
]
