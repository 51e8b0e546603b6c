from reports.admin import authors, reports  # noqa: F401  (registers the report, author, series, tag and audit admins)
