from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from calcinosis import views

reference_patterns = (
    [
        path("", views.reference_index, name="index"),
        path("search/", views.reference_search, name="search"),
        path("calculator/", views.calculator, name="calculator"),
        path("<slug:slug>/", views.reference_section, name="section"),
    ],
    "reference",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # accounts
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # reference
    path("reference/", include(reference_patterns)),
    # cases
    path("cases/", include("cases.urls")),
    # quizzes, progress and review
    path("", include("quizzes.urls")),
    # uploaded case images
    path("media/<path:path>", views.media, name="media"),
    # instructors
    path("admin/", admin.site.urls),
]
