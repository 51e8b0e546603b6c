"""Series, reports and their tags: what sitrep is about.

`Report.objects.published()` is the one definition of what a reader may see: every public
page, feed, sitemap and API starts from it.
"""

import contextvars
import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import JSONArray
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from reports.models.aggregates import JSONGroupArray, json_rows
from reports.models.correction import Correction
from reports.models.names import TagNames, report_url
from reports.models.translation import translation_annotations, translation_refs
from reports.models.version import published_versions_json, version_refs
from reports.text.markdown import body_html, renders, stored_rendering
from reports.text.periods import format_period

PERIOD_ORDER_MESSAGE = "The period end cannot be before the period start."


class Series(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_ar = models.CharField(_("Arabic name"), max_length=200, blank=True, help_text=_("Shown on the Arabic site."))
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name, verbose_name_plural = pgettext_lazy("model", "series"), pgettext_lazy("models", "series")

    def __str__(self):
        return self.name


REPORT_SLUG_HELP = _("The report's address: /reports/<slug>/. Proposed from the title.")


class TagRef(NamedTuple):
    """A tag as listings show it: enough for its name and its link."""

    name: str
    slug: str


class AuthorRef(NamedTuple):
    """An author as a byline shows them: their name and their page."""

    name: str
    slug: str

    def get_absolute_url(self):
        return reverse("reports:author", kwargs={"slug": self.slug})


class ReportLink(NamedTuple):
    """A report as a link to it shows it."""

    title: str
    slug: str

    def get_absolute_url(self):
        return report_url(self.slug)


# The stand-in for "now" while a query is compiled for many requests (reports.caching.compiled).
building_at = contextvars.ContextVar("building_at", default=None)


def reading_moment():
    return building_at.get() or timezone.now()


class ReportQuerySet(models.QuerySet):
    def published(self):
        """What a reader may see. Every public page, feed and sitemap starts here."""
        return self.filter(status=Report.Status.PUBLISHED, published_at__lte=reading_moment())

    def scheduled(self):
        return self.filter(status=Report.Status.PUBLISHED, published_at__gt=reading_moment())

    def for_listing(self):
        """One query for a page of reports: series, tags, bylines, figures (JSON: Report.tag_list...)
        and when each was last corrected (Report.last_modified); not the PDF's (long) text."""
        last_correction = Correction.objects.filter(report=OuterRef("pk")).order_by("-created_at", "-pk")
        return (
            self.select_related("series")
            .defer("pdf_text")  # search reads it in the database; pages never need it
            .annotate(last_corrected_at=Subquery(last_correction.values("created_at")[:1]))
            .for_summaries()
        )

    def for_summaries(self):  # what a listing's summaries show: tags, bylines and figures
        return self.with_tag_ids().with_authors().with_figures()

    def with_tags(self):
        """The reports' tags in the same query, as JSON pairs: see Report.tag_list."""
        return self.annotate(tag_data=json_rows(TaggedReport, "content_object", "tag__name", "tag__slug"))

    def with_tag_ids(self):
        """The reports' tag ids in the same query, from the links' index alone: see Report.tag_list."""
        links = TaggedReport.objects.filter(content_object=OuterRef("pk")).order_by().values("content_object")
        ids = links.annotate(ids=JSONGroupArray("tag_id")).values("ids")
        return self.annotate(tag_ids=Subquery(ids, output_field=models.JSONField()))

    def with_authors(self):
        """The reports' bylines in the same query, as JSON triples: see Report.author_list."""
        from reports.models.author import ReportAuthor

        return self.annotate(author_data=json_rows(ReportAuthor, "report", "position", "author__name", "author__slug"))

    def with_versions(self):
        """The published versions in the same query, as JSON pairs: see Report.version_list."""
        return self.annotate(version_data=published_versions_json(reading_moment()))

    def with_pdf(self):
        """The reports' current PDFs in the same query, as JSON: see Report.pdf."""
        from reports.models.pdf import current_pdf_json

        return self.annotate(pdf_data=current_pdf_json())

    def with_translations(self):
        """Each report's other published language versions: see reports.models.translation."""
        return self.annotate(**translation_annotations(Report, JSONGroupArray))

    def with_figures(self):
        """The reports' current figures in the same query, as JSON rows: see Report.figure_list."""
        from reports.models.figure import current_figures_json

        return self.annotate(figure_data=current_figures_json())

    def with_neighbours(self):
        """The published reports before and after each in its series and language: Report.neighbours."""
        series_reports = Report.objects.published().filter(series=OuterRef("series"), language=OuterRef("language"))
        series_reports = series_reports.order_by()
        before = series_reports.filter(period_start__lt=OuterRef("period_start")).order_by("-period_start", "-pk")
        after = series_reports.filter(period_start__gt=OuterRef("period_start")).order_by("period_start", "pk")
        return self.annotate(
            **{
                f"{name}_report": Subquery(
                    reports.values(pair=JSONArray("title", "slug"))[:1], output_field=models.JSONField()
                )
                for name, reports in (("previous", before), ("next", after))
            }
        )

    def tag_counts(self):
        """The tags of these reports with how many carry each, most used first."""
        return (
            TaggedReport.objects.filter(content_object__in=self)
            .values("tag__name", "tag__slug")
            .annotate(report_count=Count("content_object", distinct=True))
            .order_by("-report_count", "tag__name")
        )


class TaggedReport(TaggedItemBase):
    """Tag links through a real foreign key, so the planner can join and index them."""

    # No index of its own: the unique (report, tag) constraint's index serves lookups by report,
    # and holds the tag too, so that a report's tags are read from the index alone.
    content_object = models.ForeignKey("Report", on_delete=models.CASCADE, related_name="tagged_items", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="taggedreport_unique_tag_per_report")
        ]
        indexes = [
            # A tag's reports from the index alone: two tags' reports meet in a merge of two
            # index-only scans, not by reading the whole archive (reports.public.facets).
            models.Index(fields=["tag", "content_object"], name="taggedreport_tag_report_idx"),
        ]


# Who created or last changed a report: kept when the user is deleted, never a form field.
AUDIT_USER = {"null": True, "blank": True, "editable": False, "on_delete": models.SET_NULL}


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


class PublicationTimes:
    """Live or scheduled, from `status` and `published_at`: for reports and for the plain
    values that stand for them (reports.public.report_page)."""

    @property
    def is_scheduled(self):
        return self.status == ReportStatus.PUBLISHED and self.published_at > timezone.now()

    @property
    def is_public(self):
        return self.status == ReportStatus.PUBLISHED and self.published_at <= timezone.now()

    @property
    def status_label(self):
        """The status as editors speak of it: a published report not yet live is 'Scheduled'."""
        return "Scheduled" if self.is_scheduled else ReportStatus(self.status).label


class Language(models.TextChoices):
    """The languages a report is written in (the site's interface languages too)."""

    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")


class Report(PublicationTimes, models.Model):
    Status = ReportStatus
    Language = Language

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="reports", verbose_name=_("series"))
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, help_text=REPORT_SLUG_HELP)
    period_start = models.DateField(_("period start"), help_text=_("First day the report covers."))
    period_end = models.DateField(_("period end"), help_text=_("Last day the report covers."))
    summary = models.TextField(_("summary"), help_text=_("The key takeaways, in plain text."))
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown. Raw HTML is shown as text."))
    authors = models.ManyToManyField("reports.Author", through="ReportAuthor", related_name="reports", blank=True)
    tags = TaggableManager(
        _("tags"), through=TaggedReport, blank=True, help_text=_("Actors, places and themes, separated by commas.")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH,
                                help_text=_("The language the report is written in."))  # fmt: skip
    # A report and its translations share one key, one report per language (see
    # reports.editorial.actions.translating). The original has no source moment; a translation
    # records the moment of the original it was made from, so that a later correction of the
    # original shows the translation needs updating.
    translation_key = models.UUIDField(default=uuid.uuid4, editable=False)
    source_version_at = models.DateTimeField("translates the original as of", null=True, blank=True, editable=False)
    translator = models.ForeignKey(
        "reports.Author",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="translations",
        verbose_name=_("translator"),
        help_text=_("Who translated this report, for a translation."),
    )
    # The text of the report's PDF, kept when the PDF is uploaded, so that search finds it.
    pdf_text = models.TextField(blank=True, default="", editable=False)
    # The body's HTML, kept by save() (reports.text.markdown.stored_rendering): pages need not convert it.
    body_rendering = models.TextField(blank=True, default="", editable=False)

    # Only reports.editorial.actions.workflow changes these; they are never form fields.
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name, verbose_name_plural = pgettext_lazy("model", "report"), pgettext_lazy("model", "reports")
        ordering = ["-period_start", "-pk"]
        permissions = [("publish_report", "Can publish, schedule, unpublish and request changes")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="report_period_end_not_before_start",
                violation_error_message=PERIOD_ORDER_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False, first_published_at__isnull=False),
                name="report_published_has_dates",
                violation_error_message="A published report needs its publication dates.",
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values),
                name="report_language_known",
                violation_error_message="A report is written in English or Arabic.",
            ),
            models.UniqueConstraint(
                fields=["translation_key", "language"],
                name="report_one_translation_per_language",
                violation_error_message="This report already has a translation in that language.",
            ),
        ]
        indexes = [
            # What readers see, newest publication first with a stable order: the feeds' order.
            models.Index(fields=["status", "published_at", "id"], name="report_published_order_idx"),
            models.Index(fields=["series", "period_start"], name="report_series_period_idx"),
            # The archive's order (newest period first), walked backwards: a page of the archive,
            # filtered or not, reads its 20 reports without sorting the whole archive.
            models.Index(fields=["period_start", "id"], name="report_period_order_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, update_fields=None, **kwargs):
        # Every write of a report through the ORM passes here; bulk writers call render_body() first.
        if "body" not in self.get_deferred_fields() and (update_fields is None or "body" in update_fields):
            self.render_body()
            update_fields = None if update_fields is None else {*update_fields, "body_rendering"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return report_url(self.slug)

    def render_body(self):
        """Keep the HTML of the current body, unless it is kept already."""
        if not renders(self.body_rendering, self.body):
            self.body_rendering = stored_rendering(self.body)

    def clean(self):
        # Mirrors the check constraint, attached to the field so the admin shows it there.
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": PERIOD_ORDER_MESSAGE})

    @property
    def period_display(self):
        return format_period(self.period_start, self.period_end)

    @property
    def is_translation(self):
        return self.source_version_at is not None

    @property
    def translation_list(self):
        """Its group's other published reports as TranslationRefs: from with_translations(), or one query."""
        return translation_refs(self)

    @property
    def tag_list(self):
        """The tags, by name: from the listing's JSON annotation (names, or ids) when the query has it."""
        if hasattr(self, "tag_data") or hasattr(self, "tag_ids"):
            pairs = (self.tag_data or []) if hasattr(self, "tag_data") else TagNames.pairs(self.tag_ids or [])
            return sorted((TagRef(name, slug) for name, slug in pairs), key=lambda tag: tag.name.casefold())
        return sorted(self.tags.all(), key=lambda tag: tag.name.casefold())

    @property
    def author_list(self):
        """The bylines in order, as AuthorRefs: from the listing's JSON annotation when the query has it."""
        if hasattr(self, "author_data"):
            return tuple(AuthorRef(name, slug) for _, name, slug in sorted(self.author_data or [], key=lambda r: r[0]))
        if self.pk is None:
            return ()
        rows = self.bylines.order_by("position", "pk").values_list("author__name", "author__slug")
        return tuple(AuthorRef(name, slug) for name, slug in rows)

    @property
    def version_list(self):
        """The published versions, oldest first, as VersionRefs: from the with_versions() annotation."""
        return version_refs(getattr(self, "version_data", None))

    @property
    def pdf(self):
        """The current PDF as a PdfRef, or None: from the with_pdf() annotation when the query has it."""
        from reports.models.pdf import current_pdf_json, pdf_ref

        if not hasattr(self, "pdf_data"):
            self.pdf_data = Report.objects.filter(pk=self.pk).values_list(current_pdf_json(), flat=True).first()
        return pdf_ref(self.pdf_data)

    @property
    def figure_list(self):
        """The current figures in order, as FigureData: from the listing's JSON annotation if any."""
        from reports.models.figure import figure_refs

        return figure_refs(self)

    @property
    def neighbours(self):
        """(previous, next) published ReportLinks (or None) from the with_neighbours() annotation."""
        return tuple(ReportLink(*pair) if pair else None for pair in (self.previous_report, self.next_report))

    @property
    def last_modified(self):
        """When readers last saw a change: its publication or latest public correction (not edits
        before publication). From a `last_corrected_at` annotation or prefetched corrections if any."""
        if hasattr(self, "last_corrected_at"):
            corrected = self.last_corrected_at
        elif "corrections" in getattr(self, "_prefetched_objects_cache", {}):
            corrected = max((c.created_at for c in self.corrections.all()), default=None)
        else:
            corrected = self.corrections.order_by("-created_at").values_list("created_at", flat=True).first()
        return max(filter(None, (self.published_at, corrected)), default=self.updated_at)

    @property
    def body_html(self):
        return body_html(self.body, self.body_rendering)
