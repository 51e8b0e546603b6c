"""Creating and revoking preview links: a secret address at which anyone can read one
unpublished report until the link expires or is revoked (reports.public.views.previews shows it)."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext

from reports.editorial import permissions, signals
from reports.editorial.actions.base import ActionRefused, editorial_action, lock
from reports.models import PreviewLink


class PreviewRefused(ActionRefused):
    """A preview-link action that the report's state does not allow; str() says why."""


def _check_permission(report, user):
    if not permissions.may_share_preview(user, report):
        raise PermissionDenied(gettext("Only editors and the report’s writer can share or revoke its preview links."))


def default_expiry(now=None):
    return (now or timezone.now()) + PreviewLink.DEFAULT_LIFETIME


def create_link(report, *, by, expires_at=None):
    """A new link to `report`, valid until `expires_at` (7 days from now when None)."""
    with editorial_action("create_preview_link", actor=by) as outcome:
        _check_permission(report, by)
        report = lock(report)  # its state now, not a stale form's
        if report.is_public:
            raise PreviewRefused(gettext("This report is already published: share its public address instead."))
        now = timezone.now()
        link = PreviewLink(report=report, created_by=by, created_at=now, expires_at=expires_at or default_expiry(now))
        link.full_clean(exclude=["report", "created_by"])
        link.save()
        outcome.announce(signals.preview_link_created, PreviewLink, link=link)
    return link


def revoke_link(link, *, by):
    with editorial_action("revoke_preview_link", actor=by) as outcome:
        _check_permission(link.report, by)
        link = PreviewLink.objects.select_for_update().get(pk=link.pk)
        if link.is_revoked:
            raise PreviewRefused(gettext("This preview link was already revoked."))
        link.revoked_at = timezone.now()
        link.revoked_by = by
        link.save(update_fields=["revoked_at", "revoked_by"])
        outcome.announce(signals.preview_link_revoked, PreviewLink, link=link)
    return link
