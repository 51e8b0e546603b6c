"""What is made in the background from what editors upload, by receivers of the signals actions
send: figures' renditions and the PDF's first-page thumbnail (django-tasks tasks), and the deletion
of files nothing uses any more."""
