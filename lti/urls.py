from django.urls import path

from lti import views

app_name = "lti"

urlpatterns = [
    # what a platform calls
    path("jwks/", views.jwks, name="jwks"),
    path("login/", views.oidc_login, name="login"),
    path("launch/", views.launch, name="launch"),
    # what an instructor reaches from the platform
    path("deep-link/<str:launch_id>/", views.deep_link, name="deep-link"),
    path("courses/<int:pk>/roster/", views.roster_sync, name="roster-sync"),
]
