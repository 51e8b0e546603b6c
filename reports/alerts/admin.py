"""Alert subscribers and deliveries in the admin, read-only: editors (reports.view_subscriber)
see the addresses, what each follows and what was sent or refused, suspended addresses among
them; nobody adds or changes anything here (readers do, from their own pages), and writers see
none of it: the addresses are readers' personal data."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from reports.editorial import permissions
from reports.models import Delivery, Subscriber, Subscription

RECENT_DELIVERIES = 50


class ReadOnly:
    """Viewing for those allowed to see subscribers; adding, changing and deleting for nobody."""

    def has_view_permission(self, request, obj=None):
        return permissions.may_view_subscribers(request.user)

    def has_module_permission(self, request):
        return permissions.may_view_subscribers(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuspendedFilter(admin.SimpleListFilter):
    title = _("suspended")
    parameter_name = "suspended"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(suspended_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(suspended_at__isnull=True)
        return queryset


class SubscriptionInline(ReadOnly, admin.TabularInline):
    model = Subscription
    fields = readonly_fields = ("description", "query", "language", "frequency", "created_at", "confirmed_at")
    extra = 0
    can_delete = False
    show_change_link = False


class DeliveryInline(ReadOnly, admin.TabularInline):
    """The latest deliveries of the address (RECENT_DELIVERIES at most)."""

    model = Delivery
    fk_name = "subscriber"
    fields = readonly_fields = ("report", "correction", "state", "digest", "attempts", "due_at", "sent_at", "error")
    extra = 0
    can_delete = False
    verbose_name_plural = _("recent deliveries")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report", "correction")


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("email", "created_at", "subscription_count", "confirmed_count", "suspended_at", "suspended_reason")
    list_filter = (SuspendedFilter,)
    search_fields = ("email",)
    fields = readonly_fields = ("email", "created_at", "confirmation_sent_at", "suspended_at", "suspended_reason")
    inlines = (SubscriptionInline, DeliveryInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                subscription_total=Count("subscriptions", distinct=True),
                confirmed_total=Count(
                    "subscriptions", filter=Q(subscriptions__confirmed_at__isnull=False), distinct=True
                ),
            )
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, DeliveryInline) and obj is not None:
            # The formset filters by the subscriber itself, so the latest are chosen in a subquery.
            latest = Delivery.objects.filter(subscriber=obj).order_by("-created_at", "-pk").values("pk")
            kwargs["queryset"] = inline.get_queryset(request).filter(pk__in=latest[:RECENT_DELIVERIES])
        return kwargs

    @admin.display(description=_("subscriptions"), ordering="subscription_total")
    def subscription_count(self, subscriber):
        return subscriber.subscription_total

    @admin.display(description=_("confirmed"), ordering="confirmed_total")
    def confirmed_count(self, subscriber):
        return subscriber.confirmed_total


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, admin.ModelAdmin):
    """Every message sent, waiting or given up, so an editor sees what failed."""

    list_display = ("subscriber", "report", "state", "attempts", "due_at", "sent_at", "error")
    list_filter = ("state", "digest")
    list_select_related = ("subscriber", "report")
    search_fields = ("subscriber__email",)
    fields = readonly_fields = (
        "subscriber",
        "subscription",
        "report",
        "correction",
        "state",
        "digest",
        "attempts",
        "due_at",
        "created_at",
        "sent_at",
        "error",
    )
