"""A report's files (figures today, its PDF next), served to whoever may see the report.

    url = files.file_url(name)                  # its address: /media/<name>, never changing
    url = files.file_url(name, preview=token)   # the same, for a preview link's page
    path("media/<path:name>", files.FileView.as_view())

Each kind of file registers, under the first segment of its storage name, how to find the
report it belongs to (`owner("figures")`). The view answers 404 unless that report is in
Report.objects.published(), or the request is from staff who may read drafts, or carries an
active preview link of that report; then it streams the file from the default storage (the
local MEDIA_ROOT or S3, the same path either way). Public files may be kept by browsers and
proxies for an hour; others are never kept.
"""

import mimetypes
import re
from urllib.parse import urlencode

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views import View

from reports.editorial import permissions
from reports.models import FIGURES_PREFIX, Figure, PreviewLink, Report

NAME = re.compile(r"(?P<prefix>[a-z]+)/(?P<key>[A-Za-z0-9_-]{1,64})/[A-Za-z0-9_-]{1,64}\.[a-z0-9]{1,5}")
PUBLIC_MAX_AGE = 60 * 60
OWNERS = {}  # the first segment of a storage name -> function(key) -> the report's id, or None
mimetypes.add_type("image/avif", ".avif")
mimetypes.add_type("image/webp", ".webp")


def owner(prefix):
    """Register `function(key)`, the id of the report that owns the files under prefix/key/."""

    def register(function):
        OWNERS[prefix] = function
        return function

    return register


@owner(FIGURES_PREFIX)
def figure_report(key):
    return Figure.objects.filter(key=key).values_list("report_id", flat=True).first()


def file_url(name, *, preview=None):
    url = reverse("reports:file", kwargs={"name": name})
    return f"{url}?{urlencode({'preview': preview})}" if preview else url


def report_of(name):
    """The id of the report the stored file `name` belongs to, or None."""
    match = NAME.fullmatch(name)
    find = OWNERS.get(match["prefix"]) if match else None
    return find(match["key"]) if find else None


def may_see(request, report_id):
    """'public', 'private' (staff, or a preview link's holder) or None: who may see the report's files."""
    if Report.objects.published().filter(pk=report_id).exists():
        return "public"
    if request.user.is_authenticated and permissions.may_read_drafts(request.user):
        return "private"
    token = request.GET.get("preview", "")
    if token and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token):
        link = PreviewLink.objects.filter(token=token, report_id=report_id).first()
        if link is not None and link.is_active:
            return "private"
    return None


class FileView(View):
    """/media/<name>: one stored file of a report, or 404 for whoever may not see the report."""

    query_parameters = ("preview",)
    http_method_names = ["get", "head"]

    def get(self, request, name):
        report_id = report_of(name)
        audience = may_see(request, report_id) if report_id is not None else None
        if audience is None:
            raise Http404("No file you may see has this address.")
        try:
            stream = default_storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404("This file is missing from storage.") from None
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = FileResponse(stream, content_type=content_type)
        if audience == "public":
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        else:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response
