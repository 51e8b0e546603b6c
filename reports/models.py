import datetime
import secrets
from typing import NamedTuple, TypedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import JSONArray, Length, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from .markdown import cached_markdown
from .periods import format_period
from .search import highlighted_summary

PERIOD_ORDER_MESSAGE = "The period end cannot be before the period start."


class Series(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name


class JSONGroupArray(models.Aggregate):
    """The aggregated values as one JSON array: JSONB_AGG on PostgreSQL (jsonb, which DISTINCT
    can compare and Django reads as JSONField text), JSON_GROUP_ARRAY on SQLite."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def report_url(slug):
    """A report's address, from its slug alone."""
    return reverse("reports:detail", kwargs={"slug": slug})


class TagRef(NamedTuple):
    """A tag as listings show it: enough for its name and its link."""

    name: str
    slug: str


class ReportLink(NamedTuple):
    """A report as a link to it shows it."""

    title: str
    slug: str

    def get_absolute_url(self):
        return report_url(self.slug)


class TagLink(NamedTuple):
    """A tag as a listing links it: to the archive filtered by it."""

    name: str
    href: str


class ReportSummary(TypedDict):
    """What a listing shows of a report, as plain values.

    Listings keep their pages per publication generation (reports.views.KeptPagesMixin), so
    the URLs, the period in words and the tag links are worked out once per generation, not on
    every request, and a kept page unpickles without the ORM. A dict, because Django's
    templates look names up in a dict first and elsewhere only after that fails.
    """

    title: str
    url: str
    period_start: str  # ISO 8601, for <time datetime>
    period_display: str
    series_name: str
    summary_html: str  # safe HTML: the summary escaped, with a search's matches marked
    tags: tuple[TagLink, ...]


def report_summary(report, archive_url, search_query=None):
    """A report as listings show it (see ReportSummary)."""
    return ReportSummary(
        title=report.title,
        url=report.get_absolute_url(),
        period_start=report.period_start.isoformat(),
        period_display=report.period_display,
        series_name=report.series.name,
        summary_html=highlighted_summary(report, search_query) if search_query else conditional_escape(report.summary),
        tags=tag_links(report.tag_list, archive_url),
    )


def tag_links(tags, archive_url):
    """TagLinks for tags (TagRefs or Tags): each to the archive filtered by it."""
    return tuple(TagLink(tag.name, f"{archive_url}?{urlencode({'tag': tag.slug})}") for tag in tags)


class ReportQuerySet(models.QuerySet):
    def published(self):
        """What a reader may see. Every public page, feed and sitemap starts here."""
        return self.filter(status=Report.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Report.Status.PUBLISHED, published_at__gt=timezone.now())

    def for_listing(self):
        """One query for a page of reports: with their series and author, their tags (as JSON,
        see Report.tag_list) and when each was last corrected (see Report.last_modified)."""
        last_correction = Correction.objects.filter(report=OuterRef("pk")).order_by("-created_at", "-pk")
        return (
            self.select_related("series", "created_by")
            .annotate(last_corrected_at=Subquery(last_correction.values("created_at")[:1]))
            .with_tags()
        )

    def with_tags(self):
        """The reports' tags in the same query, as JSON pairs: see Report.tag_list."""
        tags = (
            TaggedReport.objects.filter(content_object=OuterRef("pk"))
            .order_by()
            .values("content_object")
            .annotate(pairs=JSONGroupArray(JSONArray("tag__name", "tag__slug")))
            .values("pairs")
        )
        return self.annotate(tag_data=Subquery(tags, output_field=models.JSONField()))

    def with_neighbours(self):
        """Each report with the published reports before and after it in its series (by period),
        as (title, slug) pairs in the same row: see Report.neighbours."""
        series_reports = Report.objects.published().filter(series=OuterRef("series")).order_by()
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

    content_object = models.ForeignKey("Report", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="taggedreport_unique_tag_per_report")
        ]


# Who created or last changed a report: kept when the user is deleted, never a form field.
AUDIT_USER = {"null": True, "blank": True, "editable": False, "on_delete": models.SET_NULL}


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="reports")
    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255, unique=True, help_text="The report's address: /reports/<slug>/. Proposed from the title."
    )
    period_start = models.DateField("period start", help_text="First day the report covers.")
    period_end = models.DateField("period end", help_text="Last day the report covers.")
    summary = models.TextField(help_text="The key takeaways, in plain text.")
    body = models.TextField(blank=True, help_text="Markdown. Raw HTML is shown as text.")
    tags = TaggableManager(
        through=TaggedReport, blank=True, help_text="Actors, places and themes, separated by commas."
    )

    # Only reports.workflow changes these; they are never form fields.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)

    objects = ReportQuerySet.as_manager()

    class Meta:
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

    def get_absolute_url(self):
        return report_url(self.slug)

    def clean(self):
        # Mirrors the check constraint, attached to the field so the admin shows it there.
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": PERIOD_ORDER_MESSAGE})

    @property
    def period_display(self):
        return format_period(self.period_start, self.period_end)

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def status_label(self):
        """The status as editors speak of it: a published report not yet live is 'Scheduled'."""
        return "Scheduled" if self.is_scheduled else self.get_status_display()

    @property
    def tag_list(self):
        """The tags, by name: from the listing's JSON annotation when the query has it."""
        if hasattr(self, "tag_data"):
            pairs = self.tag_data or []
            return sorted((TagRef(name, slug) for name, slug in pairs), key=lambda tag: tag.name.casefold())
        return sorted(self.tags.all(), key=lambda tag: tag.name.casefold())

    @property
    def neighbours(self):
        """(previous, next) published reports in the series, as ReportLinks or None; from the
        with_neighbours() annotation."""
        return tuple(ReportLink(*pair) if pair else None for pair in (self.previous_report, self.next_report))

    @property
    def last_modified(self):
        """When readers last saw a change: its publication, or its latest public correction.

        Edits before publication and saves that change nothing are not changes readers saw.
        Uses a `last_corrected_at` annotation or prefetched corrections when the caller has them.
        """
        if hasattr(self, "last_corrected_at"):
            corrected = self.last_corrected_at
        elif "corrections" in getattr(self, "_prefetched_objects_cache", {}):
            corrected = max((c.created_at for c in self.corrections.all()), default=None)
        else:
            corrected = self.corrections.order_by("-created_at").values_list("created_at", flat=True).first()
        return max(filter(None, (self.published_at, corrected)), default=self.updated_at)

    @property
    def body_html(self):
        return cached_markdown(self.body)


class ReportEvent(models.Model):
    """The audit trail: one row per workflow transition (written by reports.workflow) and per
    edit (written by reports.audit from the admin's save path). Nobody edits or deletes it."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        REQUEST_CHANGES = "request_changes", "Changes requested"
        UNPUBLISH = "unpublish", "Unpublished"
        IMPORT = "import", "Imported"
        CREATE = "create", "Created"
        EDIT = "edit", "Edited"
        CORRECT = "correct", "Corrected"
        RESTORE = "restore", "Restored a revision"

    # Edits change the content, never the status.
    EDIT_ACTIONS = (Action.CREATE, Action.EDIT, Action.CORRECT, Action.RESTORE)

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=10, choices=Report.Status.choices)
    to_status = models.CharField(max_length=10, choices=Report.Status.choices)
    note = models.TextField(blank=True)
    changed_fields = models.JSONField(
        default=list, blank=True, help_text="For edits: the names of the fields that changed."
    )
    publish_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = "audit event"
        verbose_name_plural = "audit trail"
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["create", "edit", "correct", "restore"]) | Q(from_status=F("to_status")),
                name="reportevent_edit_keeps_status",
                violation_error_message="An edit cannot change the report's status.",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor or 'unknown'}"


class PublicationState(models.Model):
    """One row: what the public site looks like, as a generation number.

    Every change a reader could see (a transition, an edit to a published report, a renamed
    series or tag) bumps `generation` in the same transaction; cached public pages are keyed
    by it. `next_scheduled_at` is the next moment a scheduled report goes live, when the
    public site changes with nobody acting.
    """

    generation = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)
    next_scheduled_at = models.DateTimeField(null=True, blank=True)
    # The tags and series readers can see, as reports.vocabulary computes them.
    vocabulary = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="publicationstate_single_row")]

    def __str__(self):
        return f"generation {self.generation} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


CORRECTION_NOTE_MESSAGE = "Say what was corrected: the correction note is required."


class Correction(models.Model):
    """A public note on a change made to a report while readers could see it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="corrections")
    note = models.CharField(max_length=300, help_text="Public, e.g. “Corrected the date of the Ghaani meeting.”")
    created_at = models.DateTimeField(default=timezone.now)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]  # as the report page lists them: oldest first
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("note")), 0),
                name="correction_note_not_blank",
                violation_error_message=CORRECTION_NOTE_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.note

    def clean(self):
        if not self.note.strip():
            raise ValidationError({"note": CORRECTION_NOTE_MESSAGE})


PREVIEW_EXPIRY_MESSAGE = "A preview link must expire after it is created."
PREVIEW_REVOKED_MESSAGE = "A preview link cannot be revoked before it is created."


def new_preview_token():
    # 32 random bytes: unguessable, and safe in a URL path.
    return secrets.token_urlsafe(32)


class PreviewLink(models.Model):
    """A secret address at which anyone may read one unpublished report, until it expires or is revoked.

    reports.previews creates and revokes them and decides who may. The longest lifetime is a
    rule of clean() only: a CHECK comparing two timestamps plus an interval cannot be written
    portably for SQLite.
    """

    DEFAULT_LIFETIME = datetime.timedelta(days=7)
    MAX_LIFETIME = datetime.timedelta(days=30)

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True, default=new_preview_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)
    expires_at = models.DateTimeField("expires at")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="previewlink_expires_after_creation",
                violation_error_message=PREVIEW_EXPIRY_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="previewlink_revoked_after_creation",
                violation_error_message=PREVIEW_REVOKED_MESSAGE,
            ),
            models.CheckConstraint(condition=~Q(token=""), name="previewlink_token_not_empty"),
        ]

    def __str__(self):
        return f"Preview link for “{self.report}”"

    def get_absolute_url(self):
        return reverse("reports:preview", kwargs={"token": self.token})

    def clean(self):
        if self.expires_at is None:
            return
        if self.expires_at <= self.created_at:
            raise ValidationError({"expires_at": PREVIEW_EXPIRY_MESSAGE})
        if self.expires_at - self.created_at > self.MAX_LIFETIME:
            raise ValidationError({"expires_at": f"A preview link may last {self.MAX_LIFETIME.days} days at most."})

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_active(self):
        return not (self.is_revoked or self.is_expired)

    @property
    def state(self):
        return "revoked" if self.is_revoked else "expired" if self.is_expired else "active"


class TagMerge(models.Model):
    """What a tag merge did: which reports carried the merged tag, so that nothing goes without trace.

    Written by reports.tagging.merge_tags only.
    """

    source_name = models.CharField(max_length=100)
    source_slug = models.SlugField(max_length=100, allow_unicode=True)
    target = models.ForeignKey("taggit.Tag", null=True, on_delete=models.SET_NULL, related_name="merges_in")
    target_name = models.CharField(max_length=100)
    # Reports that carried the source tag, and those among them that already had the target.
    report_ids = models.JSONField(default=list, blank=True)
    already_tagged_ids = models.JSONField(default=list, blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)
    merged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_name=F("target_name")),
                name="tagmerge_source_is_not_target",
                violation_error_message="A tag cannot be merged into itself.",
            ),
        ]

    def __str__(self):
        return f"“{self.source_name}” merged into “{self.target_name}”"
