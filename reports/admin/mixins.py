"""Admin behaviour shared by several model admins."""

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext

from reports.editorial import permissions


def quoting(text):
    """A form error for a message that quotes what someone typed or is called: the whole text is a
    parameter of the error, so that a "%" in it is never taken for formatting."""
    return ValidationError("%(text)s", params={"text": text})


class RefusesMalformedSelections:
    """A change-list action posted with ids that are not ids (a forged request) gets a message
    and changes nothing, where Django's own handling raises a server error."""

    def response_action(self, request, queryset):
        try:
            for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
                self.model._meta.pk.to_python(value)
        except ValidationError:
            self.message_user(
                request, gettext("That selection could not be read. Select the items again."), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class SavesThroughActions:
    """Saving and deleting go through editorial actions: `save_action(obj, by=user)` and
    `delete_action(objects, by=user)`, given as staticmethods."""

    save_action = delete_action = None

    def save_model(self, request, obj, form, change):
        self.save_action(obj, by=request.user)

    def delete_model(self, request, obj):
        self.delete_action([obj], by=request.user)

    def delete_queryset(self, request, queryset):
        self.delete_action(queryset, by=request.user)


class PartOfTheReport:
    """An inline of what belongs to a report (bylines, figures): whoever may write the report
    may change it; whoever may view reports may see it."""

    def has_add_permission(self, request, obj=None):
        return permissions.may_add(request.user) if obj is None else permissions.may_change(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return permissions.may_view(request.user)
