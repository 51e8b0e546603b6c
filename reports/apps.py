from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Situation reports")

    def ready(self):
        from django.db.backends.signals import connection_created

        from reports.alerts import checks  # noqa: F401  (SITE_URL must be https for alerts, in check --deploy)
        from reports.alerts import receivers as alerts  # noqa: F401  (queues alerts on publications and corrections)
        from reports.caching import receivers  # noqa: F401  (connects the caches to the actions' signals)
        from reports.caching.vocabulary import published_tag_names
        from reports.editorial import (
            notifications,  # noqa: F401  (connects the editors' e-mail)
            revisions,
        )
        from reports.models import TagNames
        from reports.models.aggregates import read_moments_in_c
        from reports.renditions import pdf_thumbnails  # noqa: F401  (connects the PDF thumbnails' task)
        from reports.renditions import receivers as renditions  # noqa: F401  (renditions, unused files)

        revisions.register_models()
        TagNames.known = staticmethod(published_tag_names)  # listings' tags named with no query
        connection_created.connect(read_moments_in_c, dispatch_uid="read_moments_in_c")
