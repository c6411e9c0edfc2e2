"""Mail sent to a list's address, arriving through the ESP's inbound webhook (Postmark, Mailgun)."""

import json

import pytest

from mailinglists.models import Post, Subscription, SubscriptionEvent
from mailinglists.tokens import make_token
from tests.mailinglists.conftest import members, received_by, subscribe
from tests.mailinglists.webhooks import (
    basic_auth,
    mailgun_inbound,
    post_mailgun_inbound,
    post_postmark,
    postmark_inbound,
)

pytestmark = pytest.mark.django_db

Status = Subscription.Status


@pytest.fixture
def cooker_members(cooker, customer):
    """Alice (the customer fixture) and three other members of Cooker, which allows members' posts."""
    return [subscribe(customer, cooker), *members(cooker, 3)]


def test_a_members_post_reaches_every_member_with_her_address_visible(
    client, webhooks, customer, cooker, cooker_members, mailoutbox
):
    response = post_postmark(client, "inbound", postmark_inbound())

    assert response.status_code == 200
    post = Post.objects.get()
    assert (post.status, post.origin, post.poster) == (Post.Status.SENT, Post.Origin.EMAIL, customer)
    assert (post.sender_email, post.sender_name) == ("alice@example.com", "Alice Durand")
    assert post.text == "Hello,\n\nurpmi takes ages on my machine.\n\nAlice\n"
    assert post.message_id == "<CAB4m2x-urpmi-1@mail.example.com>"
    assert received_by(mailoutbox) == sorted(member.customer.email for member in cooker_members)
    for message in mailoutbox:
        assert message.reply_to == ["Alice Durand <alice@example.com>"]
        assert "Alice Durand via Cooker (development)" in message.from_email
        assert "urpmi takes ages on my machine." in message.body


def test_a_members_post_through_mailgun_reaches_the_list_too(client, webhooks, cooker, cooker_members, mailoutbox):
    response = post_mailgun_inbound(client, mailgun_inbound())

    assert response.status_code == 200
    assert Post.objects.get().status == Post.Status.SENT
    assert len(received_by(mailoutbox)) == 4


def test_the_name_members_see_is_the_one_on_the_account(client, webhooks, cooker, cooker_members):
    post_postmark(client, "inbound", postmark_inbound(name="Official Mandrake Security Team"))

    assert Post.objects.get().sender_name == "Alice Durand"


def test_a_post_from_someone_not_on_the_list_is_held_for_moderation(
    client, webhooks, cooker, cooker_members, mailoutbox
):
    post_postmark(client, "inbound", postmark_inbound(sender="stranger@example.org", name="A Stranger"))

    post = Post.objects.get()
    assert (post.status, post.held_reason) == (Post.Status.HELD, Post.HeldReason.NOT_MEMBER)
    assert (post.poster, post.sender_email, post.sender_name) == (None, "stranger@example.org", "A Stranger")
    assert mailoutbox == []  # neither distributed nor answered (the sender may be forged)


def test_a_post_from_a_customer_who_left_the_list_is_held(client, webhooks, customer, cooker, mailoutbox):
    subscribe(customer, cooker, status=Status.UNSUBSCRIBED)

    post_postmark(client, "inbound", postmark_inbound())

    post = Post.objects.get()
    assert (post.status, post.held_reason, post.poster) == (Post.Status.HELD, Post.HeldReason.NOT_MEMBER, customer)


def test_a_post_from_a_suspended_member_is_held(client, webhooks, customer, cooker, mailoutbox):
    subscribe(customer, cooker, status=Status.SUSPENDED)
    members(cooker, 2)

    post_postmark(client, "inbound", postmark_inbound())

    post = Post.objects.get()
    assert (post.status, post.held_reason) == (Post.Status.HELD, Post.HeldReason.SUSPENDED)
    assert mailoutbox == []


def test_a_post_to_a_list_closed_to_members_posts_is_held(client, webhooks, customer, cooker):
    cooker.members_may_post = False
    cooker.save()
    subscribe(customer, cooker)

    post_postmark(client, "inbound", postmark_inbound())

    assert Post.objects.get().held_reason == Post.HeldReason.CLOSED


def test_a_post_the_esp_flags_as_spam_is_held(client, webhooks, cooker, cooker_members, mailoutbox):
    post_postmark(client, "inbound", postmark_inbound(spam=True))

    assert Post.objects.get().held_reason == Post.HeldReason.SPAM
    assert mailoutbox == []


@pytest.mark.parametrize(
    "headers",
    [
        [("Auto-Submitted", "auto-replied")],  # RFC 3834
        [("X-Autoreply", "yes")],
        [("Precedence", "bulk")],
        [("Precedence", "auto_reply")],
        [("List-Id", "<users.lists.example.org>")],  # another list's copy
    ],
    ids=["auto-submitted", "x-autoreply", "precedence-bulk", "precedence-auto-reply", "other-list"],
)
def test_auto_replies_are_dropped(client, webhooks, cooker, cooker_members, mailoutbox, headers):
    response = post_postmark(client, "inbound", postmark_inbound(subject="Out of office", headers=headers))

    assert response.status_code == 200  # taken, so the ESP does not retry it
    assert not Post.objects.exists()
    assert mailoutbox == []


def test_a_bounce_with_an_empty_return_path_is_dropped(client, webhooks, cooker, cooker_members, mailoutbox):
    post_postmark(client, "inbound", postmark_inbound(sender="mailer-daemon@example.com", return_path="<>"))

    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [[("X-Loop", "cooker.lists.mandrakeonline.net")], [("List-Id", '"Cooker" <cooker.lists.mandrakeonline.net>')]],
    ids=["x-loop", "list-id"],
)
def test_our_own_copies_coming_back_are_dropped(client, webhooks, cooker, cooker_members, mailoutbox, headers):
    post_mailgun_inbound(client, mailgun_inbound(headers=headers))

    assert not Post.objects.exists()
    assert mailoutbox == []


def test_an_auto_responder_answering_through_mailgun_is_dropped(client, webhooks, cooker, cooker_members, mailoutbox):
    form = mailgun_inbound(subject="Absence", headers=[("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes")])

    post_mailgun_inbound(client, form)

    assert not Post.objects.exists()


def test_the_same_message_delivered_twice_is_one_post(client, webhooks, cooker, cooker_members, mailoutbox):
    post_postmark(client, "inbound", postmark_inbound())
    post_postmark(client, "inbound", postmark_inbound())

    assert Post.objects.count() == 1
    assert len(received_by(mailoutbox)) == 4


def test_a_message_with_a_card_number_is_neither_kept_nor_sent(client, webhooks, cooker, cooker_members, mailoutbox):
    post_postmark(client, "inbound", postmark_inbound(text="My card is 4111 1111 1111 1111, why was I charged?"))

    assert not Post.objects.exists()
    assert mailoutbox == []


def test_mail_to_an_unknown_address_is_ignored(client, webhooks, cooker, cooker_members):
    response = post_postmark(client, "inbound", postmark_inbound(to="nobody@lists.mandrakeonline.net"))

    assert response.status_code == 200
    assert not Post.objects.exists()


def test_the_request_address_unsubscribes_the_subscription_its_token_names(client, webhooks, customer, cooker):
    subscription = subscribe(customer, cooker)
    payload = postmark_inbound(
        sender="someone-else@example.org",  # the token is the authority, not the sender (RFC 2369)
        to="cooker-request@lists.mandrakeonline.net",
        subject=f"unsubscribe {make_token(subscription)}",
    )

    post_postmark(client, "inbound", payload)

    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    event = subscription.events.first()
    assert (event.kind, event.source, event.actor) == ("unsubscribed", SubscriptionEvent.Source.EMAIL, None)
    assert not Post.objects.exists()


def test_an_unsubscribe_sent_to_the_list_itself_is_not_distributed(
    client, webhooks, customer, cooker, cooker_members, mailoutbox
):
    [alice, *_others] = cooker_members
    post_postmark(client, "inbound", postmark_inbound(subject=f"unsubscribe {make_token(alice)}"))

    alice.refresh_from_db()
    assert alice.status == Status.UNSUBSCRIBED
    assert not Post.objects.exists()
    assert mailoutbox == []  # the token would let any member unsubscribe her


def test_a_request_with_a_forged_token_changes_nothing(client, webhooks, customer, cooker):
    subscription = subscribe(customer, cooker)
    token = make_token(subscription)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    post_postmark(
        client,
        "inbound",
        postmark_inbound(to="cooker-request@lists.mandrakeonline.net", subject=f"unsubscribe {forged}"),
    )

    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


@pytest.mark.parametrize("auth", [{}, basic_auth("esp:wrong-secret")], ids=["no-auth", "wrong-secret"])
def test_a_forged_inbound_call_changes_nothing(client, webhooks, cooker, cooker_members, mailoutbox, auth):
    response = client.post(
        "/anymail/postmark/inbound/",
        data=json.dumps(postmark_inbound()),
        content_type="application/json",
        **auth,
    )

    assert response.status_code == 400
    assert not Post.objects.exists()
    assert mailoutbox == []


def test_a_mailgun_call_with_a_wrong_signature_changes_nothing(client, webhooks, cooker, cooker_members, mailoutbox):
    response = post_mailgun_inbound(client, mailgun_inbound(key="not-our-signing-key"))

    assert response.status_code == 400
    assert not Post.objects.exists()


def test_a_reply_keeps_the_message_it_answers_for_threading(client, webhooks, cooker, cooker_members, mailoutbox):
    headers = [("In-Reply-To", "<older@example.net> <question-1@lists.mandrakeonline.net>")]

    post_mailgun_inbound(client, mailgun_inbound(subject="Re: urpmi is slow", headers=headers))

    assert Post.objects.get().in_reply_to == "<question-1@lists.mandrakeonline.net>"
    assert mailoutbox[0].extra_headers["In-Reply-To"] == "<question-1@lists.mandrakeonline.net>"


def test_a_customer_not_on_the_list_is_held_and_named(client, webhooks, cooker, other_customer):
    post_postmark(client, "inbound", postmark_inbound(sender="BOB@example.org", name="B."))

    post = Post.objects.get()
    assert (post.poster, post.sender_email, post.sender_name) == (other_customer, "bob@example.org", "Bob Leroy")
