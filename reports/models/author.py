"""Authors: the analysts who sign reports, in the order their bylines name them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

AUTHOR_NAME_MESSAGE = "An author needs a name."


class Author(models.Model):
    name = models.CharField(_("name"), max_length=200, help_text=_("As the byline prints it, e.g. “Jane Doe”."))
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The author's address: /authors/<slug>/.")
    )
    bio = models.TextField(_("bio"), blank=True, help_text=_("A sentence or two, shown on the author's page."))
    link = models.URLField(_("link"), blank=True, help_text=_("A profile page or an ORCID iD (https://orcid.org/…)."))

    class Meta:
        verbose_name, verbose_name_plural = pgettext_lazy("model", "author"), pgettext_lazy("model", "authors")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("name")), 0),
                name="author_name_not_blank",
                violation_error_message=AUTHOR_NAME_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:author", kwargs={"slug": self.slug})

    def clean(self):
        if not (self.name or "").strip():
            raise ValidationError({"name": AUTHOR_NAME_MESSAGE})


class ReportAuthor(models.Model):
    """One byline of one report: the author and where the byline names them (0 first)."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines", verbose_name=_("author"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["report", "position", "pk"]
        verbose_name, verbose_name_plural = pgettext_lazy("model", "author"), pgettext_lazy("model", "authors")
        constraints = [
            models.UniqueConstraint(fields=["report", "author"], name="reportauthor_author_once_per_report"),
            models.UniqueConstraint(fields=["report", "position"], name="reportauthor_one_author_per_position"),
            models.CheckConstraint(condition=Q(position__gte=0), name="reportauthor_position_not_negative"),
        ]
        indexes = [models.Index(fields=["author", "report"], name="reportauthor_author_idx")]

    def __str__(self):
        return str(self.author)
