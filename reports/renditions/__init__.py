"""Background work on figures: making their renditions (a django-tasks task) and deleting the
files nothing uses any more, both receivers of the editorial actions' signals."""
