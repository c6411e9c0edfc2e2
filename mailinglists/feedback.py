"""What the ESP reports about the copies of posts, through its tracking webhook (anymail).

Each copy carries its delivery's id in the ESP's metadata (``delivery.send_batch``), which
the ESP returns with every event about it. Events about other mail (account emails, the
welcome message) carry none and are ignored.
"""

from anymail.signals import AnymailTrackingEvent, EventType
from django.utils import timezone

from mailinglists import services
from mailinglists.models import Delivery

Outcome = Delivery.Outcome


def _is_temporary(event: AnymailTrackingEvent, esp_name: str) -> bool:
    """Whether a bounce is temporary (mailbox full, server unavailable). anymail reports
    both kinds as "bounced"; the ESPs say which in their own words."""
    details = event.esp_event if isinstance(event.esp_event, dict) else {}
    if esp_name == "Postmark":
        return details.get("Type") == "SoftBounce"
    if esp_name == "Amazon SES":
        return details.get("bounce", {}).get("bounceType") == "Transient"
    return False


def outcome_of(event: AnymailTrackingEvent, esp_name: str) -> str | None:
    if event.event_type == EventType.COMPLAINED:
        return Outcome.COMPLAINT
    if event.event_type == EventType.DELIVERED:
        return Outcome.DELIVERED
    if event.event_type in (EventType.BOUNCED, EventType.REJECTED):
        return Outcome.SOFT_BOUNCE if _is_temporary(event, esp_name) else Outcome.HARD_BOUNCE
    # "deferred" only says the ESP is still trying; opens and clicks are not tracked.
    return None


def receive(event: AnymailTrackingEvent, esp_name: str) -> bool:
    """Apply one tracking event; returns whether it changed anything."""
    outcome = outcome_of(event, esp_name)
    delivery_id = str((event.metadata or {}).get("delivery", ""))
    if outcome is None or not delivery_id.isdigit() or not event.recipient:
        return False
    return services.delivery_report(
        delivery_id=int(delivery_id),
        recipient=event.recipient,
        outcome=outcome,
        reported_at=event.timestamp or timezone.now(),
    )
