from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Situation reports"

    def ready(self):
        from reports.editorial import revisions

        revisions.register_models()
