"""Who received which post, and members' posts: personal data, exported, erased with the
account, and kept no longer than their period."""

import datetime

import pytest
from django.utils import timezone

from accounts import deletion, retention
from mailinglists.models import Delivery, Post
from mandrakeonline.personal_data import Erasure, registry
from tests.mailinglists.conftest import draft, members, send_now, subscribe

pytestmark = pytest.mark.django_db


def rule_counts(now, dry_run=False) -> dict[str, int]:
    return {rule.name: count for rule, count in retention.apply_all(dry_run=dry_run, now=now)}


def members_post(mailing_list, poster, **fields) -> Post:
    fields = {
        "status": Post.Status.SENT,
        "decided_at": timezone.now(),
        "subject": "Re: urpmi is slow",
        "text": "Try --wget.",
        **fields,
    }
    return Post.objects.create(
        mailing_list=mailing_list,
        origin=Post.Origin.EMAIL,
        poster=poster,
        sender_email=poster.email,
        sender_name=poster.get_full_name(),
        **fields,
    )


def test_deliveries_and_members_posts_are_registered_and_go_with_the_account():
    for model in (Delivery, Post):
        assert {entry.erasure for entry in registry.fields_of(model)} == {Erasure.DELETE}
    assert registry.unclassified(["mailinglists"]) == []


def test_the_export_names_the_post_and_what_became_of_it(esp, customer, cooker, staff):
    subscribe(customer, cooker)
    send_now(draft(cooker, staff), staff)

    exported = registry.export_instance(Delivery.objects.get())

    assert exported["post"] == "Mandrake Linux 10.1 is out"
    assert exported["status"] == "sent"
    assert set(exported) == {"post", "created_at", "status", "sent_at", "failure_reason", "outcome", "outcome_at"}


def test_my_data_counts_the_list_emails_i_received_and_my_posts(esp, customer_client, customer, cooker, staff):
    subscribe(customer, cooker)
    send_now(draft(cooker, staff), staff)
    members_post(cooker, customer)

    page = " ".join(customer_client.get("/account/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode().split())

    assert "List emails sent to you</h2>" in page
    assert "Your posts to mailing lists</h2>" in page


def test_deleting_an_account_erases_its_posts_and_deliveries_but_not_the_lists_archive(
    esp, customer, other_customer, cooker, staff
):
    subscribe(customer, cooker)
    subscribe(other_customer, cooker)
    announcement = send_now(draft(cooker, staff), staff)
    hers = members_post(cooker, customer)
    his = members_post(cooker, other_customer, subject="Re: Re: urpmi is slow")

    deletion.account_delete(customer=customer, actor=customer, channel=None, notice=None)

    assert not Post.objects.filter(pk=hers.pk).exists()
    assert set(Post.objects.values_list("pk", flat=True)) == {announcement.pk, his.pk}
    assert list(Delivery.objects.values_list("subscription__customer", flat=True)) == [other_customer.pk]


def test_deliveries_go_once_their_period_is_over(esp, cooker, staff, settings):
    settings.LIST_DELIVERY_RETENTION_DAYS = 90
    members(cooker, 2)
    post = send_now(draft(cooker, staff), staff)
    sending = send_now(draft(cooker, staff, subject="Still going"), staff)
    Post.objects.filter(pk=sending.pk).update(status=Post.Status.SENDING, finished_at=None)
    now = timezone.now()

    assert rule_counts(now + datetime.timedelta(days=89))["list-deliveries"] == 0
    assert rule_counts(now + datetime.timedelta(days=91), dry_run=True)["list-deliveries"] == 2
    assert rule_counts(now + datetime.timedelta(days=91))["list-deliveries"] == 2

    assert not Delivery.objects.filter(post=post).exists()
    assert Delivery.objects.filter(post=sending).count() == 2
    post.refresh_from_db()
    assert post.sent_count == 2  # the totals stay with the post


def test_held_and_rejected_posts_go_after_their_period(cooker, customer, settings):
    settings.LIST_HELD_POST_DAYS = 30
    held = members_post(cooker, customer, status=Post.Status.HELD, decided_at=None)
    rejected = members_post(cooker, customer, status=Post.Status.REJECTED, subject="Spam")
    archived = members_post(cooker, customer, subject="Kept")
    now = timezone.now()

    assert rule_counts(now + datetime.timedelta(days=29))["held-list-posts"] == 0
    assert rule_counts(now + datetime.timedelta(days=31))["held-list-posts"] == 2

    assert list(Post.objects.all()) == [archived]
    assert not Post.objects.filter(pk__in=[held.pk, rejected.pk]).exists()
