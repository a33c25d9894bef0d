"""The site shell's URLs: the home page and the health check. Accounts live in `accounts`, uploaded case images
in `cases` (the root URLconf, config/urls.py, sets each list's prefix).

No namespace: `home` is the name Django's auth settings and every template already use.
"""

from django.urls import path

from pages import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
