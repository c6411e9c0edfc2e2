"""Receivers of anymail's webhook signals: thin, the work is in inbound.py and feedback.py.

anymail's views have already checked the webhook's basic-auth secret (and the ESP's
signature where it has one) before these run.
"""

import logging

from mailinglists import feedback, inbound

logger = logging.getLogger(__name__)


def on_inbound(sender, event, esp_name, **kwargs) -> None:
    outcome = inbound.receive(event.message)
    # What happened, never who sent it or what it said.
    logger.info("inbound mail from %s: %s", esp_name, outcome.value)


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    feedback.receive(event, esp_name)
