from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    # one case
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/start/", views.start, name="start"),
    path("<slug:slug>/reveal/", views.reveal, name="reveal"),
    path("<slug:slug>/retake/", views.retake, name="retake"),
    path("<slug:slug>/preview/", views.preview, name="preview"),
    # its stages
    path("<slug:slug>/stages/<int:stage_id>/commit/", views.commit, name="commit"),
    path("<slug:slug>/stages/<int:stage_id>/report/", views.stage_report, name="stage-report"),
]

# uploaded images (case stages', questions'): the root URLconf serves these under /media/, outside the `cases`
# namespace (name `media`)
media_patterns = [
    path("<path:path>", views.media, name="media"),
]
