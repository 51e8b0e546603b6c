"""Admin behaviour shared by several model admins."""

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from reports.caching import page_cache


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
            self.message_user(request, "That selection could not be read. Select the items again.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class RefreshesPublicPages:
    """Admin changes readers could see make the cached public pages stale at once."""

    def is_public(self, obj):
        return True

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self.is_public(form.instance):
            page_cache.public_changed()

    def delete_model(self, request, obj):
        public = self.is_public(obj)
        super().delete_model(request, obj)
        if public:
            page_cache.public_changed()

    def delete_queryset(self, request, queryset):
        public = any(self.is_public(obj) for obj in queryset)
        super().delete_queryset(request, queryset)
        if public:
            page_cache.public_changed()
