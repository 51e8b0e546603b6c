from reports.admin import reports  # noqa: F401  (registers the report, series, tag and audit admins)
