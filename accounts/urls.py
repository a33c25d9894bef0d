"""Account URLs, all under /accounts/ (the root URLconf sets the prefix).

No namespace: `login`, `logout`, `signup` and the password pages keep the names Django's auth settings and every
template already use.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    # signing up, in and out
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # a forgotten password, reset through a link sent by email
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # a learner's own data
    path("data.json", views.data_export, name="account-data"),
    path("delete/", views.account_delete, name="account-delete"),
]
