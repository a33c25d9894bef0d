"""The site shell's URLs. The root URLconf (config/urls.py) sets each list's prefix.

No namespace: `home`, `login`, `logout` and the rest are the names Django's auth settings and every
template already use.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from pages import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]

account_patterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

# uploaded case images
media_patterns = [
    path("<path:path>", views.media, name="media"),
]
