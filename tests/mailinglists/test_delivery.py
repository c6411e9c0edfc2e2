"""Sending a post to a list: each subscriber once, with their own link, through the ESP."""

import datetime
import email
import itertools
from email import policy

import pytest
from anymail.exceptions import AnymailAPIError
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.test import TestCase
from django.utils import timezone

from mailinglists import delivery, services
from mailinglists.messages import unsubscribe_url
from mailinglists.models import Delivery, Post, Subscription
from mailinglists.tokens import make_token
from tests.conftest import make_customer
from tests.mailinglists.conftest import MERGE_FIELD_FORMAT, draft, members, received_by, send_now, subscribe

pytestmark = pytest.mark.django_db

Status = Delivery.Status
LINK_FIELD = MERGE_FIELD_FORMAT.format("unsubscribe_url")


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def test_each_recipient_gets_their_own_link_as_merge_data(esp, cooker, staff, mailoutbox):
    subscriptions = members(cooker, 5)
    by_email = {subscription.customer.email: subscription for subscription in subscriptions}

    post = send_now(draft(cooker, staff), staff)

    assert (post.status, post.recipient_count, post.sent_count) == (Post.Status.SENT, 5, 5)
    assert received_by(mailoutbox) == sorted(by_email)
    for message in mailoutbox:
        params = message.anymail_test_params
        assert params["is_batch_send"] is True  # one API call, a separate copy per recipient
        assert len(message.to) <= esp.LIST_SEND_BATCH_SIZE
        assert LINK_FIELD in message.body  # the ESP puts each recipient's link there
        assert "/unsubscribe/" not in message.body
        for address in message.to:
            subscription = by_email[address]
            sent = Delivery.objects.get(post=post, subscription=subscription)
            assert params["merge_data"][address] == {"unsubscribe_url": unsubscribe_url(subscription)}
            assert make_token(subscription) in params["merge_headers"][address]["List-Unsubscribe"]
            assert params["merge_metadata"][address] == {"delivery": str(sent.pk)}
        assert params["metadata"] == {"post": str(post.pk)}
        assert message.extra_headers["List-Id"] == '"Cooker (development)" <cooker.lists.mandrakeonline.net>'
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "List-Unsubscribe" not in message.extra_headers  # personal: merge headers only


def test_the_footer_is_in_each_recipients_language(esp, cooker, staff, mailoutbox):
    english, french = members(cooker, 2)

    send_now(draft(cooker, staff), staff)

    [to_english] = [message for message in mailoutbox if english.customer.email in message.to]
    [to_french] = [message for message in mailoutbox if french.customer.email in message.to]
    assert "To unsubscribe, open this link:" in to_english.body
    assert "Pour vous désabonner, ouvrez ce lien" in to_french.body
    assert to_english.to == [english.customer.email]


def test_the_link_in_the_merge_data_unsubscribes_that_recipient_only(esp, client, cooker, staff, mailoutbox):
    first, second = members(cooker, 2)
    send_now(draft(cooker, staff), staff)
    [message] = [message for message in mailoutbox if first.customer.email in message.to]
    link = message.anymail_test_params["merge_data"][first.customer.email]["unsubscribe_url"]

    client.post(link.removeprefix(esp.SITE_URL), {"action": "unsubscribe"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Subscription.Status.UNSUBSCRIBED, Subscription.Status.ACTIVE)


def test_without_merge_fields_each_recipient_gets_a_message_of_their_own(settings, cooker, staff, mailoutbox):
    settings.LIST_MERGE_FIELD_FORMAT = ""
    settings.LIST_SEND_RATE = 0
    subscriptions = members(cooker, 3)

    send_now(draft(cooker, staff, html="<html><body><p>Download it today.</p></body></html>"), staff)

    assert received_by(mailoutbox) == sorted(subscription.customer.email for subscription in subscriptions)
    for subscription in subscriptions:
        [message] = [message for message in mailoutbox if message.to == [subscription.customer.email]]
        parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
        link = unsubscribe_url(subscription)
        assert link in parsed.get_body(("plain",)).get_content()
        assert f'href="{link}"' in parsed.get_body(("html",)).get_content()
        assert str(parsed["List-Unsubscribe"]).strip().startswith(f"<{link}>")
        assert message.metadata["delivery"] == str(Delivery.objects.get(subscription=subscription).pk)


def test_unsubscribing_during_the_send_is_honoured_for_those_not_yet_sent(scripted_esp, cooker, staff, mailoutbox):
    subscriptions = members(cooker, 5)  # batches of 3: the last two wait for the second call
    leaving = subscriptions[4]

    def leave_during_the_first_call(message):
        scripted_esp.before_call = None
        services.subscription_unsubscribe(subscription=leaving, source="one_click", actor=None)

    scripted_esp.before_call = leave_during_the_first_call

    post = send_now(draft(cooker, staff), staff)

    assert leaving.customer.email not in received_by(mailoutbox)
    assert len(received_by(mailoutbox)) == 4
    assert Delivery.objects.get(subscription=leaving).status == Status.SKIPPED
    assert (post.status, post.sent_count, post.skipped_count) == (Post.Status.SENT, 4, 1)


def test_esp_errors_are_retried_then_failed_with_the_reason(scripted_esp, settings, cooker, staff, mailoutbox):
    settings.LIST_SEND_RETRY_SECONDS = 0  # every retry due at once
    settings.LIST_SEND_MAX_ATTEMPTS = 3
    members(cooker, 2)
    calls = []

    def esp_down(message):
        calls.append(message)
        raise AnymailAPIError("503 Service Unavailable from the ESP for member0@example.net")

    scripted_esp.before_call = esp_down

    post = send_now(draft(cooker, staff), staff)

    assert mailoutbox == []
    assert len(calls) == 3 * 2  # three attempts, two messages (one per language) each
    for failed in Delivery.objects.filter(post=post):
        assert (failed.status, failed.attempts) == (Status.FAILED, 3)
        # The kind of error only: the ESP's text may name other recipients.
        assert failed.failure_reason == "Gave up after 3 attempts: AnymailAPIError"
    assert (post.status, post.sent_count, post.failed_count) == (Post.Status.SENT, 0, 2)


def test_retries_wait_longer_each_time_and_then_succeed(scripted_esp, settings, cooker, staff, mailoutbox):
    settings.LIST_SEND_RETRY_SECONDS = 60
    scripted_esp.before_call = lambda message: (_ for _ in ()).throw(AnymailAPIError("timeout"))
    [subscription] = members(cooker, 1)
    post = send_now(draft(cooker, staff), staff)
    waiting = Delivery.objects.get(post=post)

    for expected_wait in (60, 120):
        waiting.refresh_from_db()
        assert waiting.status == Status.QUEUED
        assert waiting.next_attempt_at - timezone.now() == pytest.approx(
            datetime.timedelta(seconds=expected_wait), abs=datetime.timedelta(seconds=5)
        )
        # Not due yet: a worker passing by leaves it alone.
        assert delivery.run_worker(post.pk) == waiting.next_attempt_at
        Delivery.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now())
        if expected_wait == 120:
            scripted_esp.before_call = None  # the ESP is back
        delivery.run_worker(post.pk)

    waiting.refresh_from_db()
    post.refresh_from_db()
    assert (waiting.status, waiting.attempts) == (Status.SENT, 3)
    assert received_by(mailoutbox) == [subscription.customer.email]
    assert post.status == Post.Status.SENT


def test_an_address_the_esp_refuses_fails_at_once_and_a_passing_failure_is_retried(
    scripted_esp, settings, cooker, staff, mailoutbox
):
    settings.LIST_SEND_RETRY_SECONDS = 0
    settings.LIST_SEND_MAX_ATTEMPTS = 2
    scripted_esp.statuses = {"refused": "rejected", "flaky": "failed"}
    subscribe(make_customer("refused@example.net"), cooker)
    subscribe(make_customer("flaky@example.net"), cooker)
    fine = subscribe(make_customer("fine@example.net"), cooker)

    post = send_now(draft(cooker, staff), staff)

    outcomes = {d.subscription.customer.email: d for d in Delivery.objects.select_related("subscription__customer")}
    assert (outcomes["refused@example.net"].status, outcomes["refused@example.net"].attempts) == (Status.FAILED, 1)
    assert outcomes["refused@example.net"].failure_reason == "The mail provider refused the address (rejected)."
    assert (outcomes["flaky@example.net"].status, outcomes["flaky@example.net"].attempts) == (Status.FAILED, 2)
    assert outcomes["flaky@example.net"].failure_reason == (
        "Gave up after 2 attempts: The mail provider did not take it (failed)."
    )
    assert outcomes[fine.customer.email].status == Status.SENT
    assert (post.sent_count, post.failed_count) == (1, 2)


def test_workers_keep_to_the_send_rate_together(esp, cooker, staff, monkeypatch):
    esp.LIST_SEND_RATE = 100  # messages a second
    esp.LIST_SEND_BATCH_SIZE = 10
    members(cooker, 40)
    waits = []
    monkeypatch.setattr(delivery.time, "sleep", waits.append)

    send_now(draft(cooker, staff), staff)

    # Each batch books a tenth of a second (10 messages at 100 a second) after the one
    # before; the first starts at once. Nothing really sleeps here, so the waits pile up as
    # they would for workers that could send faster than the rate.
    assert len(waits) == 3
    assert waits[0] == pytest.approx(0.1, abs=0.05)
    assert [later - earlier for earlier, later in itertools.pairwise(waits)] == pytest.approx(
        [0.1] * (len(waits) - 1), abs=0.05
    )


def test_a_post_to_a_list_without_subscribers_is_sent_to_nobody(esp, cooker, staff, mailoutbox):
    subscribe(make_customer("left@example.net"), cooker, status=Subscription.Status.UNSUBSCRIBED)

    post = send_now(draft(cooker, staff), staff)

    assert (post.status, post.recipient_count) == (Post.Status.SENT, 0)
    assert post.finished_at is not None
    assert mailoutbox == []


def test_only_active_subscribers_receive_a_post(esp, cooker, announcements, staff, mailoutbox):
    [active] = members(cooker, 1)
    subscribe(make_customer("paused@example.net"), cooker, status=Subscription.Status.SUSPENDED)
    subscribe(make_customer("left@example.net"), cooker, status=Subscription.Status.UNSUBSCRIBED)
    subscribe(make_customer("elsewhere@example.net"), announcements)

    send_now(draft(cooker, staff), staff)

    assert received_by(mailoutbox) == [active.customer.email]


def test_a_post_is_sent_once_however_often_the_button_is_pressed(esp, cooker, staff, mailoutbox):
    members(cooker, 2)
    post = send_now(draft(cooker, staff), staff)

    with pytest.raises(ValidationError) as refused:
        services.post_send(post=post, actor=staff)

    assert refused.value.code == "wrong_status"
    assert len(received_by(mailoutbox)) == 2


def test_a_fan_out_that_stopped_half_way_goes_on_without_writing_anyone_twice(esp, cooker, staff):
    subscriptions = members(cooker, 7)
    post = draft(cooker, staff)
    post.status = Post.Status.SENDING
    post.save()
    # As a fan-out killed after its first chunk leaves things: three rows, the cursor after them.
    delivery.write_recipients(post.pk, chunk_size=3)
    Post.objects.filter(pk=post.pk).update(fanout_done=False, fanout_cursor=subscriptions[2].pk, recipient_count=3)
    Delivery.objects.filter(post=post, subscription__in=subscriptions[3:]).delete()

    delivery.write_recipients(post.pk, chunk_size=3)

    post.refresh_from_db()
    assert post.fanout_done
    assert post.recipient_count == 7
    assert sorted(Delivery.objects.filter(post=post).values_list("subscription_id", flat=True)) == sorted(
        subscription.pk for subscription in subscriptions
    )


def test_a_members_post_comes_from_the_list_naming_the_member_with_their_address_to_reply(
    esp, cooker, staff, other_customer, mailoutbox
):
    members(cooker, 2)
    held = Post.objects.create(
        mailing_list=cooker,
        origin=Post.Origin.EMAIL,
        status=Post.Status.HELD,
        held_reason=Post.HeldReason.NOT_MEMBER,
        subject="Re: urpmi is slow",
        text="Try --wget.",
        sender_email="bob@example.org",
        sender_name="Bob Leroy",
        message_id="<reply-1@example.org>",
        in_reply_to="<question-1@example.net>",
    )

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.post_approve(post=held, actor=staff)

    message = mailoutbox[0]
    assert message.from_email == '"Bob Leroy via Cooker (development)" <cooker@lists.mandrakeonline.net>'
    assert message.reply_to == ["Bob Leroy <bob@example.org>"]
    assert message.extra_headers["Message-ID"] == "<reply-1@example.org>"
    assert message.extra_headers["In-Reply-To"] == message.extra_headers["References"] == "<question-1@example.net>"
    assert message.extra_headers["List-Post"] == "<mailto:cooker@lists.mandrakeonline.net>"
    held.refresh_from_db()
    assert (held.status, held.decided_by) == (Post.Status.SENT, staff)


def test_a_staff_post_gets_a_message_id_of_the_list_domain(esp, cooker, staff, mailoutbox):
    members(cooker, 1)

    post = send_now(draft(cooker, staff), staff)

    assert post.message_id.endswith("@lists.mandrakeonline.net>")
    assert mailoutbox[0].extra_headers["Message-ID"] == post.message_id
    assert isinstance(mailoutbox[0], EmailMessage)
