"""The editorial actions' signals that queue alerts (reports.editorial.signals): a report
published now is mailed by a worker within moments; a scheduled one by a task queued for its
go-live, which does nothing if it was unpublished or rescheduled meanwhile; a correction to a
live report is followed up to every address that was sent it."""

from django.dispatch import receiver

from reports.alerts import tasks
from reports.editorial import signals


@receiver(signals.report_published, dispatch_uid="alert-published-report")
def alert_published(sender, report, **kwargs):
    tasks.alert_report.enqueue(report.pk, report.published_at.isoformat())


@receiver(signals.report_scheduled, dispatch_uid="alert-scheduled-report")
def alert_scheduled(sender, report, **kwargs):
    tasks.enqueue_at(tasks.alert_report, report.published_at, report.pk, report.published_at.isoformat())


@receiver(signals.report_corrected, dispatch_uid="follow-up-corrected-report")
def follow_up_correction(sender, report, correction=None, **kwargs):
    if correction is not None:  # the task follows it up only if the report is published now
        tasks.follow_correction.enqueue(correction.pk)


@receiver(signals.report_restored, dispatch_uid="follow-up-restored-report")
def follow_up_restore(sender, report, correction=None, **kwargs):
    follow_up_correction(sender, report, correction=correction)
