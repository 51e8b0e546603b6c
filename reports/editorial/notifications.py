"""E-mail sent by workflow transitions, through Django's e-mail framework (EMAIL_* settings).

reports.editorial.actions.workflow calls these after its transaction commits, so that no one is told about a
change that was rolled back. A mail server that fails is logged and does not undo the
transition, which has already happened.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from reports.editorial import permissions, signals

logger = logging.getLogger(__name__)


def absolute(path):
    """An address people can follow from an e-mail: SITE_URL and the path, or the path alone."""
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else path


def editors(*, exclude=None):
    """Editors with an e-mail address, but `exclude`."""
    users = permissions.editors()
    return users.exclude(pk=exclude.pk) if exclude is not None else users


@receiver(signals.report_submitted, dispatch_uid="mail-editors-on-submit")
def mail_editors_on_submit(sender, *, event, **kwargs):
    report_submitted(event)


def report_submitted(event):
    """Tell the editors that `event` (a submission) put a report in their review queue."""
    report = event.report
    submitter = (event.actor.get_full_name() or event.actor.get_username()) if event.actor else None
    context = {
        "report": report,
        "event": event,
        "submitter": submitter or gettext("Someone"),
        "review_url": absolute(reverse("admin:reports_report_change", args=[report.pk])),
        "queue_url": absolute(reverse("admin:reports_report_review_queue")),
    }
    subject = " ".join(
        (gettext("Review requested: %(title)s") % {"title": report.title}).split()
    )  # one line, whatever the title holds
    body = render_to_string("reports/email/submitted_for_review.txt", context)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]) for user in editors(exclude=event.actor)
    ]
    if messages:
        sent = get_connection().send_messages(messages)
        logger.info("Review request for report %s mailed to %s editor(s).", report.pk, sent)
    return messages
