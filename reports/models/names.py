"""What readers see things named and addressed by.

Names in Arabic for what every page names: tags (taggit's Tag has no room for one, so it is
kept beside it here) and series (a field of Series). Slugs stay the same in both languages, so
`?tag=` addresses do not change with the page's language. Tags read by id (TagNames), and the
addresses of pages named by a slug (slug_url), as listings make them for every row.
"""

import re

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag


class TagArabicName(models.Model):
    """A tag's name on Arabic pages; a tag without one shows its own name there."""

    tag = models.OneToOneField(Tag, on_delete=models.CASCADE, primary_key=True, related_name="arabic_name")
    name = models.CharField("Arabic name", max_length=100)

    class Meta:
        verbose_name = _("tag's Arabic name")
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="tag_arabic_name_not_empty")]

    def __str__(self):
        return self.name


class TagNames:
    """Where tags read by id (ReportQuerySet.with_tag_ids()) find their names and slugs.

    `known()` gives {id: (name, slug)} of the tags it knows without a query. The caching
    package installs the published vocabulary's at start-up (reports.caching.vocabulary), which
    knows every tag of every published report, so that a listing's query reads its tags from
    the tag links' index alone instead of joining every tag's name to every row. An id it does
    not know (a tag of a draft being previewed, or one published in the second before this
    process re-read the public state) is read from the database.
    """

    @staticmethod
    def known():
        return {}

    @classmethod
    def pairs(cls, ids):
        """[(name, slug)] of the tags with these ids."""
        known = cls.known()
        found = {pk: known[pk] for pk in ids if pk in known}
        if missing := [pk for pk in ids if pk not in found]:
            found.update(
                (pk, (name, slug))
                for pk, name, slug in Tag.objects.filter(pk__in=missing).values_list("pk", "name", "slug")
            )
        return [found[pk] for pk in ids if pk in found]


SLUG_STAND_IN = "slug-stand-in"
_slug_url_parts = {}  # (view, language, script prefix, URLconf) -> the address around the slug
_ascii_slug = re.compile(r"[-a-zA-Z0-9_]+\Z")


def slug_url(view_name, slug):
    """reverse(view_name, args=[slug]) for a view whose one argument is a slug, with the parts
    around the slug reversed once per language, script prefix and URLconf, since listings make
    one per row. An ASCII slug is written as it is, as reverse() would; any other is reversed."""
    if not _ascii_slug.match(slug):
        return reverse(view_name, args=[slug])
    key = (view_name, get_language(), get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))
    parts = _slug_url_parts.get(key)
    if parts is None:
        parts = _slug_url_parts[key] = tuple(reverse(view_name, args=[SLUG_STAND_IN]).rsplit(SLUG_STAND_IN, 1))
    return parts[0] + slug + parts[1]


def report_url(slug):
    """A report's address, from its slug alone."""
    return slug_url("reports:detail", slug)
