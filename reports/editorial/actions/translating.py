"""Translating a report: a linked draft in the other language, a report of its own.

The translation shares the original's translation key, so each finds the other, and records
the moment of the original it was made from (`source_version_at`): a correction of the original
after that moment means the translation needs updating (reports.editorial.translations).
It gets its own workflow, revisions, corrections and preview links like any report.
"""

from django.utils import timezone
from django.utils.translation import gettext

from reports.editorial import audit, permissions, revisions, signals
from reports.editorial.actions.base import ActionRefused, editorial_action, lock
from reports.models import Report, ReportEvent

OTHER_LANGUAGE = {Report.Language.ENGLISH: Report.Language.ARABIC, Report.Language.ARABIC: Report.Language.ENGLISH}

# What else a translation takes from its original, called with (original, translation) inside the
# action's transaction once the translation is saved: figures register their copier here
# (reports.editorial.actions.translating.COPIERS.append(copy_figures)).
COPIERS = []


def translation_slug(original, language):
    """The original's address with the language after it, numbered if that is taken."""
    base = f"{original.slug}-{language}"[:250]
    slug, number = base, 2
    while Report.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def translate(report, *, by, language=None):
    """Create the draft translation of `report` into `language` (the other one by default),
    with its series, period, tags and text to translate copied; returns the new report.
    Raises ActionRefused, changing nothing, when that is not allowed."""
    with editorial_action("translate", actor=by) as outcome:
        original = lock(report)
        language = language or OTHER_LANGUAGE[original.language]
        if not permissions.may_translate(by):
            raise ActionRefused(gettext("You do not have permission to write reports, so you cannot translate one."))
        if language == original.language:
            raise ActionRefused(gettext("A translation is in another language than its original."))
        existing = Report.objects.filter(translation_key=original.translation_key, language=language).first()
        if existing is not None:
            already = gettext("This report already has a translation in %(language)s: “%(report)s”.")
            raise ActionRefused(already % {"language": existing.get_language_display(), "report": existing})
        translation = Report.objects.create(
            series=original.series,
            title=original.title,
            slug=translation_slug(original, language),
            period_start=original.period_start,
            period_end=original.period_end,
            summary=original.summary,
            body=original.body,
            language=language,
            translation_key=original.translation_key,
            source_version_at=timezone.now(),
            created_by=by,
            updated_by=by,
        )
        translation.tags.set(list(original.tags.all()))
        for copy in COPIERS:
            copy(original, translation)
        revisions.record(translation, by=by, message=f"Translation of “{original.title}”")
        changed = [name for name, value in revisions.content_of(translation).items() if value not in (None, "", ())]
        event = audit.record_edit(
            translation,
            by=by,
            action=ReportEvent.Action.CREATE,
            changed_fields=changed,
            note=f"Translation into {translation.get_language_display()} of “{original.title}” ({original.slug})",
        )
        outcome.announce(signals.report_translated, Report, report=translation, original=original, event=event)
    return translation
