"""The public site mounted under /elsewhere/: for tests of addresses made without reverse()."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("reports.urls"))]
