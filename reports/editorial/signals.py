"""What editorial actions announce, once their transaction has committed.

Each action (reports.editorial.actions) sends the signal that says what happened, with
`sender` the model class changed and `actor` the user (None for the command line), and then,
if readers can see the change, `public_site_changed`. Receivers never see a change that was
rolled back. The page cache, the CDN purge hook and the editors' e-mail are receivers
(reports.caching.receivers, reports.editorial.notifications); whatever comes next (alerts,
renditions, translations) subscribes the same way.

Arguments, besides `sender` and `actor`:
- report_submitted, report_published, report_scheduled, report_changes_requested,
  report_unpublished: `report`, `event` (the ReportEvent written).
- report_created, report_edited, report_corrected, report_restored: `report`, `event`;
  report_corrected also `correction`.
- report_translated: `report` (the new translation), `original`, `event`.
- report_deleted: `report_id`, `title`, `was_public`, `files` (the storage names of its figures,
  renditions, PDFs and thumbnails, to delete: reports.renditions.receivers does).
- reports_imported: `created` and `updated` (lists of report ids).
- tags_merged: `merges` (TagMerge records); tag_changed, series_changed, author_changed:
  `instance`, `deleted`.
- report_pdf_changed: `report`, `pdf` (the new ReportPDF, or None when it was removed); sent
  with the edit's own signal (save_report), and by pdfs.import_pdfs for each imported PDF that
  has no thumbnail. The thumbnail task is its receiver.
- preview_link_created, preview_link_revoked: `link`.
- figures_saved: `report`, `figure_ids` (figures with a new file, to render);
  figure_files_unused: `names` (storage names no figure uses any more, to delete).
- public_site_changed: `action` (the name of the action that changed it).
"""

from django.dispatch import Signal

report_submitted = Signal()
report_published = Signal()
report_scheduled = Signal()
report_changes_requested = Signal()
report_unpublished = Signal()
report_created = Signal()
report_edited = Signal()
report_corrected = Signal()
report_restored = Signal()
report_translated = Signal()
report_deleted = Signal()
reports_imported = Signal()
tags_merged = Signal()
tag_changed = Signal()
series_changed = Signal()
author_changed = Signal()
report_pdf_changed = Signal()
preview_link_created = Signal()
preview_link_revoked = Signal()
figures_saved = Signal()
figure_files_unused = Signal()
public_site_changed = Signal()
