from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from reports.alerts import views as alerts
from reports.public import api, feeds
from reports.public.editions.versions import NUMBER_PATTERN
from reports.public.media import files
from reports.public.views import archive, authors, pdfs, previews, report, tags, versions, weeks

app_name = "reports"

urlpatterns = [
    path("", archive.ArchiveView.as_view(), name="archive"),
    path("reports/<slug:slug>/", report.ReportDetailView.as_view(), name="detail"),
    path("reports/<slug:slug>/cite.ris", report.CitationFileView.as_view(kind="ris"), name="cite-ris"),
    path("reports/<slug:slug>/cite.json", report.CitationFileView.as_view(kind="csl-json"), name="cite-csl-json"),
    # A published state of a report, at a permanent address (reports.public.editions.versions).
    re_path(
        rf"^reports/(?P<slug>[-a-zA-Z0-9_]+)/v/(?P<number>{NUMBER_PATTERN})/$",
        versions.ReportVersionView.as_view(),
        name="version",
    ),
    re_path(
        rf"^reports/(?P<slug>[-a-zA-Z0-9_]+)/v/(?P<number>{NUMBER_PATTERN})/cite\.ris$",
        versions.VersionCitationFileView.as_view(kind="ris"),
        name="version-cite-ris",
    ),
    re_path(
        rf"^reports/(?P<slug>[-a-zA-Z0-9_]+)/v/(?P<number>{NUMBER_PATTERN})/cite\.json$",
        versions.VersionCitationFileView.as_view(kind="csl-json"),
        name="version-cite-csl-json",
    ),
    # A report's PDF under the report's own name; one PDF for good (replaced ones too); its thumbnail.
    path("reports/<slug:slug>/<slug:name>.pdf", pdfs.ReportFileView.as_view(), name="pdf"),
    path("reports/<slug:slug>/pdf/<int:pk>/<slug:name>.pdf", pdfs.ReportFileView.as_view(), name="pdf-version"),
    path(
        "reports/<slug:slug>/pdf/<int:pk>/first-page.webp",
        pdfs.ReportFileView.as_view(thumbnail=True),
        name="pdf-thumbnail",
    ),
    path("tags/", tags.TagListView.as_view(), name="tags"),
    # Any string: tag slugs may be Unicode (taggit keeps non-Latin names); the view validates it.
    path("tags/<str:slug>/", tags.TagThreadView.as_view(), name="tag"),
    path("authors/", authors.AuthorListView.as_view(), name="authors"),
    path("authors/<str:slug>/", authors.AuthorView.as_view(), name="author"),
    path("weeks/", weeks.WeekTimelineView.as_view(), name="weeks"),
    path("preview/<str:token>/", previews.PreviewLinkView.as_view(), name="preview"),
    path("preview/<str:token>/<slug:name>.pdf", pdfs.PreviewFileView.as_view(), name="preview-pdf"),
    path(
        "preview/<str:token>/first-page.webp",
        pdfs.PreviewFileView.as_view(thumbnail=True),
        name="preview-pdf-thumbnail",
    ),
    # E-mail alerts (reports.alerts): follow the archive's filters, confirm, manage, leave.
    path("alerts/", alerts.SubscribeView.as_view(), name="alerts-subscribe"),
    path("alerts/asked/", alerts.AskedView.as_view(), name="alerts-asked"),
    path("alerts/confirm/<str:token>/", alerts.ConfirmView.as_view(), name="alerts-confirm"),
    path("alerts/<str:key>/", alerts.ManageView.as_view(), name="alerts-manage"),
    path("alerts/<str:key>/unsubscribe/", alerts.UnsubscribeView.as_view(), name="alerts-unsubscribe"),
    path("alerts/<str:key>/forget/", alerts.ForgetView.as_view(), name="alerts-forget"),
    path("feeds/rss/", feeds.ReportFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.AtomReportFeed(), name="feed-atom"),
    path("api/reports/", api.ReportListAPIView.as_view(), name="api-reports"),
    path("api/reports/<slug:slug>/", api.ReportDetailAPIView.as_view(), name="api-report"),
    path("api/tags/", api.TagListAPIView.as_view(), name="api-tags"),
    path("media/<path:name>", files.FileView.as_view(), name="file"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
