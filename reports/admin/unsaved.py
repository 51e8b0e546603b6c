"""An editor's unsaved form survives an expired session.

When a report form is posted after the session has expired, the input is kept in the new
(anonymous) session and the editor is sent to log in. Django's login() keeps an anonymous
session's data, so when they come back to the form it is filled with what they had typed,
and nothing is saved until they press Save themselves.
"""

import re

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.utils.translation import gettext

SESSION_KEY = "unsaved_admin_forms"
# The admin forms whose input is worth keeping: adding or changing a report.
FORM_PATH = re.compile(r"^/admin/reports/report/(add|\d+/change)/$")


class KeepUnsavedAdminInputMiddleware:
    """Placed after CsrfViewMiddleware, so a forged post is refused before anything is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.user.is_authenticated or not FORM_PATH.match(request.path):
            return None
        kept = request.session.get(SESSION_KEY, {})
        kept[request.path] = request.POST.urlencode()
        request.session[SESSION_KEY] = kept
        messages.warning(
            request,
            gettext(
                "Your session expired before your changes were saved. Log in again and the form will come "
                "back with what you typed; nothing was saved yet."
            ),
        )
        return redirect_to_login(request.path)


def take(request):
    """The input kept for this form, if any (once): a QueryDict to bind the form to."""
    kept = request.session.get(SESSION_KEY)
    if not kept or request.path not in kept:
        return None
    data = kept.pop(request.path)
    request.session[SESSION_KEY] = kept
    return QueryDict(data)
