"""The frame every editorial action runs in.

    with editorial_action("publish", actor=editor) as outcome:
        report = lock(report)          # the row as it is now, locked until commit
        ...check, write, record the ReportEvent...
        outcome.announce(signals.report_published, Report, report=report, event=event)
        outcome.public_changed()       # readers can see it

One transaction: a refusal (ActionRefused) or any error rolls everything back and announces
nothing. At its end, if readers can see the change, the publication state is bumped once,
last, after everything it derives from has been written (PublicationState.record_change).
Once the transaction commits, the signals are sent, each receiver on its own: a failing
receiver (a mail server that is down) is logged by django.dispatch and cannot undo what
has happened.
"""

from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext

from reports.editorial import signals
from reports.models import PublicationState, Report


class ActionRefused(Exception):
    """An action that is not allowed now; str() says why, for the person who asked. Nothing
    was changed. `field` names the form field the reason is about, when there is one."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


class Outcome:
    """What an action did, collected while it runs and announced after it commits."""

    def __init__(self, name, actor):
        self.name, self.actor = name, actor
        self.announcements = []
        self.public = False

    def announce(self, signal, sender, **arguments):
        self.announcements.append((signal, sender, arguments))

    def public_changed(self):
        """Readers can see what this action changed."""
        self.public = True

    def send(self):
        announcements = list(self.announcements)
        if self.public:
            announcements.append((signals.public_site_changed, Report, {"action": self.name}))
        for signal, sender, arguments in announcements:
            # Each receiver on its own: Django logs a failing one (django.dispatch) and goes on.
            signal.send_robust(sender, actor=self.actor, **arguments)


@contextmanager
def editorial_action(name, *, actor):
    with transaction.atomic():
        outcome = Outcome(name, actor)
        yield outcome
        if outcome.public:
            PublicationState.objects.record_change()
        transaction.on_commit(outcome.send)


def lock(report):
    """The report's row as it is stored now, locked until the transaction ends."""
    try:
        return Report.objects.select_for_update().get(pk=report.pk)
    except Report.DoesNotExist:
        raise ActionRefused(gettext("This report no longer exists.")) from None
