"""The readers' alert pages: follow an archive filter, confirm, manage, leave (one click), forget.

None of them is cached (they carry forms, secrets or answers for one reader), and none needs an
account: a subscription's own key, in its manage and unsubscribe addresses, is the reader's proof.
"""

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from reports.alerts import following, subscribing
from reports.alerts.mail import read_confirmation_token
from reports.models import Subscription
from reports.public.filters import listing_language

Frequency = Subscription.Frequency
QUERY_LENGTH = Subscription._meta.get_field("query").max_length
DESCRIPTION_LENGTH = Subscription._meta.get_field("description").max_length


class AlertForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.org."),
        },
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        initial=Frequency.EACH,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often."), "invalid_choice": _("Choose one of the two.")},
    )


class FrequencyForm(forms.Form):
    frequency = AlertForm.base_fields["frequency"]


def too_many_requests(request):
    """A per-client limit on asking for alerts (ALERT_REQUESTS_PER_HOUR), shared by every
    worker through the cache."""
    key = f"sitrep:alerts:asked:{get_client_ip_address(request)}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, 3600)
        count = 1
    return count > settings.ALERT_REQUESTS_PER_HOUR


@method_decorator(never_cache, name="dispatch")
class SubscribeView(View):
    """`/alerts/?<the archive's filters>`: what would be followed, in words, how many reports it
    would have sent in each of the last 12 weeks, and the form."""

    template_name = "reports/alerts/subscribe.html"

    @cached_property
    def followed(self):
        """(canonical query, its FilterSet): worked out once per request, for the form and the page."""
        query = following.canonical_query(self.request.GET)
        return query, following.filter_for(query, listing_language())

    def render(self, form, status=200):
        query, filterset = self.followed
        too_long = len(query) > QUERY_LENGTH
        valid = filterset.is_valid() and not too_long
        archive = reverse("reports:archive") + (f"?{query}" if query else "")
        context = {
            "form": form,
            "filter": filterset,
            "filter_query": query,
            "too_long": too_long,
            "archive_url": archive,
            "description": following.describe(filterset) if valid else None,
            "weeks": following.weekly_counts(filterset) if valid else [],
        }
        context["weeks_total"] = sum(count for _, _, count in context["weeks"])
        return render(self.request, self.template_name, context, status=status if valid else 400)

    def get(self, request):
        return self.render(AlertForm())

    def post(self, request):
        if too_many_requests(request):
            return render(request, "reports/alerts/too_many.html", status=429)
        form = AlertForm(request.POST)
        query, filterset = self.followed
        # Many long tags: refused here (the page says so), not by the database's column length.
        if len(query) > QUERY_LENGTH or not filterset.is_valid() or not form.is_valid():
            return self.render(form, status=400)
        subscribing.request_alert(
            form.cleaned_data["email"],
            query=query,
            language=listing_language(),
            frequency=form.cleaned_data["frequency"],
            # Only the words kept for when the filter no longer applies (current_description).
            description=Truncator(following.describe(filterset)).chars(DESCRIPTION_LENGTH),
        )
        return redirect("reports:alerts-asked")


@method_decorator(never_cache, name="dispatch")
class AskedView(View):
    """The same answer whatever the address: never whether it already follows anything."""

    def get(self, request):
        return render(request, "reports/alerts/asked.html")


@method_decorator(never_cache, name="dispatch")
class ConfirmView(View):
    """The link in the confirmation message: a page with one button (so that a mail scanner
    following links confirms nothing), which confirms."""

    template_name = "reports/alerts/confirm.html"

    def token(self):
        try:
            return read_confirmation_token(self.kwargs["token"]), None
        except signing.SignatureExpired:
            return None, _("This confirmation link has expired: links work for 7 days. Ask for the alert again.")
        except signing.BadSignature:
            return None, _("This confirmation link is not valid. Copy the whole link from the message, or ask again.")

    def get(self, request, token):
        value, problem = self.token()
        if problem:
            return render(request, self.template_name, {"problem": problem}, status=400)
        subscription = Subscription.objects.filter(pk=value[0], key__startswith=value[1]).first()
        if subscription is None:
            return render(request, self.template_name, {"problem": GONE}, status=404)
        return render(
            request,
            self.template_name,
            {"subscription": subscription, "description": following.current_description(subscription)},
        )

    def post(self, request, token):
        value, problem = self.token()
        if problem:
            return render(request, self.template_name, {"problem": problem}, status=400)
        subscription = subscribing.confirm(*value)
        if subscription is None:
            return render(request, self.template_name, {"problem": GONE}, status=404)
        return redirect(reverse("reports:alerts-manage", args=[subscription.key]) + "?confirmed=1")


GONE = _("There is no such alert: it has been left, or its address forgotten.")


def gone(request):
    return render(request, "reports/alerts/gone.html", {"problem": GONE}, status=404)


@method_decorator(never_cache, name="dispatch")
class ManageView(View):
    """A subscription's own page: what it follows, how often, leave it, forget the address."""

    template_name = "reports/alerts/manage.html"

    def render(self, subscription, form, *, status=200, saved=False):
        context = {
            "subscription": subscription,
            "description": following.current_description(subscription),
            "form": form,
            "saved": saved,
            "confirmed": self.request.GET.get("confirmed") == "1",
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, key):
        subscription = Subscription.objects.select_related("subscriber").filter(key=key).first()
        if subscription is None:
            return gone(request)
        return self.render(subscription, FrequencyForm(initial={"frequency": subscription.frequency}))

    def post(self, request, key):
        form = FrequencyForm(request.POST)
        if not form.is_valid():
            subscription = Subscription.objects.select_related("subscriber").filter(key=key).first()
            if subscription is None:
                return gone(request)
            return self.render(subscription, form, status=400)
        subscription = subscribing.change_frequency(key, form.cleaned_data["frequency"])
        if subscription is None:
            return gone(request)
        return self.render(subscription, form, saved=True)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(View):
    """The List-Unsubscribe address. POST (RFC 8058's one click, or the page's button) leaves at
    once, with no login and no cookie; GET only asks."""

    def get(self, request, key):
        subscription = Subscription.objects.filter(key=key).first()
        if subscription is None:
            return gone(request)
        context = {"subscription": subscription, "description": following.current_description(subscription)}
        return render(request, "reports/alerts/unsubscribe.html", context)

    def post(self, request, key):
        subscribing.leave(key)
        # Left now or before: the same answer, a 200, as mail clients expect.
        return render(request, "reports/alerts/left.html")


@method_decorator(never_cache, name="dispatch")
class ForgetView(View):
    """The manage page's "Forget my address": the address and everything of it is deleted."""

    def post(self, request, key):
        subscribing.forget(key)
        return render(request, "reports/alerts/forgotten.html")
