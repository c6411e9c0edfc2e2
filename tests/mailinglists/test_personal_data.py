import pytest

from mailinglists.models import MailingList, Subscription, SubscriptionEvent
from mandrakeonline.personal_data import Erasure, registry
from tests.mailinglists.conftest import subscribe

pytestmark = pytest.mark.django_db


def test_subscriptions_and_their_events_are_registered_and_go_with_the_account():
    for model in (Subscription, SubscriptionEvent):
        entries = registry.fields_of(model)
        assert entries
        assert {entry.erasure for entry in entries} == {Erasure.DELETE}
    assert registry.fields_of(MailingList) == []
    assert registry.unclassified(["mailinglists"]) == []


def test_the_export_of_a_subscription_names_the_list_not_its_members(subscription):
    exported = registry.export_instance(subscription)

    assert exported["mailing_list"] == "cooker"
    assert exported["status"] == "active"
    assert exported["created_at"] == subscription.created_at.isoformat()
    assert exported["public_key"] == subscription.public_key
    event = registry.export_instance(subscription.events.get())
    assert event == {
        "subscription": "cooker",
        "kind": "subscribed",
        "source": "account",
        "created_at": event["created_at"],
    }


def test_a_customers_rows_are_found_and_no_one_elses(customer, subscription, other_customer, announcements):
    others = subscribe(other_customer, announcements)
    declared = {entry.model: entry for entry in registry.personal_models()}

    assert list(declared[Subscription].rows_for(customer)) == [subscription]
    assert list(declared[SubscriptionEvent].rows_for(customer)) == list(subscription.events.all())
    assert list(declared[Subscription].rows_for(other_customer)) == [others]


def test_my_data_page_counts_my_subscriptions(customer_client, subscription, announcements, customer):
    subscribe(customer, announcements)

    page = " ".join(customer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode().split())

    assert (
        'Mailing-list subscriptions</h2> <dl class="row mb-0"> <dt class="col-sm-3">What we hold</dt> '
        '<dd class="col-sm-9"> 2 records: mailing list, status, unsubscribe key, first subscribed on, status since'
    ) in page
    assert "History of your mailing-list subscriptions" in page


def test_erasing_a_subscription_deletes_it_with_its_history(subscription, other_customer, cooker):
    others = subscribe(other_customer, cooker)

    registry.erase_instance(subscription)

    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert not SubscriptionEvent.objects.filter(subscription_id=subscription.pk).exists()
    assert others.events.count() == 1


def test_deleting_a_customer_deletes_their_subscriptions(customer, subscription):
    customer.delete()

    assert not Subscription.objects.exists()
    assert not SubscriptionEvent.objects.exists()


def test_a_list_with_members_cannot_be_deleted(subscription, cooker):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        cooker.delete()
