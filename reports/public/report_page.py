"""A report as its page shows it, in plain values: what is kept in the cache for readers.

Nothing here holds a model instance or a user: the writer is kept as the name a citation
gives, so no password hash, e-mail address or flag can reach a cache shared by every host.
"""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.safestring import mark_safe

from reports.caching.vocabulary import shown_name
from reports.models import AuthorRef, ReportLink, TagRef, TranslationRef, VersionRef, report_url
from reports.models.correction import CorrectionNote, correction_notes
from reports.models.pdf import PdfRef
from reports.models.report import PublicationTimes
from reports.public.citation import Author, report_authors
from reports.public.media.pictures import Picture, pictures
from reports.text import markdown
from reports.text.periods import format_period


class SeriesRef(NamedTuple):
    name: str
    slug: str


@dataclass(frozen=True)
class ReportPage(PublicationTimes):
    pk: int
    title: str
    slug: str
    series: SeriesRef
    period_start: datetime.date
    period_end: datetime.date
    summary: str
    body: str
    body_rendering: str  # Report.body_rendering: its HTML, kept with it
    status: str
    published_at: datetime.datetime | None
    first_published_at: datetime.datetime | None
    last_modified: datetime.datetime
    tag_list: tuple[TagRef, ...]
    corrections: tuple[CorrectionNote, ...]
    neighbours: tuple[ReportLink | None, ReportLink | None]
    authors: tuple[Author, ...]
    versions: tuple[VersionRef, ...] = ()  # its published states, oldest first (with_versions())
    pdf: PdfRef | None = None
    language: str = "en"
    source_version_at: datetime.datetime | None = None
    translations: tuple[TranslationRef, ...] = ()
    # For a translation: when its original was corrected after the translation was made.
    original_corrected_at: datetime.datetime | None = None
    translator: AuthorRef | None = None
    figures: tuple[Picture, ...] = ()
    figures_html: tuple[str, ...] = ()  # each figure's <figure>, rendered once and kept with the page

    @classmethod
    def of(cls, report, *, preview=None):
        """From a report fetched with for_listing(), with_neighbours(), with_versions(), with_pdf(),
        with_translations() and its corrections; `preview`: the token of the preview link it is
        shown through (its files need it)."""
        return cls(
            pk=report.pk,
            title=report.title,
            slug=report.slug,
            series=SeriesRef(shown_name("series", report.series.slug, report.series.name), report.series.slug),
            period_start=report.period_start,
            period_end=report.period_end,
            summary=report.summary,
            body=report.body,
            body_rendering=report.body_rendering,
            status=report.status,
            published_at=report.published_at,
            first_published_at=report.first_published_at,
            last_modified=report.last_modified,
            tag_list=tuple(TagRef(shown_name("tag", tag.slug, tag.name), tag.slug) for tag in report.tag_list),
            corrections=tuple(correction_notes(report)),
            neighbours=report.neighbours,
            authors=tuple(report_authors(report)),
            versions=report.version_list,
            pdf=report.pdf,
            language=report.language,
            source_version_at=report.source_version_at,
            translations=report.translation_list,
            original_corrected_at=getattr(report, "original_corrected_at", None),
            translator=AuthorRef(report.translator_name, report.translator_slug)
            if getattr(report, "translator_name", None)
            else None,
            figures=(shown := pictures(report.figure_list, preview=preview)),
            figures_html=tuple(str(picture.html()) for picture in shown),
        )

    def get_absolute_url(self):
        return report_url(self.slug)

    @property
    def current_version(self):
        return self.versions[-1] if self.versions else None

    @property
    def period_display(self):
        return format_period(self.period_start, self.period_end)

    @property
    def lead_figure(self):
        return self.figures[0] if self.figures else None

    @property
    def lead_figure_html(self):
        return mark_safe(self.figures_html[0]) if self.figures_html else ""  # rendered by pictures.Picture.html

    @property
    def body_html(self):
        placed = dict(enumerate(self.figures_html, start=1)) if "figure:" in self.body else None
        return markdown.body_html(self.body, self.body_rendering, placed)
