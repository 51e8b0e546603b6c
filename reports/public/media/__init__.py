"""A report's files for readers: served only to those who may see the report (`files`), and
figures as the <picture> elements pages show (`pictures`)."""
