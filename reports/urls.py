from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from reports.public import api, feeds
from reports.public.media import files
from reports.public.views import archive, authors, previews, report, tags, weeks

app_name = "reports"

urlpatterns = [
    path("", archive.ArchiveView.as_view(), name="archive"),
    path("reports/<slug:slug>/", report.ReportDetailView.as_view(), name="detail"),
    path("reports/<slug:slug>/cite.ris", report.CitationFileView.as_view(kind="ris"), name="cite-ris"),
    path("reports/<slug:slug>/cite.json", report.CitationFileView.as_view(kind="csl-json"), name="cite-csl-json"),
    path("tags/", tags.TagListView.as_view(), name="tags"),
    # Any string: tag slugs may be Unicode (taggit keeps non-Latin names); the view validates it.
    path("tags/<str:slug>/", tags.TagThreadView.as_view(), name="tag"),
    path("authors/", authors.AuthorListView.as_view(), name="authors"),
    path("authors/<str:slug>/", authors.AuthorView.as_view(), name="author"),
    path("weeks/", weeks.WeekTimelineView.as_view(), name="weeks"),
    path("preview/<str:token>/", previews.PreviewLinkView.as_view(), name="preview"),
    path("feeds/rss/", feeds.ReportFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.AtomReportFeed(), name="feed-atom"),
    path("api/reports/", api.ReportListAPIView.as_view(), name="api-reports"),
    path("api/reports/<slug:slug>/", api.ReportDetailAPIView.as_view(), name="api-report"),
    path("api/tags/", api.TagListAPIView.as_view(), name="api-tags"),
    path("media/<path:name>", files.FileView.as_view(), name="file"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
