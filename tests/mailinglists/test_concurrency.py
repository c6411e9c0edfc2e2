"""Unsubscribing at the same instant from several connections, on the real PostgreSQL:
one change, one event (the proof of consent never says twice that someone left)."""

import pytest

from mailinglists import services
from mailinglists.models import Subscription, SubscriptionEvent
from tests.conftest import make_customer, run_together
from tests.mailinglists.conftest import make_list, subscribe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLICKS = 6


def test_simultaneous_unsubscribes_record_one_event():
    subscription = subscribe(make_customer("racing@example.com"), make_list("cooker"))

    def click():
        copy = Subscription.objects.get(pk=subscription.pk)
        return services.subscription_unsubscribe(
            subscription=copy, source=SubscriptionEvent.Source.ONE_CLICK, actor=None
        )

    results = run_together([click] * CLICKS)

    assert sorted(results) == [False] * (CLICKS - 1) + [True]
    assert list(subscription.events.values_list("kind", flat=True).order_by("pk")) == ["subscribed", "unsubscribed"]
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
