"""The admin's home page as the editors' dashboard, and the tags listed with the reports.

Used by the admin site (sitrep/admin_site.py). Taggit's Tag model belongs to the taggit app,
so Django would list it under its own "Taggit" heading; editors know tags as part of their
situation reports, so the index lists it there (its addresses stay /admin/taggit/tag/...).
"""

from django.utils import timezone

from reports.admin.coverage import editor_coverage
from reports.editorial import desk, permissions

MOVED_APPS = {"taggit": "reports"}  # app label -> the app whose section lists its models
DASHBOARD_ROWS = 5


def grouped(apps, app_label=None):
    """The admin's app list with the moved apps' models under their new home."""
    by_label = {app["app_label"]: app for app in apps}
    for moved, home in MOVED_APPS.items():
        if moved in by_label and home in by_label:
            models = by_label[home]["models"] + by_label.pop(moved)["models"]
            by_label[home]["models"] = sorted(models, key=lambda model: model["name"])
    apps = [app for app in apps if app["app_label"] in by_label]
    if app_label is not None:
        wanted = MOVED_APPS.get(app_label, app_label)
        apps = [app for app in apps if app["app_label"] == wanted]
    return apps


def dashboard(user):
    """What the home page puts first, for the user's role: reports waiting for review (oldest
    first), scheduled this week, returned to the user, and this year's missing weeks."""
    if not permissions.may_view(user):
        return None
    board = {}
    if permissions.is_editor(user):
        waiting = desk.with_people(desk.review_queue()[: DASHBOARD_ROWS + 1], submitted_by="submitted_by_id")
        board["waiting"], board["waiting_more"] = waiting[:DASHBOARD_ROWS], len(waiting) > DASHBOARD_ROWS
        board["scheduled"] = list(desk.scheduled_within(7))
    if permissions.is_writer(user):
        board["returned"] = list(desk.returned_to(user)[:DASHBOARD_ROWS])
    today = timezone.localdate()
    year = today.isocalendar().year
    board["year"] = year
    board["missing"] = [
        (item.series_timeline.name, [week for week, _ in item.missing_weeks]) for item in editor_coverage(year, today)
    ]
    board["missing_count"] = sum(len(weeks) for _, weeks in board["missing"])
    return board
