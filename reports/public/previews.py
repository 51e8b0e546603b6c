"""Shareable preview links: a secret address at which anyone can read an unpublished report.

Editors, and the writer who created the report, may create links for a draft, a report in
review or a scheduled report, and revoke them at any time. A link shows the report exactly as
a reader without an account will see it, under a "Preview" banner, never cached and never
indexed. Once the report is public its links redirect to its public address (unless revoked
or expired): the people it was shared with land on the real page.
"""

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from reports.models import PreviewLink, Report
from reports.public.views import ReportDetailView

PUBLISH_PERMISSION = "reports.publish_report"
ROBOTS = "noindex, nofollow"
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what secrets.token_urlsafe makes


class PreviewRefused(Exception):
    """A preview-link action that the report's state does not allow; str() says why."""


def may_share(report, user):
    """Editors, and the report's own writer, may create and revoke its preview links."""
    if not (user.is_active and user.is_staff):
        return False
    if user.has_perm(PUBLISH_PERMISSION):
        return True
    return (
        report.created_by_id is not None and report.created_by_id == user.pk and user.has_perm("reports.change_report")
    )


def _check_permission(report, user):
    if not may_share(report, user):
        raise PermissionDenied("Only editors and the report’s writer can share or revoke its preview links.")


def default_expiry(now=None):
    return (now or timezone.now()) + PreviewLink.DEFAULT_LIFETIME


@transaction.atomic
def create_link(report, *, by, expires_at=None):
    """A new link to `report`, valid until `expires_at` (7 days from now when None)."""
    _check_permission(report, by)
    report = Report.objects.select_for_update().get(pk=report.pk)  # its state now, not a stale form's
    if report.is_public:
        raise PreviewRefused("This report is already published: share its public address instead.")
    now = timezone.now()
    link = PreviewLink(report=report, created_by=by, created_at=now, expires_at=expires_at or default_expiry(now))
    link.full_clean(exclude=["report", "created_by"])
    link.save()
    return link


@transaction.atomic
def revoke_link(link, *, by):
    _check_permission(link.report, by)
    link = PreviewLink.objects.select_for_update().get(pk=link.pk)
    if link.is_revoked:
        raise PreviewRefused("This preview link was already revoked.")
    link.revoked_at = timezone.now()
    link.revoked_by = by
    link.save(update_fields=["revoked_at", "revoked_by"])
    return link


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
        return Report.objects.for_listing().with_neighbours().get(pk=self.link.report_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"preview_link": self.link}


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
