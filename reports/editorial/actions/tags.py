"""Merging tags: every report of the merged tags gets the kept one, and the merge is recorded."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from taggit.models import Tag

from reports.caching import page_cache
from reports.models import TaggedReport, TagMerge

MERGE_PERMISSIONS = ("reports.publish_report", "taggit.change_tag", "taggit.delete_tag")


def may_merge(user):
    return user.is_active and user.has_perms(MERGE_PERMISSIONS)


class MergeRefused(Exception):
    """A merge that cannot be done; str() says why, for the person who asked."""


@transaction.atomic
def merge_tags(sources, target, *, by):
    """Move every report of each source tag to `target`, delete the sources, and record each merge.

    A report that carried both keeps one link to the target. Returns the TagMerge records.
    """
    if not may_merge(by):
        raise PermissionDenied("Only editors can merge tags.")
    # Lock the tags involved, so that no one tags a report with a source while it moves.
    wanted = {tag.pk for tag in sources} | {target.pk}
    locked = {tag.pk: tag for tag in Tag.objects.select_for_update().filter(pk__in=wanted)}
    if target.pk not in locked:
        raise MergeRefused(f"The tag “{target}” no longer exists.")
    target = locked[target.pk]
    merged = sorted((locked[pk] for pk in wanted - {target.pk} if pk in locked), key=lambda tag: tag.pk)
    if not merged:
        raise MergeRefused("Choose at least one tag other than the target to merge.")
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
        source.delete()
    page_cache.public_changed()  # tag links, counts and threads on public pages changed
    return records
