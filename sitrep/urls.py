from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from reports.public.sitemaps import AuthorSitemap, PagesSitemap, ReportSitemap, TagThreadSitemap
from reports.public.views.weeks import RobotsView
from sitrep.health import healthz

admin.site.site_header = "sitrep editorial"
admin.site.site_title = "sitrep"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemap,
        {
            "sitemaps": {
                "pages": PagesSitemap,
                "reports": ReportSitemap,
                "tags": TagThreadSitemap,
                "authors": AuthorSitemap,
            }
        },
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("healthz", healthz, name="healthz"),
    # The public site: English at its existing addresses, Arabic under /ar/ (sitrep/locale.py).
    *i18n_patterns(path("", include("reports.urls")), prefix_default_language=False),
]
