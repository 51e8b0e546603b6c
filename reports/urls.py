from django.urls import path

from . import feeds, views

app_name = "reports"

urlpatterns = [
    path("", views.ArchiveView.as_view(), name="archive"),
    path("reports/<slug:slug>/", views.ReportDetailView.as_view(), name="detail"),
    path("tags/", views.TagListView.as_view(), name="tags"),
    path("tags/<slug:slug>/", views.TagThreadView.as_view(), name="tag"),
    path("weeks/", views.WeekTimelineView.as_view(), name="weeks"),
    path("feeds/rss/", feeds.ReportFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.AtomReportFeed(), name="feed-atom"),
]
