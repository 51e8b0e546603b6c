"""Planning an import: what it would create, update, leave alone or refuse. Writes nothing."""

import difflib
import re

from django.utils.text import slugify

from reports.editorial import authoring
from reports.importexport.records import SLUG_LENGTH, TITLE_LENGTH, WRITE_BATCH, ImportPlan, NewReport, Refusal, Update
from reports.models import Report, ReportAuthor, Series, TaggedReport
from reports.text.periods import house_title
from reports.text.tagmatch import TagMatcher

# Planning


def plan_import(source, *, progress=None):
    """Compare a source with the database: what would be created, updated, left alone or
    refused. Writes nothing. `progress(done)` is called as the reports are compared."""
    plan = ImportPlan(refused=list(source.refused), authors=dict(source.authors))
    series = _series_for(source.reports)
    existing = _existing_reports(series.values(), with_tags=any(not i.is_listing for i in source.reports))
    vocabulary = TagMatcher(authoring.tag_vocabulary()) if any(i.is_listing for i in source.reports) else None
    slugs = _SlugRegistry(_candidate_slugs(source.reports, series))
    first_seen = {}
    for done, incoming in enumerate(source.reports, 1):
        if progress and done % 100 == 0:
            progress(done)
        report_series = series[incoming.series_slug]
        key = (report_series.slug, incoming.period_start, incoming.period_end)
        if key in first_seen:
            plan.refused.append(_refuse(incoming, f"the same series and period as {first_seen[key]}"))
            continue
        first_seen[key] = incoming.where
        title = incoming.title or house_title(report_series.name, incoming.period_start, incoming.period_end)
        if len(title) > TITLE_LENGTH:
            plan.refused.append(_refuse(incoming, f"the title would be longer than {TITLE_LENGTH} characters"))
            continue
        matches = existing.get(key, [])
        if len(matches) > 1:
            slug = incoming.slug or slugify(title)
            matches = [report for report in matches if report.slug == slug] or matches
        if len(matches) > 1:
            reason = f"{len(matches)} reports of {report_series.name} already cover this period: keep one, then import"
            plan.refused.append(_refuse(incoming, reason))
        elif matches:
            _compare(plan, matches[0], incoming, title)
        elif incoming.is_listing:
            slug = slugs.claim_free(slugify(title)[:SLUG_LENGTH])
            tags = sorted(vocabulary.propose(incoming.summary), key=str.lower)  # found in order of appearance
            plan.created.append(NewReport(incoming, report_series, title, slug, tags))
        elif slugs.is_taken(incoming.slug):
            plan.refused.append(_refuse(incoming, f"another report already has the slug “{incoming.slug}”"))
        else:
            slugs.claim(incoming.slug)
            plan.created.append(
                NewReport(incoming, report_series, title, incoming.slug, incoming.tags, incoming.authors)
            )
    if progress:
        progress(len(source.reports))
    plan.refused.sort(key=lambda refusal: refusal.where)
    return plan


def _refuse(incoming, reason):
    return Refusal(incoming.where, incoming.source_title, reason)


def _compare(plan, report, incoming, title):
    """Unchanged, or an update of the texts the source defines (see the module's docstring)."""
    imported = {"summary": incoming.summary}
    if not incoming.is_listing:
        imported |= {"title": title, "body": incoming.body}
    changes = {name: (getattr(report, name), text) for name, text in imported.items() if getattr(report, name) != text}
    tags = incoming.tags
    if not incoming.is_listing and {t.lower() for t in tags} != {t.lower() for t in report.tag_names}:
        changes["tags"] = (", ".join(sorted(report.tag_names, key=str.lower)), ", ".join(sorted(tags, key=str.lower)))
    else:
        tags = None
    authors = None
    if not incoming.is_listing and incoming.authors != report.author_names:
        authors = incoming.authors
        changes["authors"] = ("; ".join(report.author_names), "; ".join(authors))
    if changes:
        plan.updated.append(Update(report, incoming, changes, tags, authors))
    else:
        plan.unchanged.append(incoming)


def _series_for(incomings):
    """The series each report goes into, by the slug its source gives; new ones unsaved.
    A series is found by its name, then by its slug, so a heading in other capitals still
    finds its series."""
    wanted = {}
    for incoming in incomings:
        wanted.setdefault(incoming.series_slug, incoming.series_name)
    by_name = {s.name: s for s in Series.objects.filter(name__in=list(wanted.values()))}
    by_slug = {s.slug: s for s in Series.objects.filter(slug__in=list(wanted))}
    found = {}
    for slug, name in wanted.items():
        found[slug] = by_name.get(name) or by_slug.get(slug) or Series(name=name, slug=slug)
        by_name.setdefault(name, found[slug])  # one new series per name, however many slugs
    return found


def _existing_reports(series, *, with_tags):
    """Reports of the given series by (series slug, start, end), in one query (and one for tags)."""
    saved = [s for s in series if s.pk is not None]
    reports = (
        Report.objects.filter(series__in=saved)
        .select_related("series")
        .only("title", "slug", "summary", "body", "period_start", "period_end", "series__slug")
    )
    tag_names, author_names = {}, {}
    if with_tags:
        links = TaggedReport.objects.filter(content_object__series__in=saved).values_list("content_object", "tag__name")
        for report_pk, name in links:
            tag_names.setdefault(report_pk, []).append(name)
        bylines = ReportAuthor.objects.filter(report__series__in=saved).order_by("report", "position", "pk")
        for report_pk, name in bylines.values_list("report", "author__name"):
            author_names.setdefault(report_pk, []).append(name)
    by_key = {}
    for report in reports:
        report.tag_names = tag_names.get(report.pk, [])
        report.author_names = author_names.get(report.pk, [])
        by_key.setdefault((report.series.slug, report.period_start, report.period_end), []).append(report)
    return by_key


def _candidate_slugs(incomings, series):
    for incoming in incomings:
        if incoming.slug:
            yield incoming.slug
        else:
            report_series = series[incoming.series_slug]
            yield slugify(house_title(report_series.name, incoming.period_start, incoming.period_end))[:SLUG_LENGTH]


class _SlugRegistry:
    """Report slugs taken in the database or by this import, looked up in batches."""

    def __init__(self, candidates):
        candidates = list(dict.fromkeys(candidates))
        self.taken = set()
        for start in range(0, len(candidates), WRITE_BATCH):
            batch = candidates[start : start + WRITE_BATCH]
            self.taken.update(Report.objects.filter(slug__in=batch).values_list("slug", flat=True))

    def is_taken(self, slug):
        return slug in self.taken

    def claim(self, slug):
        self.taken.add(slug)

    def claim_free(self, slug):
        """`slug`, or the first of slug-2, slug-3... that is free, claimed."""
        if slug in self.taken:
            self.taken.update(Report.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
            number = 2
            while f"{slug[: SLUG_LENGTH - 1 - len(str(number))]}-{number}" in self.taken:
                number += 1
            slug = f"{slug[: SLUG_LENGTH - 1 - len(str(number))]}-{number}"
        self.claim(slug)
        return slug


# Showing a plan


def text_diff(name, old, new):
    """A unified diff of one field for a person: long paragraphs are cut at sentence ends,
    so that a changed sentence shows as one line, not the whole paragraph."""

    def lines(text):
        return [piece for line in text.split("\n") for piece in re.split(r"(?<=[.!?])\s+", line)]

    return list(difflib.unified_diff(lines(old), lines(new), f"{name} (now)", f"{name} (imported)", lineterm=""))
