from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reports.caching.vocabulary import published_vocabulary
from reports.models import Report
from reports.public.editions.translations import alternates


class ReportSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        columns = ("slug", "updated_at", "title", "language", "translation_key", "source_version_at")
        return Report.objects.published().only(*columns).with_translations().order_by("pk")

    def get_urls(self, page=1, site=None, protocol=None):
        """Each report with its translations as `xhtml:link` alternates, itself included, as
        Django's sitemap template writes them (`alternates`: lang_code, location)."""
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            report = url["item"]
            if report.translation_list:
                base = url["location"].removesuffix(report.get_absolute_url())
                url["alternates"] = [
                    {"lang_code": version.language, "location": base + version.url} for version in alternates(report)
                ]
        return urls

    def lastmod(self, report):
        return report.updated_at


class TagThreadSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [row["tag__slug"] for row in published_vocabulary().tag_counts()]

    def location(self, slug):
        return reverse("reports:tag", args=[slug])


class AuthorSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [author.slug for author, _ in published_vocabulary().author_counts()]

    def location(self, slug):
        return reverse("reports:author", args=[slug])


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["reports:archive", "reports:weeks", "reports:tags", "reports:authors"]

    def location(self, name):
        return reverse(name)
