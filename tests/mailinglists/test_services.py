"""The rules the services keep whatever calls them (bounce handling, the admin, the pages)."""

import pytest
from django.core.exceptions import ValidationError

from mailinglists import services
from mailinglists.models import Subscription, SubscriptionEvent

pytestmark = pytest.mark.django_db

Status = Subscription.Status


def test_a_bounce_suspends_an_active_subscription_once(subscription):
    assert services.subscription_suspend(subscription=subscription) is True
    assert services.subscription_suspend(subscription=subscription) is False

    subscription.refresh_from_db()
    assert subscription.status == Status.SUSPENDED
    event = subscription.events.first()
    assert (event.kind, event.source, event.actor) == ("suspended", "bounce", None)


def test_a_bounce_never_brings_back_someone_who_left(subscription):
    services.subscription_unsubscribe(subscription=subscription, source=SubscriptionEvent.Source.LINK, actor=None)

    assert services.subscription_suspend(subscription=subscription) is False
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED


def test_a_stale_copy_of_a_subscription_records_no_second_event(subscription):
    stale = Subscription.objects.get(pk=subscription.pk)
    services.subscription_unsubscribe(subscription=subscription, source=SubscriptionEvent.Source.LINK, actor=None)

    assert (
        services.subscription_unsubscribe(subscription=stale, source=SubscriptionEvent.Source.ONE_CLICK, actor=None)
        is False
    )
    assert subscription.events.count() == 2


def test_joining_a_closed_list_is_refused_even_without_the_page(customer, closed_list):
    with pytest.raises(ValidationError) as error:
        services.subscription_join(customer=customer, mailing_list=closed_list, actor=customer)

    assert error.value.code == "not_joinable"
    assert not Subscription.objects.exists()
