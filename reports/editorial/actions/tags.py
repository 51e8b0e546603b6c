"""Tags, series and authors: merging tags, and changing or deleting a tag, a series or an author.

Readers see their names on every listing, so each of these changes the public site.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from taggit.models import Tag

from reports.editorial import permissions, signals
from reports.editorial.actions.base import ActionRefused, editorial_action
from reports.models import Subscription, TagArabicName, TaggedReport, TagMerge


class MergeRefused(ActionRefused):
    """A merge that cannot be done; str() says why, for the person who asked."""


def merge_tags(sources, target, *, by):
    """Move every report of each source tag to `target`, delete the sources, and record each merge.

    A report that carried both keeps one link to the target. Returns the TagMerge records.
    """
    with editorial_action("merge_tags", actor=by) as outcome:
        if not permissions.may_merge_tags(by):
            raise PermissionDenied(gettext("Only editors can merge tags."))
        # Lock the tags involved, so that no one tags a report with a source while it moves.
        wanted = {tag.pk for tag in sources} | {target.pk}
        locked = {tag.pk: tag for tag in Tag.objects.select_for_update().filter(pk__in=wanted)}
        if target.pk not in locked:
            raise MergeRefused(gettext("The tag “%(tag)s” no longer exists.") % {"tag": target})
        target = locked[target.pk]
        merged = sorted((locked[pk] for pk in wanted - {target.pk} if pk in locked), key=lambda tag: tag.pk)
        if not merged:
            raise MergeRefused(gettext("Choose at least one tag other than the target to merge."))
        records = []
        for source in merged:
            links = TaggedReport.objects.filter(tag=source)
            report_ids = sorted(links.select_for_update().values_list("content_object_id", flat=True))
            already = sorted(
                TaggedReport.objects.filter(tag=target, content_object_id__in=report_ids).values_list(
                    "content_object_id", flat=True
                )
            )
            links.filter(content_object_id__in=already).delete()
            links.update(tag=target)
            records.append(
                TagMerge.objects.create(
                    source_name=source.name,
                    source_slug=source.slug,
                    target=target,
                    target_name=target.name,
                    report_ids=report_ids,
                    already_tagged_ids=already,
                    merged_by=by,
                )
            )
            Subscription.objects.follow_renamed("tag", source.slug, target.slug)  # alerts follow the kept tag
            source.delete()
        outcome.announce(signals.tags_merged, Tag, merges=records)
        outcome.public_changed()  # tag links, counts and threads on public pages changed
        return records


def _save(name, instance, *, by, allowed, signal, also=lambda: None, followed_as=None):
    with editorial_action(name, actor=by) as outcome:
        if not allowed:
            raise PermissionDenied(
                gettext("You do not have permission to change %(things)s.")
                % {"things": instance._meta.verbose_name_plural}
            )
        stored = type(instance).objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        instance.save()
        if followed_as and stored and stored != instance.slug:  # alerts follow the new slug
            Subscription.objects.follow_renamed(followed_as, stored, instance.slug)
        also()
        outcome.announce(signal, type(instance), instance=instance, deleted=False)
        outcome.public_changed()
    return instance


def _delete(name, instances, *, by, allowed, signal):
    with editorial_action(name, actor=by) as outcome:
        if not allowed:
            raise PermissionDenied(
                gettext("You do not have permission to delete %(things)s.") % {"things": name.removeprefix("delete_")}
            )
        for instance in list(instances):
            instance.delete()
            outcome.announce(signal, type(instance), instance=instance, deleted=True)
        outcome.public_changed()


def save_tag(tag, *, by, arabic_name=None):
    """Save a tag's new name or slug (a new tag, from the admin, too), and its name on Arabic pages
    when `arabic_name` is given ("" removes it: Arabic pages then show its own name)."""
    allowed = permissions.may_change_tag(by, adding=tag.pk is None)

    def name_in_arabic():
        if arabic_name is None:
            return
        if arabic_name.strip():
            TagArabicName.objects.update_or_create(tag=tag, defaults={"name": arabic_name.strip()})
        else:
            TagArabicName.objects.filter(tag=tag).delete()

    return _save(
        "save_tag", tag, by=by, allowed=allowed, signal=signals.tag_changed, also=name_in_arabic, followed_as="tag"
    )


def delete_tags(tags, *, by):
    """Delete tags: the reports that carried them lose them."""
    _delete("delete_tags", tags, by=by, allowed=permissions.may_delete_tag(by), signal=signals.tag_changed)


def save_series(series, *, by):
    """Save a series' name, slug or description (a new series too)."""
    allowed = permissions.may_change_series(by, adding=series.pk is None)
    return _save("save_series", series, by=by, allowed=allowed, signal=signals.series_changed, followed_as="series")


def delete_series(series_list, *, by):
    """Delete series that no report belongs to (the database protects the others)."""
    allowed = permissions.may_delete_series(by)
    _delete("delete_series", series_list, by=by, allowed=allowed, signal=signals.series_changed)


def save_author(author, *, by):
    """Save an author's name, slug, bio or link: every byline of theirs shows the change."""
    allowed = permissions.may_add_author(by) if author.pk is None else permissions.may_change_author(by)
    return _save("save_author", author, by=by, allowed=allowed, signal=signals.author_changed, followed_as="author")


def delete_authors(authors, *, by):
    """Delete authors who sign no report (the database protects the others)."""
    _delete("delete_authors", authors, by=by, allowed=permissions.may_delete_author(by), signal=signals.author_changed)
