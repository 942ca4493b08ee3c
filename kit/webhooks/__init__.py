"""LeanIX webhooks for Integration API run alerts: build, preview and store subscriptions (docs/alerts.md §2).

* :func:`alert_subscription`: a PUSH subscription whose generated ES5 callback posts a run's outcome to
  Slack or Microsoft Teams (:mod:`kit.webhooks.subscription`, :mod:`kit.webhooks.callback_js`);
* :func:`preview_callback`, :func:`sample_payload`: what a callback would send for a payload, run locally
  by :mod:`kit.callbacks` (:mod:`kit.webhooks.preview`);
* :class:`Webhooks` (``ws.webhooks``): the Webhooks API of a workspace (:mod:`kit.webhooks.api`).

May import ``kit.client``, ``kit.callbacks``, ``kit.errors``, pandas and the standard library.
"""

from kit.webhooks.api import Webhooks
from kit.webhooks.preview import CallbackPreview, preview_callback, sample_payload
from kit.webhooks.subscription import CHANNELS, EVENTS, alert_subscription, event_tag_sets

__all__ = [
    "CHANNELS",
    "EVENTS",
    "CallbackPreview",
    "Webhooks",
    "alert_subscription",
    "event_tag_sets",
    "preview_callback",
    "sample_payload",
]
