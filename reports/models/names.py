"""Names in Arabic for what readers see named on every page: tags (taggit's Tag has no room for
one, so it is kept beside it here) and series (a field of Series). Slugs stay the same in both
languages, so `?tag=` addresses do not change with the page's language."""

from django.db import models
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
