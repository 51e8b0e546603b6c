from django.urls import path

from . import feeds, previews, views

app_name = "reports"

urlpatterns = [
    path("", views.ArchiveView.as_view(), name="archive"),
    path("reports/<slug:slug>/", views.ReportDetailView.as_view(), name="detail"),
    path("tags/", views.TagListView.as_view(), name="tags"),
    path("preview/<str:token>/", previews.PreviewLinkView.as_view(), name="preview"),
    path("feeds/rss/", feeds.ReportFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.AtomReportFeed(), name="feed-atom"),
]
