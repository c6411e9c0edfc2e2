"""List managers write a post, preview it, send it and watch it go out; they moderate held posts."""

import pytest
from django.contrib.auth.models import Permission

from mailinglists.models import Delivery, Post
from tests.conftest import CommittingClient, log_in_staff, make_customer
from tests.mailinglists.conftest import draft, members, received_by, send_now

pytestmark = pytest.mark.django_db

POSTS = "/admin/mailinglists/post/"
DELIVERIES = "/admin/mailinglists/delivery/"


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def manager_client(client, list_manager):
    log_in_staff(client, list_manager)
    return client


@pytest.fixture
def viewer(db):
    """Staff who may read posts but neither send nor moderate them."""
    agent = make_customer("viewer@example.com", first_name="Val", last_name="View", is_staff=True)
    agent.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_post", "change_post", "view_mailinglist"])
    )
    return agent


def held_post(mailing_list, **fields) -> Post:
    fields = {
        "subject": "Question about urpmi",
        "text": "How do I add a media?",
        "sender_email": "stranger@example.org",
        "sender_name": "A Stranger",
        "held_reason": Post.HeldReason.NOT_MEMBER,
        **fields,
    }
    return Post.objects.create(mailing_list=mailing_list, origin=Post.Origin.EMAIL, status=Post.Status.HELD, **fields)


def test_a_list_manager_writes_previews_and_sends_a_post(
    esp, manager_client, list_manager, cooker, mailoutbox, django_capture_on_commit_callbacks
):
    subscriptions = members(cooker, 4)

    response = manager_client.post(
        f"{POSTS}add/",
        {"mailing_list": cooker.pk, "subject": "Cooker freeze", "text": "The freeze starts on Monday.", "html": ""},
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.status, post.origin, post.created_by) == (Post.Status.DRAFT, Post.Origin.STAFF, list_manager)
    page = manager_client.get(f"{POSTS}{post.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{POSTS}{post.pk}/preview/"' in page
    assert f'href="{POSTS}{post.pk}/send/"' in page

    preview = page_text(manager_client.get(f"{POSTS}{post.pk}/preview/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "The freeze starts on Monday." in preview
    assert "To unsubscribe, open this link:" in preview
    assert "cooker.lists.mandrakeonline.net" in preview  # the List-Id
    assert "lists@example.com" in preview  # the manager stands in for the subscriber
    french = page_text(manager_client.get(f"{POSTS}{post.pk}/preview/", {"language": "fr"}))
    assert "Pour vous désabonner, ouvrez ce lien" in french

    confirm = page_text(manager_client.get(f"{POSTS}{post.pk}/send/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Send “Cooker freeze” to the active subscribers of Cooker (development)?" in confirm
    assert "Active subscribers now: 4." in confirm
    assert mailoutbox == []
    response = manager_client.post(f"{POSTS}{post.pk}/send/", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert "Sending started." in page_text(response)
    assert received_by(mailoutbox) == sorted(subscription.customer.email for subscription in subscriptions)
    post.refresh_from_db()
    assert (post.status, post.decided_by, post.sent_count) == (Post.Status.SENT, list_manager, 4)


def test_the_post_page_shows_how_far_the_delivery_got(esp, manager_client, cooker, staff):
    members(cooker, 3)
    post = send_now(draft(cooker, staff), staff)
    Post.objects.filter(pk=post.pk).update(failed_count=1, sent_count=2)

    page = page_text(manager_client.get(f"{POSTS}{post.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"))

    assert 'Recipients:</label> <div class="readonly">3</div>' in page
    assert 'Sent:</label> <div class="readonly">2</div>' in page
    assert 'Failed:</label> <div class="readonly">1</div>' in page
    assert f'href="{DELIVERIES}?post={post.pk}"' in page
    changelist = page_text(manager_client.get(POSTS, HTTP_ACCEPT_LANGUAGE="en"))
    assert "2 of 3 sent, 1 failed" in changelist


def test_a_sent_post_can_be_neither_edited_nor_deleted_nor_sent_again(esp, manager_client, cooker, staff, mailoutbox):
    members(cooker, 1)
    post = send_now(draft(cooker, staff), staff)

    page = manager_client.get(f"{POSTS}{post.pk}/change/").content.decode()
    assert 'name="subject"' not in page
    assert 'name="_save"' not in page
    manager_client.post(f"{POSTS}{post.pk}/change/", {"mailing_list": cooker.pk, "subject": "Changed", "text": "x"})
    assert manager_client.post(f"{POSTS}{post.pk}/delete/", {"post": "yes"}).status_code == 403
    manager_client.post(f"{POSTS}{post.pk}/send/")

    post.refresh_from_db()
    assert post.subject == "Mandrake Linux 10.1 is out"
    assert len(mailoutbox) == 1


def test_a_draft_with_a_card_number_is_refused(manager_client, cooker):
    response = manager_client.post(
        f"{POSTS}add/",
        {"mailing_list": cooker.pk, "subject": "Order", "text": "Paid with 4111 1111 1111 1111.", "html": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "This looks like a payment card number." in page_text(response)
    assert not Post.objects.exists()


def test_the_html_preview_runs_in_a_sandbox(esp, manager_client, cooker, staff):
    post = draft(cooker, staff, html="<html><body><p>Hi</p><script>alert(1)</script></body></html>")

    response = manager_client.get(f"{POSTS}{post.pk}/preview/html/")

    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"].startswith("sandbox; default-src 'none';")
    assert "script-src" not in response["Content-Security-Policy"]
    assert "/unsubscribe/" in response.content.decode()  # the footer, as subscribers get it


def test_staff_without_the_send_permission_cannot_send(esp, client, viewer, cooker, staff, mailoutbox):
    members(cooker, 1)
    post = draft(cooker, staff)
    log_in_staff(client, viewer)

    assert "Send…" not in client.get(f"{POSTS}{post.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert client.get(f"{POSTS}{post.pk}/send/").status_code == 403
    assert client.post(f"{POSTS}{post.pk}/send/").status_code == 403

    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert mailoutbox == []


def test_customers_never_reach_the_posts(customer_client, cooker, staff):
    post = draft(cooker, staff)

    for url in (POSTS, f"{POSTS}{post.pk}/preview/", f"{POSTS}{post.pk}/send/", DELIVERIES):
        response = customer_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_approving_a_held_post_sends_it_to_the_list(esp, manager_client, list_manager, cooker, mailoutbox):
    subscriptions = members(cooker, 2)
    post = held_post(cooker)

    assert f'href="{POSTS}{post.pk}/moderate/"' in manager_client.get(f"{POSTS}{post.pk}/change/").content.decode()
    page = page_text(manager_client.get(f"{POSTS}{post.pk}/moderate/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "The sender is not a member of the list" in page
    assert "How do I add a media?" in page
    manager_client.post(f"{POSTS}{post.pk}/moderate/", {"action": "approve", "note": ""})

    post.refresh_from_db()
    assert (post.status, post.decided_by) == (Post.Status.SENT, list_manager)
    assert received_by(mailoutbox) == sorted(subscription.customer.email for subscription in subscriptions)
    assert mailoutbox[0].reply_to == ["A Stranger <stranger@example.org>"]


def test_rejecting_a_held_post_tells_its_sender_in_their_language(manager_client, cooker, other_customer, mailoutbox):
    post = held_post(cooker, poster=other_customer, sender_email=other_customer.email, sender_name="Bob Leroy")

    manager_client.post(f"{POSTS}{post.pk}/moderate/", {"action": "reject", "note": "Please ask on expert-support."})

    post.refresh_from_db()
    assert (post.status, post.moderation_note) == (Post.Status.REJECTED, "Please ask on expert-support.")
    [notice] = mailoutbox
    assert notice.to == ["bob@example.org"]
    # The greeting is already in the French catalogue (the rest once this is merged).
    assert notice.body.startswith("Bonjour Bob Leroy,")
    assert "Please ask on expert-support." in notice.body
    assert "/account/lists/" in notice.body


def test_a_rejection_notice_to_a_stranger_is_in_english(manager_client, cooker, mailoutbox):
    post = held_post(cooker)

    manager_client.post(f"{POSTS}{post.pk}/moderate/", {"action": "reject", "note": ""})

    [notice] = mailoutbox
    assert notice.to == ["stranger@example.org"]
    assert notice.subject == "Your message to Cooker (development) was not distributed"
    assert "Reason: The sender is not a member of the list." in notice.body
    assert len(notice.alternatives) == 1


def test_discarding_a_held_post_tells_nobody(manager_client, cooker, mailoutbox):
    post = held_post(cooker, held_reason=Post.HeldReason.SPAM)

    manager_client.post(f"{POSTS}{post.pk}/moderate/", {"action": "discard", "note": ""})

    post.refresh_from_db()
    assert post.status == Post.Status.REJECTED
    assert mailoutbox == []


def test_moderating_needs_the_permission_and_a_decision(viewer, manager_client, cooker):
    post = held_post(cooker)
    viewer_client = CommittingClient()
    log_in_staff(viewer_client, viewer)

    assert viewer_client.post(f"{POSTS}{post.pk}/moderate/", {"action": "approve"}).status_code == 403
    response = manager_client.post(f"{POSTS}{post.pk}/moderate/", {"note": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    post.refresh_from_db()
    assert post.status == Post.Status.HELD


@pytest.mark.parametrize("post_count", [1, 10, 30])
def test_the_list_of_posts_runs_a_constant_number_of_queries(
    manager_client, cooker, announcements, staff, django_assert_num_queries, post_count
):
    for number in range(post_count):
        draft(cooker if number % 2 else announcements, staff, subject=f"Post {number}")

    # Session, staff member, their second-factor device, their permissions (two: own and
    # group), the page's count, the page of posts with their lists, the lists for the filter.
    with django_assert_num_queries(8):
        response = manager_client.get(POSTS)

    assert len(response.context["cl"].result_list) == post_count


@pytest.mark.parametrize("member_count", [1, 10, 30])
def test_the_deliveries_of_a_post_run_a_constant_number_of_queries(
    esp, manager_client, cooker, staff, django_assert_num_queries, member_count
):
    members(cooker, member_count)
    post = send_now(draft(cooker, staff), staff)

    # Session, staff member, second-factor device, permissions and the page: constant.
    with django_assert_num_queries(7):
        response = manager_client.get(DELIVERIES, {"post": post.pk})

    assert len(response.context["cl"].result_list) == member_count
    page = page_text(response)
    assert "member0@example.net" in page


def test_opening_a_delivery_is_recorded_in_the_customers_history(esp, manager_client, list_manager, cooker, staff):
    [subscription] = members(cooker, 1)
    send_now(draft(cooker, staff), staff)
    sent = Delivery.objects.get()

    assert manager_client.get(f"{DELIVERIES}{sent.pk}/change/").status_code == 200

    event = subscription.customer.events.get(kind="staff_viewed")
    assert event.actor == list_manager
