"""Admin behaviour shared by several model admins."""

from . import page_cache


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
