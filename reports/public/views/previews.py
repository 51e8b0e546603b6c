"""Shareable preview links: a secret address at which anyone can read an unpublished report.

Editors, and the writer who created the report, may create links for a draft, a report in
review or a scheduled report, and revoke them at any time. A link shows the report exactly as
a reader without an account will see it, under a "Preview" banner, never cached and never
indexed. Once the report is public its links redirect to its public address (unless revoked
or expired): the people it was shared with land on the real page.
"""

import datetime
import re

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from reports.models import PreviewLink, Report
from reports.public.media.pdf_links import pdf_block
from reports.public.report_page import ReportPage
from reports.public.views.report import ReportDetailView

ROBOTS = "noindex, nofollow"
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what secrets.token_urlsafe makes


def links_for(report, *, limit=10):
    return report.preview_links.select_related("created_by", "revoked_by")[:limit]


class PreviewLinkView(ReportDetailView):
    """/preview/<token>/: the report as the public will see it, or a clear page saying why not."""

    template_name = "reports/preview_link.html"

    def get(self, request, *args, **kwargs):
        token = kwargs["token"]
        links = PreviewLink.objects.select_related("report").filter(token=token)
        # Anything but a token's characters is unknown without asking the database (which may
        # refuse, say, a NUL byte).
        self.link = links.first() if TOKEN.fullmatch(token) else None
        if self.link is None or self.link.is_revoked:
            response = self.unavailable("reports/preview_not_found.html", 404)
        elif self.link.is_expired:
            response = self.unavailable("reports/preview_expired.html", 410)
        elif self.link.report.is_public:
            response = redirect(self.link.report)
        else:
            response = super().get(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = ROBOTS
        return response

    def unavailable(self, template, status):
        return TemplateResponse(self.request, template, {"link": self.link}, status=status)

    def get_object(self, queryset=None):
        # Whatever its status: the link is the permission.
        reports = Report.objects.for_listing().with_neighbours().with_pdf().with_translations()
        reports = reports.prefetch_related("corrections")
        return ReportPage.of(reports.get(pk=self.link.report_id), preview=self.link.token)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"preview_link": self.link}

    def pdf_block(self, report):
        return pdf_block(report.pdf, report.slug, token=self.link.token)


def parse_expiry(raw, *, now=None):
    """The expiry an editor typed (a local date and time, as <input type=datetime-local> sends
    it), or the default when empty. Raises ValueError with a sentence for a person."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"“{raw}” is not a date and time; use the form 2020-08-26 09:00.") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value <= (now or timezone.now()):
        raise ValueError("Choose an expiry time in the future.")
    return value
