"""Django's admin app with sitrep's admin site: the home page is the editors' dashboard and the
tags are listed with the reports (reports/admin/dashboard.py)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SitrepAdminConfig(AdminConfig):
    default_site = "sitrep.admin_site.SitrepAdminSite"


class SitrepAdminSite(admin.AdminSite):
    site_header = _("sitrep editorial")
    site_title = "sitrep"

    def get_app_list(self, request, app_label=None):
        from reports.admin.dashboard import grouped  # loaded with the admin modules, after the site

        return grouped(super().get_app_list(request), app_label)

    def index(self, request, extra_context=None):
        from reports.admin.dashboard import dashboard

        return super().index(request, {"dashboard": dashboard(request.user), **(extra_context or {})})
