import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy, which Django 5.2 does not send itself.

    The policy allows no inline script or style anywhere, the admin included: every script
    and stylesheet is a file served from this site.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": "; ".join(
                f"{directive} {' '.join(sources)}".strip()
                for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
            ),
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value:
                response.headers.setdefault(name, value)
        return response


class DatabaseUnavailableMiddleware:
    """A database outage answers 503 with a short page instead of a traceback.

    Nothing else is needed to recover: Django drops a connection that failed at the end of
    the request, and CONN_HEALTH_CHECKS re-checks persistent ones before reuse.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable while serving %s: %s", request.path, exception)
        html = render_to_string("503.html", {"site_name": settings.SITE_NAME})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
