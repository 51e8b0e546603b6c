"""The public site's views, one module per kind of page."""
