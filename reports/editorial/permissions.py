"""Who may do what: the only module that names permissions.

Writers (the Writers group) add reports, change drafts and reports in review, and submit them;
editors (the Editors group, with `reports.publish_report`) also publish, schedule, request
changes, unpublish, change published and scheduled reports, merge tags and import reports in
any state. Every editorial action asks here, and so do the admin's pages and buttons.
"""

from django.contrib.auth import get_user_model

PUBLISH = "reports.publish_report"
ADD = "reports.add_report"
CHANGE = "reports.change_report"
VIEW = "reports.view_report"
DELETE = "reports.delete_report"
MERGE_TAGS = (PUBLISH, "taggit.change_tag", "taggit.delete_tag")
CHANGE_TAG = "taggit.change_tag"
ADD_TAG = "taggit.add_tag"
DELETE_TAG = "taggit.delete_tag"
CHANGE_SERIES = "reports.change_series"
DELETE_SERIES = "reports.delete_series"
ADD_SERIES = "reports.add_series"


def is_editor(user):
    """May publish, schedule, request changes and unpublish."""
    return user.is_active and user.has_perm(PUBLISH)


def is_writer(user):
    """May change reports (drafts and reports in review, at least)."""
    return user.is_active and user.has_perm(CHANGE)


def may_write(user):
    return user.is_active and (user.has_perm(ADD) or user.has_perm(CHANGE))


def may_read_drafts(user):
    """May see reports readers cannot: drafts, reports in review, scheduled reports."""
    return user.is_active and user.has_perm(CHANGE)


def may_view(user):
    return user.is_active and user.has_perm(VIEW)


def may_add(user):
    return user.is_active and user.has_perm(ADD)


def may_translate(user):
    """A translation is a new report: whoever may write reports may start one."""
    return may_add(user)


def may_change(user, report):
    """Writers change drafts and reports in review; published and scheduled ones are the editors'."""
    if not is_writer(user):
        return False
    return report.status != report.Status.PUBLISHED or is_editor(user)


def may_delete(user):
    return user.is_active and user.has_perm(DELETE)


def may_share_preview(user, report):
    """Editors, and the report's own writer, may create and revoke its preview links."""
    if not (user.is_active and user.is_staff):
        return False
    if is_editor(user):
        return True
    return report.created_by_id is not None and report.created_by_id == user.pk and is_writer(user)


def may_merge_tags(user):
    return user.is_active and user.has_perms(MERGE_TAGS)


def may_change_tag(user, *, adding=False):
    return user.is_active and user.has_perm(ADD_TAG if adding else CHANGE_TAG)


def may_delete_tag(user):
    return user.is_active and user.has_perm(DELETE_TAG)


def may_change_series(user, *, adding=False):
    return user.is_active and user.has_perm(ADD_SERIES if adding else CHANGE_SERIES)


def may_delete_series(user):
    return user.is_active and user.has_perm(DELETE_SERIES)


def may_add_author(user):
    return user.is_active and user.has_perm("reports.add_author")


def may_change_author(user):
    return user.is_active and user.has_perm("reports.change_author")


def may_delete_author(user):
    return user.is_active and user.has_perm("reports.delete_author")


def may_import(user, status):
    """Whether `user` may bring in reports in `status`, as the matching buttons would let them.
    None is the command line, whose operator is trusted."""
    if user is None:
        return True
    if status == "published":
        return is_editor(user)
    if status == "review":
        return is_writer(user)
    return True


def editors():
    """Active staff users who may publish and have an e-mail address."""
    # Permissions come from groups through ModelBackend (the other backend, django-axes, only
    # throttles log-ins), and with_perm() must be told which backend to ask.
    users = get_user_model().objects.with_perm(
        PUBLISH, is_active=True, include_superusers=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    return users.filter(is_staff=True).exclude(email="").order_by("pk")


def may_delete_report(user, report):
    """Deletion that can succeed: a report with an audit trail (every report the desk has
    touched) is kept, and unpublished instead; the trail is read-only for everyone."""
    return may_delete(user) and report.pk is not None and not report.events.exists()


VIEW_SUBSCRIBERS = "reports.view_subscriber"


def may_view_subscribers(user):
    """May see readers' alert addresses, their subscriptions and deliveries (editors)."""
    return user.is_active and user.is_staff and user.has_perm(VIEW_SUBSCRIBERS)
