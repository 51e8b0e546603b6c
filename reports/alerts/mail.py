"""The alert messages, written in the subscription's language, as Django EmailMessages.

Every message that follows a subscription carries its one-click unsubscribe (RFC 8058):
`List-Unsubscribe` with the HTTPS address and `List-Unsubscribe-Post`; a POST there ends the
subscription at once, with no login and no cookie.
"""

import textwrap
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from reports.alerts.following import current_description
from reports.text.periods import format_period

CONFIRM_SALT = "reports.alerts.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a confirmation link expires after 7 days


def site_url():
    """Where links in e-mail point: SITE_URL (https:// in production: checked by
    `manage.py check --deploy`), else this machine's development server."""
    return settings.SITE_URL or "http://127.0.0.1:8000"


def absolute(name, *args, language):
    with translation.override(language):
        return site_url() + reverse(f"reports:{name}", args=args)


def confirmation_token(subscription):
    """A signed token naming the subscription and its key; it stops working after 7 days, and
    once the subscription is gone (a new one has a new key)."""
    return signing.dumps({"s": subscription.pk, "k": subscription.key[:8]}, salt=CONFIRM_SALT, compress=True)


def read_confirmation_token(token):
    """(subscription id, key prefix), or raise signing.SignatureExpired / BadSignature."""
    value = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if not isinstance(value, dict) or not isinstance(value.get("s"), int) or not isinstance(value.get("k"), str):
        raise signing.BadSignature("Not a confirmation token.")
    return value["s"], value["k"]


def one_line(text):
    return " ".join(str(text).split())


def _message(subscription, subject, template, context, *, list_headers=True):
    language = subscription.language
    with translation.override(language):
        manage = absolute("alerts-manage", subscription.key, language=language)
        unsubscribe = absolute("alerts-unsubscribe", subscription.key, language=language)
        context = {
            "description": current_description(subscription),
            "manage_url": manage,
            "unsubscribe_url": unsubscribe,
            "site_name": settings.SITE_NAME,
            **context,
        }
        body = render_to_string(f"reports/email/alerts/{template}.txt", context)
        headers = {"Auto-Submitted": "auto-generated", "Content-Language": language}
        if list_headers:
            headers |= {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{one_line(settings.SITE_NAME)} alerts <alerts.{urlsplit(site_url()).hostname}>",
                "Precedence": "bulk",
            }
        return EmailMessage(
            one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [subscription.subscriber.email], headers=headers
        )


def confirmation(subscription):
    """The message that asks the address to confirm; nothing else is sent before."""
    language = subscription.language
    with translation.override(language):
        token = confirmation_token(subscription)
        context = {"confirm_url": absolute("alerts-confirm", token, language=language)}
        subject = gettext("Confirm your %(site)s alert") % {"site": settings.SITE_NAME}
        return _message(subscription, subject, "confirm", context, list_headers=False)


def already_following(subscription):
    """Sent when a confirmed subscription is asked for again: the page said the same as for a new one."""
    with translation.override(subscription.language):
        subject = gettext("You already follow this on %(site)s") % {"site": settings.SITE_NAME}
        return _message(subscription, subject, "already_following", {})


def report_entry(report, language):
    return {
        "title": one_line(report.title),
        "period": format_period(report.period_start, report.period_end, language=language),
        "summary": textwrap.fill(one_line(report.summary), 72),  # plain text: short lines, as mail readers expect
        "url": absolute("detail", report.slug, language=language),
    }


def alert(subscription, report):
    with translation.override(subscription.language):
        entry = report_entry(report, subscription.language)
        return _message(subscription, entry["title"], "report", {"report": entry})


def digest(subscription, reports):
    with translation.override(subscription.language):
        entries = [report_entry(report, subscription.language) for report in reports]
        subject = gettext("%(site)s weekly digest: %(count)s new reports") % {
            "site": settings.SITE_NAME,
            "count": len(entries),
        }
        return _message(subscription, subject, "digest", {"reports": entries})


def follow_up(subscription, correction):
    with translation.override(subscription.language):
        entry = report_entry(correction.report, subscription.language)
        subject = gettext("Correction: %(title)s") % {"title": entry["title"]}
        return _message(subscription, subject, "correction", {"report": entry, "note": correction.note})
