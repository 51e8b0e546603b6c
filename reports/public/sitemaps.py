from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reports.caching.vocabulary import published_vocabulary
from reports.models import Report


class ReportSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Report.objects.published().only("slug", "updated_at").order_by("pk")

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
