"""The models of the one `reports` app, by subject; everything is importable from here."""

from reports.models.aggregates import JSONGroupArray
from reports.models.alerts import Delivery, DigestRun, Subscriber, Subscription, new_subscription_key
from reports.models.author import AUTHOR_NAME_MESSAGE, Author, ReportAuthor
from reports.models.correction import CORRECTION_NOTE_MESSAGE, Correction
from reports.models.events import ReportEvent
from reports.models.figure import ALT_TEXT_MESSAGE, FIGURES_PREFIX, Figure, FigureData, new_figure_key
from reports.models.names import TagArabicName, TagNames, report_url, slug_url
from reports.models.pdf import ReportPDF
from reports.models.preview import PREVIEW_EXPIRY_MESSAGE, PREVIEW_REVOKED_MESSAGE, PreviewLink, new_preview_token
from reports.models.publication import PublicationState
from reports.models.report import (
    AUDIT_USER,
    PERIOD_ORDER_MESSAGE,
    AuthorRef,
    Report,
    ReportLink,
    ReportQuerySet,
    Series,
    TaggedReport,
    TagRef,
)
from reports.models.tagmerge import TagMerge
from reports.models.translation import TranslationRef
from reports.models.version import SNAPSHOT_FORMAT, SNAPSHOT_KEYS, ReportVersion, VersionRef

__all__ = [
    "ALT_TEXT_MESSAGE",
    "AUDIT_USER",
    "AUTHOR_NAME_MESSAGE",
    "CORRECTION_NOTE_MESSAGE",
    "FIGURES_PREFIX",
    "PERIOD_ORDER_MESSAGE",
    "PREVIEW_EXPIRY_MESSAGE",
    "PREVIEW_REVOKED_MESSAGE",
    "SNAPSHOT_FORMAT",
    "SNAPSHOT_KEYS",
    "Author",
    "AuthorRef",
    "Correction",
    "Delivery",
    "DigestRun",
    "Figure",
    "FigureData",
    "JSONGroupArray",
    "PreviewLink",
    "PublicationState",
    "Report",
    "ReportAuthor",
    "ReportEvent",
    "ReportLink",
    "ReportPDF",
    "ReportQuerySet",
    "ReportVersion",
    "Series",
    "Subscriber",
    "Subscription",
    "TagArabicName",
    "TagMerge",
    "TagNames",
    "TagRef",
    "TaggedReport",
    "TranslationRef",
    "VersionRef",
    "new_figure_key",
    "new_preview_token",
    "new_subscription_key",
    "report_url",
    "slug_url",
]
