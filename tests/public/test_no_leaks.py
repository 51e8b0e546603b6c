"""Drafts, reports in review and scheduled reports never reach a reader, by any route."""

import datetime

from django.utils import timezone

from reports.models import Report
from tests.base import SitrepTestCase
from tests.helpers import make_report
from tests.public_pages import build_public_pages

SECRET = "zanzibar"  # in the title, summary, body and a tag of every hidden report


class NoLeakTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pages = build_public_pages()
        future = timezone.now() + datetime.timedelta(days=2)
        cls.hidden = [
            make_report(f"{SECRET} draft", status=Report.Status.DRAFT, start=(2020, 7, 1), end=(2020, 7, 7)),
            make_report(f"{SECRET} review", status=Report.Status.REVIEW, start=(2020, 7, 1), end=(2020, 7, 7)),
            make_report(f"{SECRET} scheduled", published_at=future, start=(2020, 7, 1), end=(2020, 7, 7)),
        ]
        for report in cls.hidden:
            Report.objects.filter(pk=report.pk).update(summary=f"About {SECRET}.", body=f"{SECRET} body")
            report.tags.add(f"{SECRET.title()} tag", "Kata’ib Hezbollah")

    def test_hidden_reports_appear_nowhere_public(self):
        paths = [
            *self.pages.values(),
            "/?week=2020-W27", "/?tag=kataib-hezbollah", f"/?tag={SECRET}-tag", f"/?q={SECRET}",
            "/?from=2020-07-01&to=2020-07-07", "/tags/", "/feeds/rss/", "/feeds/atom/",
            "/feeds/atom/?tag=kataib-hezbollah", "/sitemap.xml", "/weeks/", "/tags/kataib-hezbollah/",
            f"/tags/{SECRET}-tag/", "/api/reports/", f"/api/reports/?q={SECRET}",
            "/api/reports/?tag=kataib-hezbollah", "/api/tags/", *(f"/api/reports/{r.slug}/" for r in self.hidden),
            *[report.get_absolute_url() for report in self.hidden],
        ]  # fmt: skip
        for path in paths:
            with self.subTest(path):
                body = self.client.get(path).content.decode()
                # What only the hidden reports hold (the reader's own query may echo the word itself).
                for text in (f"{SECRET} draft", f"{SECRET} review", f"{SECRET} scheduled", f"About {SECRET}",
                             f"{SECRET} body", f"{SECRET.title()} tag", *(r.slug for r in self.hidden)):  # fmt: skip
                    self.assertNotIn(text, body)

    def test_tag_counts_ignore_hidden_reports(self):
        counts = {t["tag__name"]: t["report_count"] for t in self.client.get("/tags/").context["tags"]}
        self.assertEqual(counts["Kata’ib Hezbollah"], 2)  # the two published ones only
