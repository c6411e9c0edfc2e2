"""Bounces and complaints reported by the ESP's tracking webhook (Postmark, Mailgun) act on
subscriptions by themselves; forged reports change nothing."""

import datetime
import json

import pytest
from anymail.signals import AnymailTrackingEvent, EventType
from django.utils import timezone

from mailinglists import feedback, services
from mailinglists.models import Delivery, Post, Subscription, SubscriptionEvent
from tests.mailinglists.conftest import draft, send_now, subscribe
from tests.mailinglists.webhooks import (
    basic_auth,
    mailgun_event,
    mailgun_failed_permanently,
    post_mailgun_event,
    post_postmark,
    postmark_bounce,
    postmark_complaint,
    postmark_delivered,
)

pytestmark = pytest.mark.django_db

Status = Subscription.Status
Kind = SubscriptionEvent.Kind
Source = SubscriptionEvent.Source


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def sent_posts(mailing_list, author, count: int) -> list[Delivery]:
    """Send `count` posts to the list; the deliveries of its first member, oldest first."""
    first_member = mailing_list.subscriptions.order_by("pk").first()
    for number in range(count):
        send_now(draft(mailing_list, author, subject=f"News {number}"), author)
    return list(Delivery.objects.filter(subscription=first_member).order_by("pk"))


@pytest.fixture
def subscription(customer, cooker):
    return subscribe(customer, cooker)


def history(subscription) -> list[tuple[str, str]]:
    return [(event.kind, event.source) for event in subscription.events.all()]


def test_a_complaint_unsubscribes_at_once(client, webhooks, subscription, cooker, staff):
    [delivery] = sent_posts(cooker, staff, 1)

    response = post_postmark(client, "tracking", postmark_complaint("alice@example.com", delivery.pk))

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    assert history(subscription)[0] == (Kind.UNSUBSCRIBED, Source.COMPLAINT)
    delivery.refresh_from_db()
    assert delivery.outcome == Delivery.Outcome.COMPLAINT


def test_hard_bounces_suspend_after_the_threshold(client, webhooks, subscription, cooker, staff):
    webhooks.LIST_HARD_BOUNCE_LIMIT = 2
    first, second = sent_posts(cooker, staff, 2)

    post_postmark(client, "tracking", postmark_bounce("alice@example.com", first.pk))
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert history(subscription)[0] == (Kind.HARD_BOUNCE, Source.BOUNCE)

    post_postmark(client, "tracking", postmark_bounce("alice@example.com", second.pk))

    subscription.refresh_from_db()
    assert subscription.status == Status.SUSPENDED
    assert history(subscription)[:3] == [
        (Kind.SUSPENDED, Source.BOUNCE),
        (Kind.HARD_BOUNCE, Source.BOUNCE),
        (Kind.HARD_BOUNCE, Source.BOUNCE),
    ]


def test_soft_bounces_suspend_only_after_more(client, webhooks, subscription, cooker, staff):
    webhooks.LIST_HARD_BOUNCE_LIMIT = 1
    webhooks.LIST_SOFT_BOUNCE_LIMIT = 3
    deliveries = sent_posts(cooker, staff, 3)

    for number, delivery in enumerate(deliveries, start=1):
        post_postmark(client, "tracking", postmark_bounce("alice@example.com", delivery.pk, kind="SoftBounce"))
        subscription.refresh_from_db()
        assert subscription.status == (Status.SUSPENDED if number == 3 else Status.ACTIVE)

    assert [kind for kind, _source in history(subscription)].count(Kind.SOFT_BOUNCE) == 3


def test_mailgun_reports_act_the_same(client, webhooks, subscription, cooker, staff):
    webhooks.LIST_HARD_BOUNCE_LIMIT = 1
    first, second = sent_posts(cooker, staff, 2)

    post_mailgun_event(client, mailgun_failed_permanently("alice@example.com", first.pk))
    subscription.refresh_from_db()
    assert subscription.status == Status.SUSPENDED

    services.subscription_join(customer=subscription.customer, mailing_list=cooker, actor=subscription.customer)
    post_mailgun_event(client, mailgun_event("complained", "alice@example.com", second.pk))

    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    assert history(subscription)[0] == (Kind.UNSUBSCRIBED, Source.COMPLAINT)


def test_a_temporary_failure_mailgun_is_still_retrying_changes_nothing(client, webhooks, subscription, cooker, staff):
    webhooks.LIST_SOFT_BOUNCE_LIMIT = 1
    [delivery] = sent_posts(cooker, staff, 1)
    payload = mailgun_event("failed", "alice@example.com", delivery.pk, severity="temporary", reason="generic")

    post_mailgun_event(client, payload)

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert len(history(subscription)) == 1  # joined


def test_the_same_bounce_reported_twice_counts_once(client, webhooks, subscription, cooker, staff):
    webhooks.LIST_HARD_BOUNCE_LIMIT = 2
    [delivery] = sent_posts(cooker, staff, 1)
    bounce = postmark_bounce("alice@example.com", delivery.pk)

    post_postmark(client, "tracking", bounce)
    post_postmark(client, "tracking", bounce)  # the ESP retrying its webhook

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert [kind for kind, _source in history(subscription)].count(Kind.HARD_BOUNCE) == 1


def test_resuming_starts_the_count_again(client, webhooks, customer, subscription, cooker, staff):
    webhooks.LIST_HARD_BOUNCE_LIMIT = 2
    deliveries = sent_posts(cooker, staff, 3)
    for delivery in deliveries[:2]:
        post_postmark(client, "tracking", postmark_bounce("alice@example.com", delivery.pk))
    subscription.refresh_from_db()
    assert subscription.status == Status.SUSPENDED

    services.subscription_join(customer=customer, mailing_list=cooker, actor=customer)
    later = timezone.now() + datetime.timedelta(seconds=1)
    post_postmark(client, "tracking", postmark_bounce("alice@example.com", deliveries[2].pk, bounced_at=later))

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_old_bounces_are_forgotten(client, webhooks, subscription, cooker, staff):
    webhooks.LIST_HARD_BOUNCE_LIMIT = 2
    webhooks.LIST_BOUNCE_WINDOW_DAYS = 30
    first, second = sent_posts(cooker, staff, 2)
    Subscription.objects.filter(pk=subscription.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=90)
    )
    long_ago = timezone.now() - datetime.timedelta(days=40)

    post_postmark(client, "tracking", postmark_bounce("alice@example.com", first.pk, bounced_at=long_ago))
    post_postmark(client, "tracking", postmark_bounce("alice@example.com", second.pk))

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_a_delivery_report_settles_a_copy_interrupted_by_a_dead_worker(client, webhooks, subscription, cooker, staff):
    [delivery] = sent_posts(cooker, staff, 1)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.INTERRUPTED)
    Post.objects.filter(pk=delivery.post_id).update(sent_count=0, interrupted_count=1)

    post_postmark(client, "tracking", postmark_delivered("alice@example.com", delivery.pk))

    delivery.refresh_from_db()
    assert (delivery.status, delivery.outcome) == (Delivery.Status.SENT, Delivery.Outcome.DELIVERED)
    post = Post.objects.get(pk=delivery.post_id)
    assert (post.sent_count, post.interrupted_count) == (1, 0)


@pytest.mark.parametrize("auth", [{}, basic_auth("esp:guessed")], ids=["no-auth", "wrong-secret"])
def test_a_forged_complaint_changes_nothing(client, webhooks, subscription, cooker, staff, auth):
    [delivery] = sent_posts(cooker, staff, 1)

    response = client.post(
        "/anymail/postmark/tracking/",
        data=json.dumps(postmark_complaint("alice@example.com", delivery.pk)),
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert len(history(subscription)) == 1


def test_a_mailgun_report_with_a_wrong_signature_changes_nothing(client, webhooks, subscription, cooker, staff):
    [delivery] = sent_posts(cooker, staff, 1)

    response = post_mailgun_event(client, mailgun_event("complained", "alice@example.com", delivery.pk, key="guess"))

    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_a_report_naming_someone_elses_delivery_changes_nothing(
    client, webhooks, subscription, other_customer, cooker, staff
):
    subscribe(other_customer, cooker)
    [alices] = sent_posts(cooker, staff, 1)

    post_postmark(client, "tracking", postmark_complaint("bob@example.org", alices.pk))

    for member in Subscription.objects.all():
        assert member.status == Status.ACTIVE


def test_reports_about_mail_that_is_not_a_list_post_are_ignored(client, webhooks, subscription):
    complaint = postmark_complaint("alice@example.com", "")
    complaint["Metadata"] = {}  # e.g. a password-reset email

    response = post_postmark(client, "tracking", complaint)

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_my_lists_says_why_mail_stopped_and_offers_to_resume(
    client, webhooks, customer_client, subscription, cooker, staff
):
    [delivery] = sent_posts(cooker, staff, 1)
    post_postmark(client, "tracking", postmark_complaint("alice@example.com", delivery.pk))

    page = page_text(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Your mail program reported a message of this list as spam, so we stopped sending it to you." in page
    assert "Subscribe again to Cooker (development)" in page


def test_a_member_paused_on_a_closed_list_can_resume_it(customer_client, customer, closed_list):
    subscription = subscribe(customer, closed_list, status=Status.SUSPENDED)

    page = page_text(customer_client.get("/account/lists/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Mail to your address bounced, so we paused this list." in page
    assert "Subscribe again to Partners" in page
    customer_client.post("/account/lists/partners/join/")

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    assert history(subscription)[0] == (Kind.RESUBSCRIBED, Source.ACCOUNT)


def test_the_history_page_shows_each_bounce(client, webhooks, customer_client, subscription, cooker, staff):
    [delivery] = sent_posts(cooker, staff, 1)
    post_postmark(client, "tracking", postmark_bounce("alice@example.com", delivery.pk))

    page = page_text(customer_client.get("/account/lists/cooker/history/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "A list email bounced: the address refuses mail" in page
    assert "after mail to the address bounced" in page


@pytest.mark.parametrize(
    ("esp_name", "event_type", "details", "expected"),
    [
        ("Postmark", EventType.BOUNCED, {"Type": "HardBounce"}, Delivery.Outcome.HARD_BOUNCE),
        ("Postmark", EventType.BOUNCED, {"Type": "SoftBounce"}, Delivery.Outcome.SOFT_BOUNCE),
        ("Amazon SES", EventType.BOUNCED, {"bounce": {"bounceType": "Permanent"}}, Delivery.Outcome.HARD_BOUNCE),
        ("Amazon SES", EventType.BOUNCED, {"bounce": {"bounceType": "Transient"}}, Delivery.Outcome.SOFT_BOUNCE),
        ("Mailgun", EventType.REJECTED, {}, Delivery.Outcome.HARD_BOUNCE),
        ("Mailgun", EventType.COMPLAINED, {}, Delivery.Outcome.COMPLAINT),
        ("Mailgun", EventType.DELIVERED, {}, Delivery.Outcome.DELIVERED),
        ("Mailgun", EventType.DEFERRED, {}, None),
        ("Postmark", EventType.OPENED, {}, None),
    ],
)
def test_what_each_esp_report_means(esp_name, event_type, details, expected):
    event = AnymailTrackingEvent(event_type=event_type, esp_event=details, recipient="alice@example.com")

    assert feedback.outcome_of(event, esp_name) == expected
