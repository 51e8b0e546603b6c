"""The caches' part in editorial actions: receivers of reports.editorial.signals.

The generation itself is bumped by the action, in its transaction (PublicationState); once it
has committed, this process forgets its reading at once (other processes re-read within a
second) and the CDN is told to purge (PAGE_PURGE_HOOK).
"""

import logging

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.module_loading import import_string

from reports.caching import state
from reports.editorial import signals
from reports.models import PublicationState

logger = logging.getLogger(__name__)


@receiver(post_save, sender=PublicationState, dispatch_uid="forget-publication-state-on-save")
def forget_on_bump(sender, **kwargs):
    # In the saving transaction already: this thread sees its own change at once.
    state.forget()


@receiver(signals.public_site_changed, dispatch_uid="refresh-after-public-change")
def refresh_after_public_change(sender, **kwargs):
    state.forget()
    hook = settings.PAGE_PURGE_HOOK
    if hook:  # e.g. tell a CDN to purge
        import_string(hook)()
