"""Renditions made in the background from what editors upload, by receivers of the signals actions send."""
