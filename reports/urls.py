from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from reports.public import api, feeds, previews, views

app_name = "reports"

urlpatterns = [
    path("", views.ArchiveView.as_view(), name="archive"),
    path("reports/<slug:slug>/", views.ReportDetailView.as_view(), name="detail"),
    path("tags/", views.TagListView.as_view(), name="tags"),
    # Any string: tag slugs may be Unicode (taggit keeps non-Latin names); the view validates it.
    path("tags/<str:slug>/", views.TagThreadView.as_view(), name="tag"),
    path("weeks/", views.WeekTimelineView.as_view(), name="weeks"),
    path("preview/<str:token>/", previews.PreviewLinkView.as_view(), name="preview"),
    path("feeds/rss/", feeds.ReportFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.AtomReportFeed(), name="feed-atom"),
    path("api/reports/", api.ReportListAPIView.as_view(), name="api-reports"),
    path("api/reports/<slug:slug>/", api.ReportDetailAPIView.as_view(), name="api-report"),
    path("api/tags/", api.TagListAPIView.as_view(), name="api-tags"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
