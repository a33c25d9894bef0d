"""The reference pages, mounted at /reference/ by the root URLconf (config/urls.py)."""

from django.urls import path

from calcinosis import views

app_name = "reference"

urlpatterns = [
    path("", views.reference_index, name="index"),
    path("search/", views.reference_search, name="search"),
    path("calculator/", views.calculator, name="calculator"),
    path("labs/", views.lab_values, name="labs"),
    path("<slug:slug>/", views.reference_section, name="section"),
]
