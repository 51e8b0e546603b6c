from reports.admin import authors, reports  # noqa: F401  (registers the report, author, series, tag and audit admins)
from reports.alerts import admin as alerts  # noqa: F401  (registers the alert subscribers and deliveries)
